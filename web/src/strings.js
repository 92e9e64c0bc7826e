// Every string the pages show, in one place, so that they can be translated.
export const STRINGS = {
  brand: "Flattr",
  signIn: "Sign in",
  signOut: "Sign out",
  homeTitle: "Pay the people whose work you enjoy",
  homeIntro:
    "Set a monthly budget. What you read, watch and like becomes flattrs, and at the end of " +
    "the month your budget is split equally over them. Creators who have not joined yet " +
    "still receive: their money waits for them, and goes back to you if nobody claims it.",
  homeStoreTitle: "What we store, and what we never store",
  homeStore: [
    "We store the flattrs you make: the page, who receives it, and when.",
    "Attention that has not made a flattr is kept only as keyed hashes, and only as long " +
      "as a rule needs it.",
    "We never store your browsing history, never sell data, and keep no URLs, emails or " +
      "tokens in our logs.",
  ],
  dashboardTitle: "Your month",
  balance: "Balance",
  budget: "Monthly budget",
  flattrsThisMonth: "Flattrs this month",
  changeBudget: "Change budget",
  saved: "Saved.",
  projectedTitle: "Where your budget goes this month",
  receiver: "Receiver",
  flattrs: "Flattrs",
  amount: "Amount",
  claimed: "claimed",
  waiting: "waits to be claimed",
  nothingYet: "No flattrs yet this month.",
  signedOut: "Sign in to see your month.",
  signInFailed: "Signing in did not work. Please try again.",
  loading: "Loading…",
  timeZone: "Time zone",
  changeTimeZone: "Change time zone",
  flattrsTitle: "This month's flattrs",
  onlyReceivers: "Only flattrs with a receiver that is",
  receiverAny: "any",
  receiverClaimed: "claimed",
  receiverUnclaimed: "unclaimed",
  page: "Page",
  takeBack: "Take back",
  takenBack: "Taken back.",
  unclaimedTitle: "Money you gave that waits to be claimed",
  expires: "Goes back to you on",
  nothingWaits: "Nothing waits.",
  accountTitle: "Your account",
  exportTitle: "Your data",
  exportText: "Everything we store about you, as one JSON file.",
  exportButton: "Download my data",
  deleteTitle: "Delete your account",
  deleteText:
    "Your profile, flattrs, attention records, connections and domains are deleted, and " +
    "your sign-in with them. The money records (what you paid in, your monthly statements, " +
    "money that waits for creators) are kept under an id that no longer leads to you: the " +
    "law and the creators you gave to need them to add up.",
  deleteConfirmLabel: "Type delete my account to confirm",
  deleteConfirmPhrase: "delete my account",
  deleteButton: "Delete my account",
  deleted: "Your account is deleted.",
};

// The pages: home, the end of sign-in, the dashboard.
import { api } from "./api.js";
import { myPledges } from "./pledges.js";
import { accessToken, finishSignIn, signIn, signOut } from "./auth.js";
import { el, say, sayInvalid, scrollTable, show } from "./dom.js";
import { formatAmounts, sumByCurrency } from "./earnings.js";
import { formatDate, formatMoney, formatMonth, parseAmount } from "./format.js";
import { allowedAppsSection, devicesSection, securitySection } from "./security.js";
import { shortfallNotice } from "./shortfall.js";
import { contributorSteps, stepsBox } from "./firstvisit.js";
import { STRINGS as S } from "./strings.js";

/** On a page for signed-in people: true when signed in, else the page asks to sign in. */
export async function signedInOr(title, returnTo, ...explanation) {
  if (await accessToken()) return true;
  show(
    el("h1", {}, title),
    ...explanation,
    el("button", { type: "button", id: "sign-in", onclick: () => signIn(returnTo) }, S.signIn),
  );
  return false;
}

export function home() {
  show(
    el("h1", {}, S.homeTitle),
    el("p", {}, S.homeIntro),
    el("h2", {}, S.homeStoreTitle),
    el("ul", {}, S.homeStore.map((line) => el("li", {}, line))),
    el("p", {}, el("button", { type: "button", id: "sign-in", onclick: () => signIn() }, S.signIn)),
  );
}

export async function signedIn(navigate) {
  show(el("p", {}, S.loading));
  const next = await finishSignIn(new URL(location.href));
  // The extension sign-in page is loaded anew: an extension's content script runs only on
  // a page load of that path, never on a route the site changed to by itself.
  if (next && next.startsWith("/oauth/ext")) location.replace(next);
  else if (next) navigate(next, { replace: true });
  else show(el("p", { class: "error", role: "alert" }, S.signInFailed));
}

function budgetForm(current, onSaved, note = "") {
  const input = el("input", {
    id: "budget",
    name: "budget",
    inputmode: "decimal",
    value: Number.parseFloat(current.amount).toFixed(2),
    "aria-describedby": "budget-message",
  });
  const message = el("p", { id: "budget-message", role: "status" }, note);
  const save = async (event) => {
    event.preventDefault();
    const amount = parseAmount(input.value);
    if (amount === null) {
      sayInvalid(message, S.budgetInvalid);
      return;
    }
    const answer = await api("PATCH", "/v1/me", {
      monthly_budget: { amount, currency: current.currency },
    });
    say(message, answer, "");
    if (answer.ok) onSaved(`${S.budgetSaved} ${formatMoney(answer.data.monthly_budget)}.`);
  };
  return el(
    "form",
    { onsubmit: save },
    el("label", { for: "budget" }, `${S.budget} (${current.currency}) `),
    input,
    " ",
    el("button", { type: "submit" }, S.changeBudget),
    message,
  );
}

/** The low-balance warning (``shortfallNotice``) as a paragraph, with the way to top up
 * unless ``here`` (already on the money page) or a monthly top-up will cover it. */
/** Money kept in a currency I no longer give in (escrow given back after I changed mine):
 * it is mine and can go back to my payment method, but the split does not spend it. */
export function otherBalances(balance) {
  const others = (balance.balances_by_currency || []).filter((m) => m.currency !== balance.balance.currency && Number.parseFloat(m.amount) > 0);
  if (others.length === 0) return "";
  return el("p", { id: "other-balances" }, S.otherBalances(formatAmounts(sumByCurrency(others)), balance.balance.currency), " ", el("a", { href: "/money" }, S.otherBalancesRefund));
}

export function shortfallParagraph(balance, monthly, here = false) {
  const notice = shortfallNotice(balance, monthly, S);
  if (!notice) return "";
  return el(
    "p",
    { id: "shortfall", class: "warning", role: "status" },
    notice.text,
    notice.topUp && !here ? [" ", el("a", { href: "/money" }, S.topUpNow)] : "",
  );
}

function projected(parts, funded, pledges = [], dropped = []) {
  const notCovered = dropped.length
    ? el("p", { id: "projected-dropped" }, S.pledgesDropped(dropped.map((r) => r.display_name).join(", ")))
    : "";
  if (parts.length === 0 && pledges.length === 0) return [el("p", {}, S.nothingYet), notCovered];
  // Pledges are paid first (issue 35), then the rest over the flattrs.
  const rows = [...pledges.map((part) => ({ ...part, pledge: true })), ...parts];
  return [
    scrollTable(
      { id: "projected" },
      el("thead", {}, el("tr", {}, el("th", {}, S.receiver), el("th", {}, S.flattrs), el("th", {}, S.amount))),
      el(
        "tbody",
        {},
        rows.map((part) =>
          el(
            "tr",
            {},
            el("td", {}, part.recipient.display_name, " ", el("small", {}, part.held ? S.waiting : S.claimed)),
            el("td", {}, part.pledge ? S.monthlyPledge : part.flattrs),
            // No balance: the split would give nothing, so the flattr goes unfunded (not 0.00 of anything).
            el("td", {}, funded || part.pledge ? formatMoney(part.amount) : el("span", { class: "muted" }, S.unfunded)),
          ),
        ),
      ),
    ),
    notCovered,
  ];
}

function timeZoneForm(current, onSaved) {
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [current];
  const select = el(
    "select",
    { id: "time-zone", name: "time_zone" },
    [...new Set(["UTC", ...zones])].map((zone) =>
      el("option", zone === current ? { value: zone, selected: "" } : { value: zone }, zone),
    ),
  );
  const message = el("p", { id: "time-zone-message", role: "status" });
  const save = async (event) => {
    event.preventDefault();
    const answer = await api("PATCH", "/v1/me", { time_zone: select.value });
    say(message, answer, S.saved);
    if (answer.ok) onSaved();
  };
  return el(
    "form",
    { onsubmit: save },
    el("label", { for: "time-zone" }, `${S.timeZone} `),
    select,
    " ",
    el("button", { type: "submit" }, S.changeTimeZone),
    message,
  );
}

/** The currency I give in, from the service's (their names in my language); the API refuses a
 * change while money or a pledge is in the old one, which is said in words. */
function currencyForm(me, onSaved) {
  const names = new Intl.DisplayNames(undefined, { type: "currency" });
  const select = el(
    "select",
    { id: "currency", name: "currency", "aria-describedby": "currency-help currency-message" },
    (me.currencies || [me.currency]).map((code) =>
      el("option", code === me.currency ? { value: code, selected: "" } : { value: code }, `${names.of(code)} (${code})`),
    ),
  );
  const message = el("p", { id: "currency-message", role: "status" });
  const save = async (event) => {
    event.preventDefault();
    if (select.value === me.currency) return;
    const answer = await api("PATCH", "/v1/me", { currency: select.value });
    if (answer.ok) onSaved(S.currencySaved(names.of(select.value)));
    else {
      select.value = me.currency; // still theirs: the list shows what is true
      say(message, answer, "");
    }
  };
  return el(
    "form",
    { onsubmit: save },
    el("label", { for: "currency" }, `${S.currency} `),
    select,
    " ",
    el("button", { type: "submit" }, S.changeCurrency),
    el("p", { id: "currency-help", class: "muted" }, S.currencyHelp),
    message,
  );
}

/** The monthly statement and the warning before the balance runs short: on unless turned off. */
function moneyEmailsToggle(on) {
  const box = el("input", { type: "checkbox", id: "money-emails", ...(on ? { checked: "" } : {}) });
  const message = el("p", { id: "money-emails-message", role: "status" });
  box.addEventListener("change", async () => {
    const answer = await api("PATCH", "/v1/me", { money_emails: box.checked });
    say(message, answer, S.saved);
  });
  return el("p", {}, box, " ", el("label", { for: "money-emails" }, S.moneyEmails), message);
}

function flattrRow(flattr, onTakenBack) {
  const takeBack = async () => {
    const answer = await api("DELETE", `/v1/flattrs/${encodeURIComponent(flattr.id)}`);
    if (answer.ok) onTakenBack();
  };
  return el(
    "tr",
    {},
    el(
      "td",
      {},
      el("a", { href: flattr.url, rel: "noopener noreferrer" }, flattr.title || flattr.url),
      // Made by an app the person allowed (the REST API v2): which one, in plain words.
      flattr.app ? el("small", { class: "by-app" }, " ", S.flattredByApp(flattr.app)) : "",
    ),
    el("td", {}, flattr.recipient.display_name, " ", el("small", {}, flattr.recipient.claimed ? S.claimed : S.waiting)),
    el("td", {}, el("button", { type: "button", class: "link", onclick: takeBack }, S.takeBack)),
  );
}

async function flattrList(receiver = "any") {
  const section = el("section", { id: "flattrs", "aria-labelledby": "flattrs-title" });
  const load = async (which) => {
    const answer = await api("GET", `/v1/flattrs?receiver=${which}`);
    const filter = el(
      "select",
      { id: "receiver", onchange: (event) => load(event.target.value) },
      ["any", "claimed", "unclaimed", "waiting", "nobody"].map((value) =>
        el(
          "option",
          value === which ? { value, selected: "" } : { value },
          S[`receiver${value[0].toUpperCase()}${value.slice(1)}`],
        ),
      ),
    );
    const items = answer.data.items;
    section.replaceChildren(
      el("h2", { id: "flattrs-title" }, S.flattrsTitle),
      el("label", { for: "receiver" }, `${S.onlyReceivers} `),
      filter,
      items.length === 0
        ? el("p", {}, S.nothingYet)
        : scrollTable({ id: "flattr-items" }, el("tbody", {}, items.map((f) => flattrRow(f, () => dashboard())))),
    );
  };
  await load(receiver);
  return section;
}

async function unclaimedList() {
  const answer = await api("GET", "/v1/me/unclaimed");
  const items = answer.data.items;
  return el(
    "section",
    { id: "unclaimed", "aria-labelledby": "unclaimed-title" },
    el("h2", { id: "unclaimed-title" }, S.unclaimedTitle),
    items.length === 0
      ? el("p", {}, S.nothingWaits)
      : el(
          "ul",
          {},
          items.map((item) =>
            el(
              "li",
              {},
              `${item.recipient.display_name}: ${formatMoney(item.amount)}, `,
              `${S.expires} ${formatDate(item.expires_at)}`,
            ),
          ),
        ),
  );
}

export async function account(navigate) {
  if (!(await signedInOr(S.accountTitle, "/account"))) return;
  const download = async () => {
    const answer = await api("GET", "/v1/me/export");
    const file = new Blob([JSON.stringify(answer.data, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(file), download: "flattr-data.json" });
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const confirmation = el("input", { id: "delete-confirm", autocomplete: "off", "aria-describedby": "delete-message" });
  const message = el("p", { id: "delete-message", role: "status" });
  const remove = async (event) => {
    event.preventDefault();
    if (confirmation.value.trim().toLowerCase() !== S.deleteConfirmPhrase) {
      sayInvalid(message, S.deleteConfirmMissing);
      return;
    }
    const answer = await api("DELETE", "/v1/me");
    if (!answer.ok) {
      say(message, answer, "");
      return;
    }
    await signOut();
    navigate("/", { replace: true });
    document.getElementById("app").prepend(el("p", { role: "status", id: "farewell" }, S.deleted));
  };
  show(
    el("h1", {}, S.accountTitle),
    await securitySection(),
    await devicesSection(),
    await allowedAppsSection(),
    el("h2", {}, S.exportTitle),
    el("p", {}, S.exportText),
    el("button", { type: "button", id: "export", onclick: download }, S.exportButton),
    el("h2", {}, S.deleteTitle),
    el("p", {}, S.deleteText),
    el(
      "form",
      { onsubmit: remove },
      el("label", { for: "delete-confirm" }, `${S.deleteConfirmLabel} `),
      confirmation,
      " ",
      el("button", { type: "submit", class: "danger" }, S.deleteButton),
      message,
    ),
  );
}

/** The dashboard; ``budgetNote`` says a budget just saved (drawn again with it). */
export async function dashboard(_navigate, budgetNote = "") {
  if (!(await signedInOr(S.dashboardTitle, "/dashboard", el("p", {}, S.signedOut)))) return;
  const [answer, me, monthly, devices, connections] = await Promise.all([
    api("GET", "/v1/me/balance"),
    api("GET", "/v1/me"),
    api("GET", "/v1/payins/monthly"),
    api("GET", "/v1/me/devices"),
    api("GET", "/v1/connections"),
  ]);
  const month = answer.data;
  const steps = contributorSteps(
    { balance: month, monthly: monthly.data, devices: devices.data, connections: connections.data },
    S,
    formatMoney,
  );
  const [flattrs, unclaimed, pledged] = await Promise.all([flattrList(), unclaimedList(), myPledges()]);
  show(
    el("h1", {}, `${S.dashboardTitle}: ${formatMonth(month.month)}`),
    stepsBox("start", S.startTitle, steps, S),
    el(
      "dl",
      {},
      el("dt", {}, S.balance),
      el("dd", { id: "balance", class: "figure" }, formatMoney(month.balance)),
      el("dt", {}, S.budget),
      el("dd", { id: "monthly-budget" }, formatMoney(month.monthly_budget)),
      el("dt", {}, S.flattrsThisMonth),
      el("dd", { id: "flattr-count" }, month.flattrs),
    ),
    shortfallParagraph(month, monthly.ok ? monthly.data : null),
    otherBalances(month),
    budgetForm(month.monthly_budget, (note) => dashboard(_navigate, note), budgetNote),
    timeZoneForm(me.data.time_zone, () => dashboard()),
    currencyForm(me.data, (note) => dashboard(_navigate, note)),
    moneyEmailsToggle(me.data.money_emails),
    el("h2", {}, S.projectedTitle),
    projected(month.projected, month.funded, month.pledges || [], month.dropped || []),
    pledged,
    flattrs,
    unclaimed,
  );
}

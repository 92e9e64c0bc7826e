// Creators' money out, on the money page: the payout account (Stripe Connect Express,
// set up on Stripe's pages) and withdrawals to it.
import { optionalAmountForm } from "./amountform.js";
import { api } from "./api.js";
import { el, say, scrollTable } from "./dom.js";
import { formatAmounts, sumByCurrency } from "./earnings.js";
import { formatDate, formatMoney } from "./format.js";
import { signInAgain } from "./security.js";
import { STRINGS as S } from "./strings.js";

/** What to say when money may not leave yet: the problem's words and the way on. */
function refusal(message, answer) {
  say(message, answer, "");
  const type = answer.data && answer.data.type;
  if (type === "/problems/recent-sign-in-required") message.append(" ", signInAgain("/money"));
  if (type === "/problems/totp-required") message.append(" ", el("a", { href: "/account" }, S.totpGoSetUp));
}

/** Off to Stripe's pages with a fresh single-use link (also what ``?payout=refresh`` asks). */
export async function toStripe(message) {
  const answer = await api("POST", "/v1/payouts/account", {}, { "Idempotency-Key": crypto.randomUUID() });
  if (answer.ok) location.assign(answer.data.onboarding_url);
  else refusal(message, answer);
}

function withdrawForm(account, onDone) {
  const held = (account.earnings_by_currency || [account.earnings]).filter((m) => Number.parseFloat(m.amount) > 0);
  return optionalAmountForm({
    id: "withdraw",
    label: held.length === 1 ? `${S.withdrawAmount} (${held[0].currency})` : S.withdrawAmount,
    currencies: held.map((m) => m.currency),
    currencyLabel: S.withdrawCurrency,
    placeholder: S.withdrawAll,
    path: "/v1/withdrawals",
    button: S.withdrawButton,
    help: `${S.withdrawHelp} ${formatMoney(account.minimum_withdrawal)}.`,
    said: S.withdrawn,
    done: onDone,
    refused: refusal,
  });
}

function withdrawalRows(items) {
  if (items.length === 0) return el("p", {}, S.noWithdrawals);
  return scrollTable(
    { id: "withdrawals" },
    el("thead", {}, el("tr", {}, el("th", {}, S.date), el("th", {}, S.amount), el("th", {}, S.status))),
    el("tbody", {}, items.map((w) => el("tr", {},
      el("td", {}, formatDate(w.created_at)),
      // Where Stripe converted it to the payout account's currency: what arrived, at its rate.
      el("td", {}, formatMoney(w.amount), w.converted ? el("small", {}, ` ${S.converted(formatMoney(w.converted), w.exchange_rate)}`) : ""),
      el("td", { class: "state" }, S[`withdrawal_${w.state}`] || w.state)))),
  );
}

/** The money page's pay-out part; ``onDone(note)`` draws the page again, ``note`` says
 * what was just done, ``back`` that the person just came back from Stripe's pages. */
export async function payoutSection(onDone, note = "", back = false) {
  const [account, withdrawals] = await Promise.all([api("GET", "/v1/payouts/account"), api("GET", "/v1/withdrawals")]);
  const state = account.data;
  if (back) note = S.payoutBack(S[`payout_${state.status}`] || S.payout_onboarding);
  const message = el("p", { id: "payout-message", role: "status" });
  const setUp = el(
    "button",
    { type: "button", id: "payout-set-up", class: state.status === "ready" ? "secondary" : "", onclick: () => toStripe(message) },
    state.status === "ready" ? S.payoutChange : S.payoutSetUp,
  );
  return el(
    "section",
    { id: "payout", "aria-labelledby": "payout-title" },
    el("h2", { id: "payout-title" }, S.payoutTitle),
    el("dl", {},
      el("dt", {}, S.withdrawable), el("dd", { id: "earnings", class: "figure" }, formatAmounts(sumByCurrency(state.earnings_by_currency || [state.earnings])) || formatMoney(state.earnings)),
      el("dt", {}, S.payoutAccount), el("dd", { id: "payout-status" }, S[`payout_${state.status}`] || state.status)),
    el("p", {}, S.payoutText),
    setUp,
    message,
    note ? el("p", { id: "payout-note", role: "status" }, note) : "",
    state.status === "ready" ? withdrawForm(state, onDone) : "",
    el("h3", {}, S.withdrawalsTitle),
    withdrawalRows(withdrawals.data.items),
  );
}

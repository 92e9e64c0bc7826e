// The money page: top up through Stripe Checkout, and my pay-ins with their states.
import { optionalAmountForm } from "./amountform.js";
import { api } from "./api.js";
import { el, say, sayInvalid, scrollTable, show } from "./dom.js";
import { formatDate, formatMoney, parseAmount } from "./format.js";
import { otherBalances, shortfallParagraph, signedInOr } from "./pages.js";
import { payInsAndBalance } from "./payinwait.js";
import { payoutSection, toStripe } from "./payout.js";
import { STRINGS as S } from "./strings.js";

function topUpForm(currency, least) {
  const amount = el("input", { id: "top-up", name: "amount", inputmode: "decimal", value: "10.00", "aria-describedby": "top-up-help top-up-message" });
  const method = el(
    "select",
    { id: "top-up-method", name: "method" },
    el("option", { value: "card", selected: "" }, S.methodCard),
    el("option", { value: "sepa_debit" }, S.methodSepa),
  );
  const message = el("p", { id: "top-up-message", role: "status" });
  const submit = async (event) => {
    event.preventDefault();
    const value = parseAmount(amount.value);
    if (value === null) {
      sayInvalid(message, S.topUpInvalid);
      return;
    }
    // One key per attempt: pressing twice, or a retry after a lost answer, is one pay-in.
    const key = crypto.randomUUID();
    const answer = await api("POST", "/v1/payins", { amount: { amount: value }, method: method.value }, { "Idempotency-Key": key });
    if (answer.ok) location.assign(answer.data.checkout_url);
    else say(message, answer, "");
  };
  return el(
    "form",
    { onsubmit: submit },
    el("label", { for: "top-up" }, `${S.topUpAmount(currency)} `),
    amount,
    " ",
    el("label", { for: "top-up-method" }, `${S.topUpMethod} `),
    method,
    " ",
    el("button", { type: "submit" }, S.topUpButton),
    el("p", { id: "top-up-help" }, S.topUpHelp(formatMoney(least))),
    message,
  );
}

function refundForm(balance, onDone) {
  const held = (balance.balances_by_currency || [balance.balance]).filter((m) => m.currency === balance.balance.currency || Number.parseFloat(m.amount) > 0);
  return optionalAmountForm({
    id: "refund",
    label: S.refundAmount(balance.balance.currency),
    currencies: held.map((m) => m.currency),
    currencyLabel: S.refundCurrency,
    placeholder: S.refundAll,
    path: "/v1/refunds",
    button: S.refundButton,
    buttonClass: "secondary",
    help: S.refundHelp,
    said: S.refunded,
    done: onDone,
    refused: (message, answer) => say(message, answer, ""),
  });
}

/** The monthly top-up: saved at Stripe (setup mode), charged before the split when short. */
function monthlySection(mine, onDone) {
  const message = el("p", { id: "monthly-message", role: "status" });
  const method = el(
    "select",
    { id: "monthly-method", name: "method" },
    el("option", { value: "card", selected: "" }, S.methodCard),
    el("option", { value: "sepa_debit" }, S.methodSepa),
  );
  const save = async (event) => {
    event.preventDefault();
    const answer = await api("POST", "/v1/payins/monthly", { method: method.value }, { "Idempotency-Key": crypto.randomUUID() });
    if (answer.ok) location.assign(answer.data.checkout_url);
    else say(message, answer, "");
  };
  const stop = async () => {
    const answer = await api("DELETE", "/v1/payins/monthly");
    if (answer.ok) onDone(S.monthlyStopped);
    else say(message, answer, "");
  };
  const active = mine.state === "active";
  return el(
    "section",
    { id: "monthly", "aria-labelledby": "monthly-title" },
    el("h2", { id: "monthly-title" }, S.monthlyTitle),
    el("p", { id: "monthly-state" }, active
      ? `${S.monthlyActive} ${mine.method === "card" ? S.methodCard : S.methodSepa}, ${mine.days_before_month_end} ${S.monthlyDays}`
      : mine.state === "stopped" && mine.stopped_reason === "dispute" ? S.monthlyDisputed : S.monthlyNone),
    el("form", { onsubmit: save },
      el("label", { for: "monthly-method" }, `${active ? S.monthlyReplace : S.monthlySave} `), method, " ",
      el("button", { type: "submit", class: active ? "secondary" : "" }, active ? S.monthlyReplaceButton : S.monthlySaveButton)),
    active ? el("button", { type: "button", class: "secondary", id: "monthly-stop", onclick: stop }, S.monthlyStop) : "",
    message,
  );
}

/** A monthly charge that waits for its holder: off to Stripe's page to pay it. */
async function finish(payinId, message) {
  const answer = await api("POST", `/v1/payins/${encodeURIComponent(payinId)}/checkout`);
  if (answer.ok) location.assign(answer.data.checkout_url);
  else say(message, answer, "");
}

function payInRows(items) {
  if (items.length === 0) return el("p", {}, S.noPayIns);
  return scrollTable(
    { id: "payins" },
    el("thead", {}, el("tr", {}, el("th", {}, S.date), el("th", {}, S.amount), el("th", {}, S.fee), el("th", {}, S.status))),
    el("tbody", {}, items.map((p) => el("tr", {},
      el("td", {}, formatDate(p.created_at)),
      el("td", {}, formatMoney(p.amount)),
      el("td", {}, p.fee ? formatMoney(p.fee) : "–"),
      el("td", { class: "state" }, S[`payin_${p.state}`] || p.state,
        p.state === "awaiting_payer_action"
          ? [" ", el("button", { type: "button", class: "link", onclick: (e) => finish(p.id, e.target) }, S.payNow)]
          : "")))),
  );
}

export async function moneyPage(_navigate, note = "", payoutNote = "") {
  if (!(await signedInOr(S.moneyTitle, "/money"))) return;
  const params = new URL(location.href).searchParams;
  const returned = params.get("payin");
  if (params.get("payout") === "refresh") {
    // Stripe sent the creator back for a new link (the old one was used or expired).
    const message = el("p", { role: "status" }, S.loading);
    show(el("h1", {}, S.moneyTitle), message);
    return toStripe(message);
  }
  const back = params.get("payout") === "return" && !payoutNote;
  if (params.get("finish")) {
    // From the email about a monthly charge that waits: straight to Stripe's page.
    const message = el("p", { role: "status" }, S.loading);
    show(el("h1", {}, S.moneyTitle), message);
    return finish(params.get("finish"), message);
  }
  if (params.get("monthly") === "saved" && !note) note = S.monthlySaved;
  const [[payins, balance], monthly] = await Promise.all([
    payInsAndBalance(api, returned),
    api("GET", "/v1/payins/monthly"),
  ]);
  show(
    el("h1", {}, S.moneyTitle),
    el("dl", {}, el("dt", {}, S.balance), el("dd", { id: "money-balance", class: "figure" }, formatMoney(balance.data.balance))),
    shortfallParagraph(balance.data, monthly.data, true),
    otherBalances(balance.data),
    el("h2", {}, S.topUpTitle),
    topUpForm(balance.data.balance.currency, balance.data.minimum_top_up),
    note ? el("p", { id: "money-note", role: "status" }, note) : "",
    el("h2", {}, S.refundTitle),
    refundForm(balance.data, (said) => moneyPage(_navigate, said)),
    el("h2", {}, S.payInsTitle),
    payInRows(payins.data.items),
    monthlySection(monthly.data, (said) => moneyPage(_navigate, said)),
    await payoutSection((said) => moneyPage(_navigate, "", said), payoutNote, back),
  );
}

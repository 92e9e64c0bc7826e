// Pledges (issue 35): "give monthly" to one receiver, from its page and the flattr
// button's page; the dashboard lists them, to change or end. A pledge is paid first at
// each month's split, before the rest of the budget is shared over flattrs.
import { api } from "./api.js";
import { accessToken, signIn } from "./auth.js";
import { el, say, sayInvalid } from "./dom.js";
import { formatMoney, parseAmount } from "./format.js";
import { STRINGS as S } from "./strings.js";

// No currency: a pledge is in mine (the API says which in its answer).
const inMine = (amount) => ({ amount });

/** What a pledge that worked says: the amount a month, and the budget where it was raised. */
export function pledgedText(pledge, name, strings = S) {
  const said = strings.pledged(formatMoney(pledge.amount), name);
  return pledge.budget_raised_to ? `${said} ${strings.budgetRaised(formatMoney(pledge.budget_raised_to))}` : said;
}

/** The "give monthly" form for the receiver ``key`` (``name`` as people know it);
 * signed out, a button that signs in and comes back to ``here``. */
export async function giveMonthly(key, name, here) {
  const section = el("section", { id: "give-monthly", "aria-labelledby": "give-monthly-title" }, el("h2", { id: "give-monthly-title" }, S.giveMonthlyTitle));
  if (!(await accessToken())) {
    section.append(el("p", {}, S.giveMonthlyText), el("button", { type: "button", id: "pledge-sign-in", onclick: () => signIn(here) }, S.signInToGiveMonthly));
    return section;
  }
  const me = await api("GET", "/v1/me");
  const currency = me.ok ? me.data.currency : "";
  const amount = el("input", { id: "pledge-amount", name: "amount", inputmode: "decimal", value: "3.00", "aria-describedby": "pledge-message" });
  const message = el("p", { id: "pledge-message", role: "status" });
  const submit = async (event) => {
    event.preventDefault();
    const value = parseAmount(amount.value);
    if (value === null) {
      sayInvalid(message, S.topUpInvalid);
      return;
    }
    const answer = await api("POST", "/v1/pledges", { recipient: key, amount: inMine(value) });
    say(message, answer, answer.ok ? pledgedText(answer.data, name) : "");
  };
  section.append(
    el("p", {}, S.giveMonthlyText),
    el("form", { onsubmit: submit },
      el("label", { for: "pledge-amount" }, `${S.pledgeAmount(currency)} `), amount, " ",
      el("button", { type: "submit", id: "pledge" }, S.giveMonthlyButton)),
    message,
  );
  return section;
}

function pledgeRow(pledge, onChanged) {
  const message = el("p", { id: `pledge-${pledge.id}-message`, role: "status" });
  const amount = el("input", { id: `pledge-${pledge.id}-amount`, inputmode: "decimal", value: pledge.amount.amount.replace(/0{4}$/, ""), "aria-label": `${S.pledgeAmount(pledge.amount.currency)} ${pledge.recipient.display_name}` });
  const change = async (event) => {
    event.preventDefault();
    const value = parseAmount(amount.value);
    if (value === null) return sayInvalid(message, S.topUpInvalid);
    const answer = await api("PATCH", `/v1/pledges/${encodeURIComponent(pledge.id)}`, { amount: inMine(value) });
    say(message, answer, answer.ok ? pledgedText(answer.data, pledge.recipient.display_name) : "");
  };
  const end = async () => {
    const answer = await api("DELETE", `/v1/pledges/${encodeURIComponent(pledge.id)}`);
    if (answer.ok) onChanged(S.pledgeEnded);
    else say(message, answer, "");
  };
  return el("li", {},
    el("a", { href: `/r?key=${encodeURIComponent(pledge.recipient.key)}` }, pledge.recipient.display_name), " ",
    el("small", {}, pledge.recipient.claimed ? S.claimed : S.waiting),
    el("form", { onsubmit: change, class: "inline" }, amount, " ",
      el("button", { type: "submit", class: "secondary", id: `pledge-${pledge.id}-change` }, S.changePledge), " ",
      el("button", { type: "button", class: "link", id: `pledge-${pledge.id}-end`, onclick: end }, S.endPledge)),
    message);
}

/** The dashboard's list of my pledges: each to change or end; drawn again after an end. */
export async function myPledges() {
  const section = el("section", { id: "pledges", "aria-labelledby": "pledges-title" });
  const draw = async (note = "") => {
    const answer = await api("GET", "/v1/pledges");
    const items = answer.ok ? answer.data.items : [];
    section.replaceChildren(
      el("h2", { id: "pledges-title" }, S.pledgesTitle),
      note ? el("p", { id: "pledges-note", role: "status" }, note) : "",
      items.length === 0
        ? el("p", { id: "pledges-empty" }, S.pledgesEmpty)
        : el("p", {}, S.pledgesTotal(formatMoney(answer.data.total))),
      items.length === 0 ? "" : el("ul", { id: "pledge-list" }, items.map((p) => pledgeRow(p, draw))),
    );
  };
  await draw();
  return section;
}

// This month in the popup, from ``GET /v1/me/balance``: the flattrs and the budget, and when
// the balance will not cover the budget, by how much (issue 31, item 2). Pure, for node --test.

/** "5.000000" → "5.00": the API's decimal string cut to cents, no float on the way. */
export function cents(amount) {
  const [whole, fraction = ""] = String(amount).split(".");
  return `${whole}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

/** Money as the browser's language writes it, in its own currency ("$5.00", "CHF 5.00"); the
 * amount is cut to cents first, so no float decides a digit. */
function shown(money, locale = undefined) {
  return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(cents(money.amount));
}

/** ``{ month, short }``: the month's line, and the warning (or null) when the balance
 * falls short of the budget. */
export function monthLines(balance) {
  const n = balance.flattrs;
  const month = `This month: ${n} flattr${n === 1 ? "" : "s"}, budget ${shown(balance.monthly_budget)}.`;
  if (!balance.shortfall || Number.parseFloat(balance.shortfall.amount) <= 0) return { month, short: null };
  const empty = Number.parseFloat(balance.balance.amount) <= 0;
  const short = empty
    ? `Your balance is empty: ${n === 0 ? "your budget cannot be paid" : n === 1 ? "this flattr goes unfunded" : "these flattrs go unfunded"} unless you top up.`
    : `Your balance of ${shown(balance.balance)} is ${shown(balance.shortfall)} short of your budget: each flattr gives less unless you top up.`;
  return { month, short };
}

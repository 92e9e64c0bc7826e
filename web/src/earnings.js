// Pure shaping of a creator's earnings (GET /v1/me/revenue) for the chart and the table,
// and of money in several currencies: each currency apart, never added to another.
import { formatMoney } from "./format.js";

/** Months oldest first with their totals per currency (numbers only for drawing: one bar
 * series a currency; the table shows the API's strings). */
export function earningsPerMonth(revenue) {
  const months = [...revenue.items].reverse();
  const totalsOf = (m) => (m.totals && m.totals.length ? m.totals : [m.total]);
  const currencies = [...new Set(months.flatMap((m) => totalsOf(m).map((t) => t.currency)))].sort();
  return {
    labels: months.map((m) => m.month),
    series: currencies.map((currency) => ({
      currency,
      totals: months.map((m) => {
        const found = totalsOf(m).find((t) => t.currency === currency);
        return found ? Number.parseFloat(found.amount) : 0;
      }),
    })),
  };
}

/** Every recipient across the months, per currency: money, flattrs and supporters added
 * up, most money first. Amounts are added as integer micro-units, never as floats. */
export function earningsPerRecipient(revenue) {
  const byKey = new Map();
  for (const month of revenue.items) {
    for (const part of month.recipients) {
      const key = `${part.amount.currency} ${part.recipient}`;
      const seen = byKey.get(key) || { recipient: part.recipient, currency: part.amount.currency, name: part.display_name || part.recipient, micros: 0n, flattrs: 0, supporters: 0 };
      seen.micros += toMicros(part.amount.amount);
      seen.flattrs += part.flattrs;
      seen.supporters += part.supporters;
      byKey.set(key, seen);
    }
  }
  return [...byKey.values()]
    .sort((a, b) => (b.micros > a.micros ? 1 : b.micros < a.micros ? -1 : a.recipient.localeCompare(b.recipient)))
    .map(({ micros, currency, ...rest }) => ({ ...rest, amount: { amount: fromMicros(micros), currency } }));
}

/** Money of several currencies (``[{ amount, currency }]``) added up in each: a Map from
 * currency to micro-units, in the order the currencies first appear. */
export function sumByCurrency(moneys) {
  const totals = new Map();
  for (const money of moneys) totals.set(money.currency, (totals.get(money.currency) || 0n) + toMicros(money.amount));
  return totals;
}

/** ``sumByCurrency``'s totals as people read them: "CHF 1.80 and $2.25" (the reader's locale
 * joins them); nothing in any currency is "" (the caller says it in words). */
export function formatAmounts(totals, locale = undefined) {
  const shown = [...totals].filter(([, micros]) => micros > 0n).map(([currency, micros]) => formatMoney({ amount: fromMicros(micros), currency }, locale));
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(shown);
}

export function toMicros(decimal) {
  const [whole, fraction = ""] = decimal.split(".");
  return BigInt(whole) * 1_000_000n + BigInt((fraction + "000000").slice(0, 6));
}

export function fromMicros(micros) {
  const whole = micros / 1_000_000n;
  const fraction = String(micros % 1_000_000n).padStart(6, "0");
  return `${whole}.${fraction}`;
}

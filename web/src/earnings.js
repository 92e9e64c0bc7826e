// Pure shaping of a creator's earnings (GET /v1/me/revenue) for the chart and the table.

/** Months oldest first with their totals in whole cents' worth of euros (numbers only
 * for drawing; the table shows the API's strings). */
export function earningsPerMonth(revenue) {
  const months = [...revenue.items].reverse();
  return {
    labels: months.map((m) => m.month),
    totals: months.map((m) => Number.parseFloat(m.total.amount)),
  };
}

/** Every recipient across the months: money, flattrs and supporters added up, most money
 * first. Amounts are added as integer micro-units, never as floats. */
export function earningsPerRecipient(revenue) {
  const byKey = new Map();
  for (const month of revenue.items) {
    for (const part of month.recipients) {
      const seen = byKey.get(part.recipient) || { recipient: part.recipient, name: part.display_name || part.recipient, micros: 0n, flattrs: 0, supporters: 0 };
      seen.micros += toMicros(part.amount.amount);
      seen.flattrs += part.flattrs;
      seen.supporters += part.supporters;
      byKey.set(part.recipient, seen);
    }
  }
  return [...byKey.values()]
    .sort((a, b) => (b.micros > a.micros ? 1 : b.micros < a.micros ? -1 : a.recipient.localeCompare(b.recipient)))
    .map(({ micros, ...rest }) => ({ ...rest, amount: fromMicros(micros) }));
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

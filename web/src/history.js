// Shaping what the API answers into what the history page draws (pure: tested by node).

/** Flattrs per day of ``month`` ("2031-06") from the API's flattr items: [days, counts]. */
export function flattrsPerDay(month, flattrs) {
  const [year, monthIndex] = month.split("-").map((part) => Number.parseInt(part, 10));
  const days = new Date(Date.UTC(year, monthIndex, 0)).getUTCDate();
  const counts = new Array(days).fill(0);
  for (const flattr of flattrs) {
    if (flattr.month !== month) continue;
    const day = new Date(flattr.created_at).getUTCDate();
    counts[day - 1] += 1;
  }
  return [Array.from({ length: days }, (_, index) => index + 1), counts];
}

/** Where a month's money went: claimed, held for unclaimed receivers, and refunded. */
export function whereMoneyWent(statement) {
  const sum = (parts) => parts.reduce((total, part) => total + Number.parseFloat(part.amount.amount), 0);
  return {
    claimed: sum(statement.parts.filter((part) => !part.held)),
    held: sum(statement.parts.filter((part) => part.held)),
    refunded: sum(statement.refunds),
  };
}

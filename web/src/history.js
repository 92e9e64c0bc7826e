// Shaping what the API answers into what the history page draws (pure: tested by node).
import { fromMicros, toMicros } from "./earnings.js";

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

/** Where a month's money went: claimed, held for unclaimed receivers, and refunded, as
 * decimal strings added in micro-units (exact). */
export function whereMoneyWent(statement) {
  const sum = (parts) => fromMicros(parts.reduce((total, part) => total + toMicros(part.amount.amount), 0n));
  const paid = [...statement.parts, ...(statement.pledges || [])]; // pledges paid first (issue 35)
  const inState = (...states) => paid.filter((part) => states.includes(partState(part)));
  return {
    claimed: sum(inState("claimed", "claimedSince")),
    held: sum(inState("waiting")),
    declined: sum(inState("declinedSince")),
    expired: sum(inState("expiredSince")),
    refunded: sum(statement.refunds),
  };
}

/** What became of a statement's part: given to a creator at the split ("claimed"), held then
 * and claimed by its creator since ("claimedSince"), held then and refused by its creator
 * since, the money back with its givers ("declinedSince"), not claimed in time and back with
 * its giver ("expiredSince"), or still waiting ("waiting"). */
export function partState(part) {
  if (!part.held) return "claimed";
  if (part.claimed_at) return "claimedSince";
  if (part.declined_at) return "declinedSince";
  if (part.expired_at) return "expiredSince";
  return "waiting";
}

/** Money per month stacked by receiver, from statements (any order): months oldest first;
 * the receivers with the most money over the months (at most ``most``, the rest as
 * "others"); for each, the running total up to and including it, in the statements' currency, so that bars
 * drawn tallest first show the stack. Sums are made in micro-units. */
export function moneyPerMonthStacked(statements, most = 5, othersLabel = "others") {
  const months = [...statements].sort((a, b) => a.month.localeCompare(b.month));
  const totals = new Map();
  for (const statement of months) {
    for (const part of statement.parts) {
      const name = part.recipient.display_name;
      totals.set(name, (totals.get(name) || 0n) + toMicros(part.amount.amount));
    }
  }
  const ranked = [...totals.entries()]
    .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])))
    .map(([name]) => name);
  const shown = ranked.slice(0, most);
  const receivers = ranked.length > most ? [...shown, othersLabel] : shown;
  const perMonth = months.map((statement) => {
    const amounts = new Map(receivers.map((name) => [name, 0n]));
    for (const part of statement.parts) {
      const name = shown.includes(part.recipient.display_name) ? part.recipient.display_name : othersLabel;
      amounts.set(name, amounts.get(name) + toMicros(part.amount.amount));
    }
    return receivers.map((name) => amounts.get(name));
  });
  const stacks = receivers.map((_, index) =>
    perMonth.map((amounts) => Number(fromMicros(amounts.slice(0, index + 1).reduce((a, b) => a + b, 0n)))),
  );
  return { months: months.map((s) => s.month), receivers, stacks };
}

/** ``count`` months ending with ``month``, oldest first: ("2031-02", 3) → 2030-12 … 2031-02. */
export function monthsUpTo(month, count) {
  const [year, index] = month.split("-").map((part) => Number.parseInt(part, 10));
  return Array.from({ length: count }, (_, back) => {
    const total = year * 12 + (index - 1) - (count - 1 - back);
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
  });
}

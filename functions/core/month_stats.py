"""What becomes of a month's held money after its split, for the public stats: a claim
adds what it moves to ``claimed`` and marks its creator paid that month (a decline or an
expiry adds what it gives back to ``returned``: ``ledger.escrow_refund``). Each is an
update made in the same transaction as the money's movement, so it counts exactly once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from functions.common import currencies
from functions.common.months import add_months, escrow_expiry_month, start_of
from functions.core.ledger import Update
from functions.core.models import Escrow, MonthStat, later_stat


def creator_marker(month: str, user_id: str) -> MonthStat:
    """The marker that counts ``user_id`` among ``month``'s creators paid; kept until the
    month's escrow is over (the expiry job counts them then and deletes them; the TTL, a
    month later, is the backstop)."""
    ends = escrow_expiry_month(month)
    return MonthStat(month, f"creator#{user_id}", expires_at=start_of(add_months(ends, 1)))


def part(base: str, currency: str) -> str:
    """A month's figures of one currency (amounts of different currencies are never
    added): ``total``, ``later``, ``shard#007`` in the books' first currency, as before
    there were others; ``total#USD`` in another."""
    return currencies.suffixed(base, currency)


def claimed(user_id: str, rows: Iterable[Escrow]) -> tuple[Update, ...]:
    """A claim of ``rows``: per month they were held in (and currency), the amount claimed,
    and the creator marked paid that month."""
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        by_month[row.given_in(), currencies.of(row.currency)] += int(row.amount)
    updates: list[Update] = []
    for month, currency in sorted(by_month):
        amount = by_month[month, currency]
        updates.append(Update(later_stat(month, currency), (MonthStat.claimed.add(amount),)))
    for month in sorted({month for month, _ in by_month}):
        marker = creator_marker(month, user_id)
        updates.append(Update(marker, (MonthStat.expires_at.set(marker.expires_at),)))
    return tuple(updates)

"""What becomes of a month's held money after its split, for the public stats: a claim
adds what it moves to ``claimed`` and marks its creator paid that month (a decline or an
expiry adds what it gives back to ``returned``: ``ledger.escrow_refund``). Each is an
update made in the same transaction as the money's movement, so it counts exactly once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from functions.common.months import add_months, escrow_expiry_month, start_of
from functions.core.ledger import Update
from functions.core.models import LATER, Escrow, MonthStat


def creator_marker(month: str, user_id: str) -> MonthStat:
    """The marker that counts ``user_id`` among ``month``'s creators paid; kept until the
    month's escrow is over (the expiry job counts them then and deletes them; the TTL, a
    month later, is the backstop)."""
    ends = escrow_expiry_month(month)
    return MonthStat(month, f"creator#{user_id}", expires_at=start_of(add_months(ends, 1)))


def claimed(user_id: str, rows: Iterable[Escrow]) -> tuple[Update, ...]:
    """A claim of ``rows``: per month they were held in, the amount claimed and the
    creator marked paid (two updates a month)."""
    by_month: dict[str, int] = defaultdict(int)
    for row in rows:
        by_month[row.given_in()] += int(row.amount)
    updates: list[Update] = []
    for month, amount in sorted(by_month.items()):
        marker = creator_marker(month, user_id)
        updates.append(Update(MonthStat(month, LATER), (MonthStat.claimed.add(amount),)))
        updates.append(Update(marker, (MonthStat.expires_at.set(marker.expires_at),)))
    return tuple(updates)

"""The public stats: aggregates of each month's split, never per user.

Every run of a split shard rewrites that shard's figures whole (contributors split before
a crash are counted from their statements), and marks each creator it paid; when the
split finishes, the month's total is summed from the shards and the creators counted.
What becomes of the month's held money afterwards is added to its ``later`` item in the
transactions that move it (``core.month_stats``, ``ledger.escrow_refund``): a claim marks
its creator paid too. The markers are kept only while a claim can still pay someone for
that month: when its escrow ends, the expiry job counts them and deletes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.exceptions import UpdateError

from functions.common import currencies
from functions.common.months import add_months
from functions.common.storage import condition_failed, ensure_bound
from functions.core.models import LATER, MonthStat
from functions.core.month_stats import creator_marker, part

FIGURES = ("contributors", "flattrs", "charged", "fees", "to_creators", "to_escrow")
MARKER = "creator#"


def record_shard(
    month: str, shard: int, figures: dict[str, dict[str, int]], creators: Iterable[str]
) -> None:
    """The shard's figures, one item per currency (``figures``: currency -> figures)."""
    ensure_bound()
    with MonthStat.batch_write() as batch:
        for currency, found in sorted(figures.items()):
            item = MonthStat(month, part(f"shard#{shard:03d}", currency))
            for name in FIGURES:
                setattr(item, name, int(found.get(name, 0)))
            batch.save(item)
        for creator in sorted(set(creators)):
            batch.save(creator_marker(month, creator))


def _markers(month: str) -> int:
    return MonthStat.count(month, MonthStat.part.startswith(MARKER))


def record_total(month: str) -> dict[str, MonthStat]:
    """Sum the shards per currency and count the creators paid (of every currency: the
    count is on each currency's total)."""
    ensure_bound()
    totals: dict[str, MonthStat] = {}
    for item in MonthStat.query(month, MonthStat.part.startswith("shard#")):
        currency = currency_of_part(item.part)
        total = totals.setdefault(currency, MonthStat(month, part("total", currency)))
        for name in FIGURES:
            setattr(total, name, int(getattr(total, name)) + int(getattr(item, name)))
    if not totals:  # nobody was split: the month is shown, with nothing in it
        totals[currencies.BOOKS_CURRENCY] = MonthStat(month, "total")
    creators = _markers(month)
    with MonthStat.batch_write() as batch:
        for total in totals.values():
            total.creators = creators
            batch.save(total)
    return totals


def currency_of_part(name: str) -> str:
    """``shard#007#USD`` -> USD; ``shard#007`` -> the books' first currency."""
    pieces = name.split("#")
    return pieces[2] if len(pieces) > 2 else currencies.BOOKS_CURRENCY


def settle(month: str) -> None:
    """``month``'s escrow is over: keep the number of creators paid, forget who they were.
    Counted once (a re-run after a crash among the deletes keeps the first count)."""
    ensure_bound()
    markers = list(MonthStat.query(month, MonthStat.part.startswith(MARKER)))
    if not markers:
        return
    try:
        MonthStat(month, LATER).update(
            actions=[MonthStat.settled_creators.set(len(markers))],
            condition=MonthStat.settled_creators.does_not_exist(),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
    with MonthStat.batch_write() as batch:
        for marker in markers:
            batch.delete(marker)


def months_between(first: str, last: str, most: int = 60) -> list[str]:
    months: list[str] = []
    month = first
    while month <= last and len(months) < most:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class MonthNow:
    """A split month's figures as they are now: the split's, with its held money claimed
    or given back since moved where it went."""

    total: MonthStat
    claimed: int
    returned: int
    creators: int

    @property
    def to_creators(self) -> int:
        return int(self.total.to_creators) + self.claimed

    @property
    def held(self) -> int:
        return int(self.total.to_escrow) - self.claimed - self.returned


def _creators(total: MonthStat, later: MonthStat | None) -> int:
    if later is not None and later.settled_creators is not None:
        return int(later.settled_creators)
    if later is not None and int(later.claimed):
        return _markers(total.month)  # creators paid by claims since the split
    return int(total.creators)


def totals(months: list[str]) -> list[dict[str, MonthNow]]:
    """The split months' figures as they are now, oldest first, per currency (the books'
    first currency first, then the others in the service's order)."""
    ensure_bound()
    keys = [
        (m, part(base, currency))
        for m in months
        for currency in currencies.CODES
        for base in ("total", LATER)
    ]
    found: dict[tuple[str, str], MonthStat] = {}
    for start in range(0, len(keys), 100):
        found |= {(i.month, i.part): i for i in MonthStat.batch_get(keys[start : start + 100])}
    figures: list[dict[str, MonthNow]] = []
    for month in months:
        month_now: dict[str, MonthNow] = {}
        for currency in sorted(currencies.CODES, key=lambda c: c != currencies.BOOKS_CURRENCY):
            total = found.get((month, part("total", currency)))
            if total is None:
                continue
            later = found.get((month, part(LATER, currency)))
            month_now[currency] = MonthNow(
                total,
                claimed=int(later.claimed) if later else 0,
                returned=int(later.returned) if later else 0,
                creators=_creators(total, later),
            )
        if month_now:
            figures.append(month_now)
    return figures

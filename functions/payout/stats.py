"""The public stats: aggregates of each month's split, never per user.

Every run of a split shard rewrites that shard's figures whole (contributors split before
a crash are counted from their statements), and marks each creator it paid; when the
split finishes, the month's total is summed from the shards, the creators counted and
their markers deleted (they are kept only as long as the count needs them).
"""

from __future__ import annotations

from collections.abc import Iterable

from functions.common.months import add_months
from functions.common.storage import ensure_bound
from functions.payout.models import MonthStat

FIGURES = ("contributors", "flattrs", "charged", "fees", "to_creators", "to_escrow")


def record_shard(month: str, shard: int, figures: dict[str, int], creators: Iterable[str]) -> None:
    ensure_bound()
    item = MonthStat(month, f"shard#{shard:03d}")
    for name in FIGURES:
        setattr(item, name, int(figures.get(name, 0)))
    item.save()
    with MonthStat.batch_write() as batch:
        for creator in sorted(set(creators)):
            batch.save(MonthStat(month, f"creator#{creator}"))


def record_total(month: str) -> MonthStat:
    """Sum the shards, count the creators paid, forget who they were."""
    ensure_bound()
    total = MonthStat(month, "total")
    markers: list[MonthStat] = []
    for item in MonthStat.query(month):
        if item.part.startswith("shard#"):
            for name in FIGURES:
                setattr(total, name, int(getattr(total, name)) + int(getattr(item, name)))
        elif item.part.startswith("creator#"):
            markers.append(item)
    total.creators = len(markers)
    total.save()
    with MonthStat.batch_write() as batch:
        for marker in markers:
            batch.delete(marker)
    return total


def months_between(first: str, last: str, most: int = 60) -> list[str]:
    months: list[str] = []
    month = first
    while month <= last and len(months) < most:
        months.append(month)
        month = add_months(month, 1)
    return months


def totals(months: list[str]) -> list[MonthStat]:
    """The months' totals that exist, oldest first."""
    ensure_bound()
    found = {item.month: item for item in MonthStat.batch_get([(m, "total") for m in months])}
    return [found[m] for m in months if m in found]

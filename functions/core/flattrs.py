"""A flattr as every domain makes it: its id (UTC time first), its UTC month, its split
shard; and where a month's split stands (once it has started, the month's flattrs are
final). Track, the platforms' poller and the test helpers all build flattrs here; the
payout domain closes and finishes months through the same functions."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Literal

from pynamodb.exceptions import DoesNotExist, PutError

from functions.common import clock
from functions.common.hashing import short_hash
from functions.common.models import Flattr, MonthSplit
from functions.common.months import month_of
from functions.common.settings import SPLIT_SHARDS, settings
from functions.common.storage import condition_failed, ensure_bound

SplitState = Literal["running", "split"]


def flattr_id_for(at: datetime, seed: str) -> str:
    """UTC time first, so a contributor's flattrs sort by time and a (UTC) month is a key
    prefix, whatever offset the client wrote ``at`` in."""
    return f"{at.astimezone(UTC):%Y%m%d%H%M%S}{short_hash(seed)}"


def split_key(contributor_id: str, month: str) -> str:
    shard = int(short_hash(contributor_id)[:8], 16) % SPLIT_SHARDS
    return f"{month}#{shard:03d}"


def new_flattr(
    contributor_id: str,
    flattr_id: str,
    recipient: str,
    url: str,
    source: str,
    at: datetime,
    title: str | None = None,
) -> Flattr:
    month = month_of(at)
    return Flattr(
        contributor_id,
        flattr_id,
        recipient=recipient,
        url=url,
        title=title,
        source=source,
        created_at=at,
        month=month,
        split_key=split_key(contributor_id, month),
        flattr_ref=f"{contributor_id}#{flattr_id}",
    )


_split_cache: dict[str, tuple[bool, float]] = {}


def split_state(month: str) -> SplitState | None:
    """Where the split of ``month`` stands: None while the month is open. The one read
    of the split status."""
    ensure_bound()
    try:
        state = MonthSplit.get(month).state
    except DoesNotExist:
        return None
    return "split" if state == "split" else "running"


def month_is_split(month: str) -> bool:
    """Has the monthly split of ``month`` started (then its flattrs are final)?

    A closed month stays closed, so only "not yet" answers expire from the cache.
    """
    cached = _split_cache.get(month)
    if cached is not None and (cached[0] or time.monotonic() < cached[1]):
        return cached[0]
    split = split_state(month) is not None
    _split_cache[month] = (split, time.monotonic() + settings().split_status_cache_seconds)
    return split


def close_month(month: str) -> None:
    """From now on no flattr of ``month`` is accepted or taken back (once: a second
    close, by a re-run or a concurrent one, changes nothing)."""
    ensure_bound()
    try:
        MonthSplit(month, state="running", changed_at=clock.now()).save(
            condition=MonthSplit.month.does_not_exist()
        )
    except PutError as error:
        if not condition_failed(error):
            raise


def finish_month(month: str) -> None:
    """Every shard of ``month`` is split."""
    ensure_bound()
    MonthSplit(month, state="split", changed_at=clock.now()).save()


def clear_caches() -> None:
    _split_cache.clear()

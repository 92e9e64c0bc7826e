"""A flattr as every domain makes it: its id (UTC time first), its UTC month, its split
shard; and whether a month's split has started (then its flattrs are final). Track,
the platforms' poller and the test helpers all build flattrs here."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from functions.common.hashing import short_hash
from functions.common.models import Flattr, LedgerItem
from functions.common.months import month_of
from functions.common.settings import SPLIT_SHARDS, settings
from functions.common.storage import ensure_bound


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


def month_is_split(month: str) -> bool:
    """Has the monthly split of ``month`` started (then its flattrs are final)?

    A closed month stays closed, so only "not yet" answers expire from the cache.
    """
    cached = _split_cache.get(month)
    if cached is not None and (cached[0] or time.monotonic() < cached[1]):
        return cached[0]
    ensure_bound()
    try:
        LedgerItem.get(f"split#{month}", "status")
        split = True
    except DoesNotExist:
        split = False
    _split_cache[month] = (split, time.monotonic() + settings().split_status_cache_seconds)
    return split


def clear_caches() -> None:
    _split_cache.clear()

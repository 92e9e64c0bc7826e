"""A flattr as every domain makes it: its id (UTC time first), its UTC month, its split
shard; and where a month's split stands (once it has started, the month's flattrs are
final). Track, the platforms' poller and the test helpers all build flattrs here; the
payout domain closes and finishes months through the same functions."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Literal

from pynamodb.exceptions import DoesNotExist, PutError

from functions.common import clock
from functions.common.hashing import short_hash
from functions.common.months import add_months, month_of, start_of
from functions.common.settings import (
    CONTRIBUTORS_PER_SHARD,
    MAX_SPLIT_SHARDS,
    MIN_SPLIT_SHARDS,
    SPLIT_SHARDS,
    settings,
)
from functions.common.storage import condition_failed, ensure_bound
from functions.core.models import Flattr, MonthSplit

SplitState = Literal["running", "split"]


def flattr_id_for(at: datetime, seed: str) -> str:
    """UTC time first, so a contributor's flattrs sort by time and a (UTC) month is a key
    prefix, whatever offset the client wrote ``at`` in."""
    return f"{at.astimezone(UTC):%Y%m%d%H%M%S}{short_hash(seed)}"


def shard_of(key: str, shards: int) -> int:
    """Which of ``shards`` a contributor (or, in the credit pass, a recipient) falls in."""
    return int(short_hash(key)[:8], 16) % shards


def split_key(contributor_id: str, month: str) -> str:
    return f"{month}#{shard_of(contributor_id, shards_of(month)):03d}"


_shards_cache: dict[str, int] = {}


def shards_of(month: str) -> int:
    """How many shards ``month``'s flattrs are spread over: its plan, or the default.
    Read once per Lambda and month (a plan is written before its month begins)."""
    if month not in _shards_cache:
        ensure_bound()
        try:
            planned = MonthSplit.get(f"plan#{month}").shards
        except DoesNotExist:
            planned = None
        _shards_cache[month] = int(planned) if planned else SPLIT_SHARDS
    return _shards_cache[month]


def shards_for(contributors: int) -> int:
    """A power of two giving each shard about ``CONTRIBUTORS_PER_SHARD`` contributors."""
    shards = MIN_SPLIT_SHARDS
    while shards < MAX_SPLIT_SHARDS and shards * CONTRIBUTORS_PER_SHARD < contributors:
        shards *= 2
    return shards


def plan_shards(split_month: str, contributors: int) -> str | None:
    """After ``split_month``'s split: plan the shards of the month two later (the next
    has begun already) from its contributors. Only a month not begun yet gets a plan, and
    only once. Answers the month planned, or None."""
    ensure_bound()
    month = add_months(split_month, 2)
    if clock.now() >= start_of(month):
        return None
    plan = MonthSplit(
        f"plan#{month}", state="plan", changed_at=clock.now(), shards=shards_for(contributors)
    )
    try:
        plan.save(condition=MonthSplit.month.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise
        return None
    return month


def new_flattr(
    contributor_id: str,
    flattr_id: str,
    recipient: str,
    url: str,
    source: str,
    at: datetime,
    title: str | None = None,
    app: str | None = None,
) -> Flattr:
    """``app``: the name of the app that made it (the Flattr REST API v2), if one did."""
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
        thing=thing_id(url),
        app=app,
    )


def thing_id(url: str) -> int:
    """The Flattr REST API v2's id of the thing that ``url`` (normalised) is: 53 bits of its
    SHA-256, so every client's integers hold it; the same for everyone and for ever, and
    computed, so a URL nobody flattred stores nothing."""
    return int.from_bytes(hashlib.sha256(url.encode()).digest()[:7], "big") >> 3


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
    _shards_cache.clear()

"""Storage of the track domain: flattrs, page-days, site visits, the recipients directory."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from cachetools import TTLCache
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model

from functions.common.errors import bad_field
from functions.common.models import (
    ActivityItem,
    ContributorDay,
    ExplicitEvent,
    Flattr,
    LedgerItem,
    PageDay,
    Recipient,
    User,
)
from functions.common.settings import SPLIT_SHARDS, settings
from functions.common.storage import condition_failed, ensure_bound, transact_write
from functions.track.hashing import short_hash
from functions.track.resolve import RecipientRecord

MAX_PAGE = 100


class Conflict(Exception):
    """Another request changed the item first: read it again and retry."""


class DailyLimit(Exception):
    """The contributor's flattrs for the day would pass the limit."""


def month_of(at: datetime) -> str:
    return at.strftime("%Y-%m")


def flattr_id_for(at: datetime, seed: str) -> str:
    """Time first, so a contributor's flattrs sort by time and a month is a key prefix."""
    return f"{at:%Y%m%d%H%M%S}{short_hash(seed)}"


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


# ---------------------------------------------------------------- directory and profile


class DynamoDirectory:
    """Recipient records from the ``recipients`` table, cached for a minute."""

    def __init__(self) -> None:
        self._cache: TTLCache[str, RecipientRecord] = TTLCache(50_000, ttl=60)
        self._lock = threading.Lock()

    def records(self, keys: Iterable[str]) -> dict[str, RecipientRecord]:
        ensure_bound()
        wanted = set(keys)
        found: dict[str, RecipientRecord] = {}
        with self._lock:
            missing = [k for k in wanted if k not in self._cache]
            found.update({k: self._cache[k] for k in wanted if k in self._cache})
        fetched: dict[str, RecipientRecord] = {k: RecipientRecord() for k in missing}
        for item in Recipient.batch_get(missing) if missing else []:
            fetched[item.recipient] = RecipientRecord(item.claimed_by, item.declared_user)
        with self._lock:
            self._cache.update(fetched)
        found.update(fetched)
        return {k: v for k, v in found.items() if v.claimed_by or v.declared_user}

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


# A profile's time zone changes rarely; a minute's staleness moves no day boundary much.
_zone_cache: TTLCache[str, str] = TTLCache(10_000, ttl=60)


def time_zone_of(user_id: str) -> str:
    if user_id in _zone_cache:
        return _zone_cache[user_id]
    ensure_bound()
    try:
        zone = User.get(user_id, attributes_to_get=["time_zone"]).time_zone or "UTC"
    except DoesNotExist:
        zone = "UTC"
    _zone_cache[user_id] = zone
    return zone


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
    _zone_cache.clear()


# ---------------------------------------------------------------- activity items


def load_activity(
    contributor_id: str, keys: Sequence[str], model: type[ActivityItem]
) -> dict[str, Any]:
    """Activity items of one contributor by ``item_key`` (one batch read per 100)."""
    ensure_bound()
    items: dict[str, Any] = {}
    for start in range(0, len(keys), 100):
        chunk = [(contributor_id, key) for key in keys[start : start + 100]]
        for item in model.batch_get(chunk):
            items[item.item_key] = item
    return items


def day_counter(contributor_id: str, day: str) -> int:
    ensure_bound()
    try:
        return int(ContributorDay.get(contributor_id, f"day#{day}").flattrs)
    except DoesNotExist:
        return 0


def day_attention_seconds(contributor_id: str, day: str) -> int:
    """Attention on all pages on one local day (for the daily limit)."""
    ensure_bound()
    total = 0
    for item in PageDay.query(
        contributor_id,
        ActivityItem.item_key.startswith(f"att#{day}#"),
        attributes_to_get=["seconds"],
    ):
        total += int(item.seconds or 0)
    return total


def save_with_flattrs(
    item: Model,
    flattrs: Sequence[Flattr],
    *,
    day: str,
    expires_at: datetime,
    extra: Sequence[Model] = (),
) -> None:
    """Save an activity item; with flattrs, in one transaction with them and the day counter.

    Raises ``Conflict`` when another request saved the item first, ``DailyLimit``
    when the day's flattrs would pass the limit.
    """
    ensure_bound()
    if not flattrs and not extra:
        try:
            item.save()
        except Exception as error:
            if condition_failed(error):
                raise Conflict from error
            raise
        return
    cap = settings().max_flattrs_per_day
    counter = ContributorDay(getattr(item, "contributor_id"), f"day#{day}")  # noqa: B009
    try:
        with transact_write() as transaction:
            transaction.save(item)
            for flattr in flattrs:
                transaction.save(flattr, condition=Flattr.flattr_id.does_not_exist())
            for other in extra:
                transaction.save(other, condition=ActivityItem.item_key.does_not_exist())
            if flattrs:
                transaction.update(
                    counter,
                    actions=[
                        ContributorDay.flattrs.add(len(flattrs)),
                        ContributorDay.expires_at.set(expires_at),
                    ],
                    condition=ContributorDay.flattrs.does_not_exist()
                    | (ContributorDay.flattrs <= cap - len(flattrs)),
                )
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        last = reasons[-1] if reasons else None
        if flattrs and last is not None and last.code == "ConditionalCheckFailed":
            raise DailyLimit from error
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            raise Conflict from error
        raise


def explicit_event(contributor_id: str, event_hash: str) -> str | None:
    ensure_bound()
    try:
        return str(ExplicitEvent.get(contributor_id, f"evt#{event_hash}").flattr_id)
    except DoesNotExist:
        return None


# ---------------------------------------------------------------- flattrs


def get_flattr(contributor_id: str, flattr_id: str) -> Flattr | None:
    ensure_bound()
    try:
        return Flattr.get(contributor_id, flattr_id)
    except DoesNotExist:
        return None


def delete_flattr(flattr: Flattr) -> bool:
    ensure_bound()
    try:
        flattr.delete(condition=Flattr.flattr_id.exists())
    except Exception as error:
        if condition_failed(error):
            return False
        raise
    return True


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError) as error:
        raise bad_field(422, "query.cursor", "is not a cursor this API gave") from error
    if not isinstance(key, dict):
        raise bad_field(422, "query.cursor", "is not a cursor this API gave")
    return key


def flattrs_of_month(
    contributor_id: str, month: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Flattr], dict[str, Any] | None]:
    """One page of a contributor's flattrs of ``month``, newest first."""
    ensure_bound()
    if cursor is not None and cursor.get("contributor_id", {}).get("S") != contributor_id:
        raise bad_field(422, "query.cursor", "is not a cursor this API gave")
    results = Flattr.query(
        contributor_id,
        Flattr.flattr_id.startswith(month.replace("-", "")),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=cursor,
    )
    items = list(results)
    return items, results.last_evaluated_key

"""The Flattr extension's reports (``POST /rest/v2/flattr/bulk``): a JSON array of
``{"url"}``, one entry each time its attention on a page crossed one of its thresholds, up
to five a page a day, with no ids and no times.

Each entry is one attention flattr of its page-day under our rules: it moves the page-day
to its next text threshold, so the page-day's cap (five) holds whatever mix of reports and
entries made them, and so does the daily flattr limit. What cannot be a flattr is skipped
and counted (an unflattrable URL, a full page-day, past the entry limit), never a 4xx:
this client resends a refused batch forever. A page-day is one transaction; once one is
written, a failure of a later one is counted, not answered with a 5xx (the client would
resend the whole batch, and the written part would count twice). A batch the client
retries after a lost answer (it has no ids) makes flattrs again, up to each page-day's cap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from functions.common.months import month_of
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.core.flattrs import flattr_id_for, new_flattr
from functions.track import rules, store, tracking
from functions.track.models import PageDay
from functions.track.store import ChangedMeanwhile, DailyLimit

logger = make_logger("track")
ATTEMPTS = 5


@dataclass
class BulkOutcome:
    flattrs: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def _page_day(contributor_id: str, key: str, work: Any, now: datetime, wanted: int) -> int:
    """Up to ``wanted`` flattrs on one page-day, under its cap; answers how many."""
    day, expires_at = work.day, work.expires_at
    levels = rules.thresholds(False)
    for attempt in range(ATTEMPTS):
        item = store.load_activity(contributor_id, [key], PageDay, consistent=attempt > 0).get(key)
        awarded = int(item.awarded or 0) if item else 0
        seconds = int(item.seconds or 0) if item else 0
        due = min(wanted, max(0, len(levels) - awarded))
        if due == 0:
            return 0
        flattrs = [
            new_flattr(
                contributor_id,
                flattr_id_for(now, f"{contributor_id}|{key}|{index}"),
                tracking.key_of(work.resolution),
                work.resolution.url,
                "attention",
                now,
            )
            for index in range(awarded, awarded + due)
        ]
        moved = max(seconds, levels[awarded + due - 1])
        actions = [
            PageDay.awarded.set(awarded + due),
            PageDay.seconds.add(moved - seconds),
            PageDay.expires_at.set(expires_at),
        ]
        condition = (
            PageDay.item_key.does_not_exist()
            if item is None
            else (PageDay.awarded == awarded) & (PageDay.seconds == seconds)
        )
        try:
            store.update_page_day(
                contributor_id, key, actions, condition, flattrs, day=day, expires_at=expires_at
            )
        except ChangedMeanwhile:
            continue  # read again, decide again
        return due
    raise ChangedMeanwhile


@dataclass
class _Work:
    day: str
    expires_at: datetime
    resolution: Any
    entries: int = 0


def record_bulk(contributor_id: str, urls: list[str | None], now: datetime) -> BulkOutcome:
    outcome = BulkOutcome()
    limit = settings().max_bulk_entries
    outcome.skipped["over_limit"] = max(0, len(urls) - limit)
    given = [u for u in urls[:limit] if u]
    outcome.skipped["no_url"] = len(urls[:limit]) - len(given)
    time_zone = store.time_zone_of(contributor_id)
    day = rules.local_day(now, time_zone).isoformat()
    expires_at = tracking.page_day_expiry(day, time_zone)
    work: dict[str, _Work] = {}
    for resolution in tracking.resolve_urls(given, contributor_id):
        if resolution.reason:
            outcome.skipped[resolution.reason] += 1
            continue
        key = tracking.page_day_key(day, resolution.url)
        work.setdefault(key, _Work(day, expires_at, resolution)).entries += 1
    for key, found in sorted(work.items()):
        try:
            made = _page_day(contributor_id, key, found, now, found.entries)
        except DailyLimit:
            outcome.skipped["daily_flattr_limit"] += found.entries
            continue
        except Exception:
            if outcome.flattrs == 0:
                raise  # nothing written yet: a 5xx, and the client may send it all again
            logger.exception("a page-day of a bulk report failed after others were written")
            outcome.skipped["failed"] += found.entries
            continue
        outcome.flattrs += made
        outcome.skipped["page_day_limit"] += found.entries - made
        if made:
            tracking.queue_lookups([(month_of(now), found.resolution)], now)
    return outcome

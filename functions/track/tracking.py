"""Recording attention, visits and explicit flattrs: the rules applied to storage.

Each request reads what it touches first (batched), applies the rules in memory,
and writes each page-day or site once: a plain conditional put when no threshold
is crossed, one transaction with the new flattrs otherwise. A concurrent write to
the same item (another device) makes the write fail its version check; the item
is then read again and the reports applied again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from functions.common.models import ExplicitEvent, Flattr, PageDay, SiteVisits
from functions.common.settings import settings
from functions.track import rules, store
from functions.track.hashing import keyed_hash, short_hash
from functions.track.resolve import (
    CachedLookup,
    NoLookup,
    OwnerLookup,
    Resolution,
    resolve_many,
)
from functions.track.store import Conflict, DailyLimit, DynamoDirectory

ATTEMPTS = 5
# Page-days can receive reports for up to 48 h after their day ends.
PAGE_DAY_GRACE = timedelta(hours=48)

_directory = DynamoDirectory()
_lookups: OwnerLookup = CachedLookup(NoLookup())


def directory() -> DynamoDirectory:
    return _directory


def set_owner_lookup(lookup: OwnerLookup) -> None:
    """Install the platform lookups (the connections capability provides them)."""
    global _lookups
    _lookups = CachedLookup(lookup)


def resolve_urls(urls: list[str], contributor_id: str | None) -> list[Resolution]:
    return resolve_many(
        urls,
        lookups=_lookups,
        directory=_directory,
        blocked_domains=settings().blocked_domains,
        contributor_id=contributor_id,
    )


@dataclass(frozen=True)
class AttentionReport:
    event_id: str
    url: str
    kind: str
    active_seconds: int
    at: datetime


@dataclass(frozen=True)
class VisitReport:
    event_id: str
    url: str
    at: datetime
    dwell_seconds: int | None = None


@dataclass
class Outcome:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    flattrs: list[tuple[Flattr, Resolution]] = field(default_factory=list)

    def reject(self, event_id: str, reason: str) -> None:
        self.rejected.append({"event_id": event_id, "reason": reason})


def _time_reason(at: datetime, now: datetime) -> str | None:
    limits = settings()
    if at < now - timedelta(seconds=limits.report_max_age_seconds):
        return "at_too_old"
    if at > now + timedelta(seconds=limits.report_max_future_seconds):
        return "at_in_future"
    if store.month_is_split(store.month_of(at)):
        return "month_closed"
    return None


def _retrying(apply: Callable[[], None]) -> None:
    for attempt in range(ATTEMPTS):
        try:
            apply()
            return
        except Conflict:
            if attempt == ATTEMPTS - 1:
                raise


# ---------------------------------------------------------------- attention


@dataclass
class _PageDayWork:
    key: str
    day: str
    resolution: Resolution
    reports: list[AttentionReport]


def new_page_day(contributor_id: str, key: str, day: str, time_zone: str) -> PageDay:
    """A page-day not seen before; it expires once no late report can reach it."""
    end = rules.day_end(datetime.fromisoformat(day).date(), time_zone)
    return PageDay(
        contributor_id, key, expires_at=end + PAGE_DAY_GRACE, seconds=0, awarded=0, media=False
    )


@dataclass
class _Request:
    """What one request reads once and shares across the items it touches."""

    contributor_id: str
    time_zone: str
    day_seconds: dict[str, int] = field(default_factory=dict)
    preloaded: dict[str, Any] = field(default_factory=dict)
    _counters: dict[str, int] = field(default_factory=dict)

    def flattrs_on(self, day: str) -> int:
        """The day's flattr count, read only when a flattr is about to be made."""
        if day not in self._counters:
            self._counters[day] = store.day_counter(self.contributor_id, day)
        return self._counters[day]

    def made(self, day: str, count: int) -> None:
        self._counters[day] = self.flattrs_on(day) + count

    def page_day(self, key: str, day: str) -> PageDay:
        """The preloaded item on the first try; read again after a conflict."""
        if key in self.preloaded:
            item = self.preloaded.pop(key)
        else:
            item = store.load_activity(self.contributor_id, [key], PageDay).get(key)
        return item or new_page_day(self.contributor_id, key, day, self.time_zone)


def record_attention(
    contributor_id: str, reports: Sequence[AttentionReport], now: datetime
) -> Outcome:
    outcome = Outcome()
    request = _Request(contributor_id, store.time_zone_of(contributor_id))
    resolutions = resolve_urls([r.url for r in reports], contributor_id)
    work: dict[str, _PageDayWork] = {}
    for report, resolution in zip(reports, resolutions, strict=True):
        reason = _time_reason(report.at, now) or resolution.reason
        if reason:
            outcome.reject(report.event_id, reason)
            continue
        day = rules.local_day(report.at, request.time_zone).isoformat()
        key = f"att#{day}#{keyed_hash(resolution.url)}"
        work.setdefault(key, _PageDayWork(key, day, resolution, [])).reports.append(report)
    if not work:
        return outcome
    found = store.load_activity(contributor_id, sorted(work), PageDay)
    request.preloaded = {key: found.get(key) for key in work}
    request.day_seconds = {
        day: store.day_attention_seconds(contributor_id, day)
        for day in {w.day for w in work.values()}
    }
    for item_work in sorted(work.values(), key=lambda w: w.key):
        _retrying(partial(_apply_attention, request, item_work, outcome))
    return outcome


def _apply_attention(request: _Request, work: _PageDayWork, outcome: Outcome) -> None:
    limits = settings()
    contributor_id = request.contributor_id
    day_seconds = request.day_seconds
    item = request.page_day(work.key, work.day)
    events = set(item.events or ())
    results = Outcome()
    new_flattrs: list[Flattr] = []
    seconds_added = 0
    for report in sorted(work.reports, key=lambda r: (r.at, r.event_id)):
        event = short_hash(report.event_id)
        if event in events:
            results.duplicates += 1
            continue
        start = int(report.at.timestamp()) - report.active_seconds
        first_start = min(item.first_start or start, start)
        last_at = max(item.last_at or 0, int(report.at.timestamp()))
        seconds = int(item.seconds) + report.active_seconds
        if seconds > last_at - first_start:
            results.reject(report.event_id, "exceeds_elapsed_time")
            continue
        if (
            day_seconds[work.day] + seconds_added + report.active_seconds
            > limits.max_attention_seconds_per_day
        ):
            results.reject(report.event_id, "daily_attention_limit")
            continue
        media = bool(item.media) or report.kind == "media"
        due = rules.flattrs_due(seconds, media, int(item.awarded))
        if (
            due
            and request.flattrs_on(work.day) + len(new_flattrs) + due > limits.max_flattrs_per_day
        ):
            results.reject(report.event_id, "daily_flattr_limit")
            continue
        for index in range(int(item.awarded), int(item.awarded) + due):
            flattr_id = store.flattr_id_for(report.at, f"{contributor_id}|{work.key}|{index}")
            new_flattrs.append(
                store.new_flattr(
                    contributor_id,
                    flattr_id,
                    _key(work.resolution),
                    work.resolution.url,
                    "attention",
                    report.at,
                )
            )
        item.seconds = seconds
        item.media = media
        item.awarded = int(item.awarded) + due
        item.first_start = first_start
        item.last_at = last_at
        events.add(event)
        seconds_added += report.active_seconds
        results.accepted += 1
    if results.accepted:
        item.events = events
        try:
            store.save_with_flattrs(item, new_flattrs, day=work.day, expires_at=item.expires_at)
        except DailyLimit:
            for report in work.reports:
                outcome.reject(report.event_id, "daily_flattr_limit")
            return
    day_seconds[work.day] += seconds_added
    if new_flattrs:
        request.made(work.day, len(new_flattrs))
    outcome.accepted += results.accepted
    outcome.duplicates += results.duplicates
    outcome.rejected.extend(results.rejected)
    outcome.flattrs.extend((f, work.resolution) for f in new_flattrs)


def _key(resolution: Resolution) -> str:
    assert resolution.recipient is not None
    return resolution.recipient.key


# ---------------------------------------------------------------- visits


def record_visits(contributor_id: str, visits: Sequence[VisitReport], now: datetime) -> Outcome:
    outcome = Outcome()
    time_zone = store.time_zone_of(contributor_id)
    resolutions = resolve_urls([v.url for v in visits], contributor_id)
    by_site: dict[str, list[tuple[VisitReport, Resolution]]] = defaultdict(list)
    for visit, resolution in zip(visits, resolutions, strict=True):
        reason = _time_reason(visit.at, now) or resolution.reason
        if reason:
            outcome.reject(visit.event_id, reason)
            continue
        page = resolution.page
        assert page is not None
        if page.multi_author:
            # A visit to a multi-author host says nothing about which creator was read.
            outcome.accepted += 1
            continue
        by_site[page.site].append((visit, resolution))
    for site, site_visits in sorted(by_site.items()):
        _retrying(
            partial(_apply_visits, contributor_id, site, site_visits, time_zone, now, outcome)
        )
    return outcome


def _apply_visits(
    contributor_id: str,
    site: str,
    visits: list[tuple[VisitReport, Resolution]],
    time_zone: str,
    now: datetime,
    outcome: Outcome,
) -> None:
    key = f"vis#{keyed_hash(site)}"
    item = store.load_activity(contributor_id, [key], SiteVisits).get(key)
    if item is None:
        item = SiteVisits(contributor_id, key, expires_at=now)
    old = [rules.View(int(at), page, dwell) for at, page, dwell in (item.views or [])]
    new = [rules.View(int(v.at.timestamp()), keyed_hash(r.url), v.dwell_seconds) for v, r in visits]
    merged, duplicates = rules.merge_views(old, new, int(now.timestamp()))
    # Within one request, the same (page, second) twice is one visit too.
    unique_new = len({(v.page, v.at) for v in new})
    duplicates += len(new) - unique_new
    loyal = rules.loyal_reader_awards(merged, {int(t) for t in item.loyal_awards or ()})
    sessions = rules.browsing_session_awards(merged, item.session_days or (), time_zone)
    resolution = visits[0][1]
    flattrs: list[Flattr] = []
    for at, rule in [(t, "loyal") for t in loyal] + [(t, "session") for t, _ in sessions]:
        when = datetime.fromtimestamp(at, now.tzinfo)
        flattr_id = store.flattr_id_for(when, f"{contributor_id}|{key}|{rule}|{at}")
        flattrs.append(
            store.new_flattr(
                contributor_id, flattr_id, _key(resolution), f"https://{site}/", "visit", when
            )
        )
    accepted = len(new) - duplicates
    if accepted == 0:
        outcome.duplicates += duplicates
        return
    item.views = [[v.at, v.page, v.dwell] for v in merged][-500:]
    item.loyal_awards = set(item.loyal_awards or ()) | set(loyal) or None
    item.session_days = set(item.session_days or ()) | {d for _, d in sessions} or None
    item.expires_at = datetime.fromtimestamp(merged[-1].at, now.tzinfo) + timedelta(
        seconds=rules.VISIT_RETENTION
    )
    day = rules.local_day(now, time_zone).isoformat()
    if (
        flattrs
        and store.day_counter(contributor_id, day) + len(flattrs) > settings().max_flattrs_per_day
    ):
        for visit, _ in visits:
            outcome.reject(visit.event_id, "daily_flattr_limit")
        return
    try:
        store.save_with_flattrs(item, flattrs, day=day, expires_at=now + timedelta(days=3))
    except DailyLimit:
        for visit, _ in visits:
            outcome.reject(visit.event_id, "daily_flattr_limit")
        return
    outcome.accepted += accepted
    outcome.duplicates += duplicates
    outcome.flattrs.extend((f, resolution) for f in flattrs)


# ---------------------------------------------------------------- explicit flattrs


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def give_explicit_flattr(
    contributor_id: str, event_id: str, url: str, title: str | None, now: datetime
) -> tuple[Flattr, Resolution, bool]:
    """One flattr now. Returns (flattr, resolution, created); a repeat returns the first."""
    (resolution,) = resolve_urls([url], contributor_id)
    if resolution.reason:
        raise Refused(resolution.reason)
    event = short_hash(event_id)
    for attempt in range(ATTEMPTS):
        earlier = store.explicit_event(contributor_id, event)
        if earlier is not None:
            flattr = store.get_flattr(contributor_id, earlier)
            if flattr is not None:
                return flattr, resolution, False
        time_zone = store.time_zone_of(contributor_id)
        day = rules.local_day(now, time_zone).isoformat()
        key = f"att#{day}#{keyed_hash(resolution.url)}"
        item = store.load_activity(contributor_id, [key], PageDay).get(key)
        item = item or new_page_day(contributor_id, key, day, time_zone)
        if item.button_flattr_id:
            flattr = store.get_flattr(contributor_id, item.button_flattr_id)
            if flattr is not None:
                return flattr, resolution, False
        if store.day_counter(contributor_id, day) >= settings().max_flattrs_per_day:
            raise Refused("daily_flattr_limit")
        flattr_id = store.flattr_id_for(now, f"{contributor_id}|{key}|button")
        flattr = store.new_flattr(
            contributor_id, flattr_id, _key(resolution), resolution.url, "button", now, title
        )
        moved = rules.seconds_after_explicit(int(item.seconds), bool(item.media), int(item.awarded))
        # The boost is not reading time: widen the elapsed window by as much, so the
        # elapsed-time limit keeps measuring only what was reported.
        now_epoch = int(now.timestamp())
        item.first_start = min(item.first_start or now_epoch, now_epoch) - (
            moved - int(item.seconds)
        )
        item.last_at = max(item.last_at or 0, now_epoch)
        item.seconds = moved
        item.awarded = int(item.awarded) + 1
        item.button_flattr_id = flattr_id
        marker = ExplicitEvent(
            contributor_id, f"evt#{event}", flattr_id=flattr_id, expires_at=now + timedelta(days=3)
        )
        try:
            store.save_with_flattrs(
                item, [flattr], day=day, expires_at=item.expires_at, extra=[marker]
            )
        except DailyLimit as error:
            raise Refused("daily_flattr_limit") from error
        except Conflict:
            if attempt == ATTEMPTS - 1:
                raise
            continue
        return flattr, resolution, True
    raise Conflict

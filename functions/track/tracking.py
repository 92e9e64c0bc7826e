"""Recording attention, visits and explicit flattrs: the rules applied to storage.

Attention. Each request reads the page-days it touches (one batch read, which also reads
the owner lookups' answers its pages need that the Lambda does not hold), reserves its
seconds and new pages in the day's totals (one atomic update under the daily limits, so
its cost does not grow with the pages the day holds), applies the rules in memory and
writes each page-day once, as commutative additions (seconds, event ids, interval ends)
under a condition that what it read still decides the outcome: the flattrs awarded so far,
the thresholds the new total falls between, the elapsed-time bound. Reports from several
devices therefore add up without conflicting; only a request whose read went stale across
a threshold (or an award) reads again, and at most one request awards each flattr. When
a threshold is crossed, the flattrs are written in the same transaction as the page-day;
the day's flattr counter (the daily limit) is taken beforehand with the seconds, in the
same reservation, and what a request did not use is given back. After a crash
between a write and its award, the next report on the page-day (or the same one sent
again) awards what is due.

Visits. A site's recent views are a list merged per request and saved under a version
check; a concurrent save makes the merge run again.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from functions.common.errors import Busy
from functions.common.hashing import keyed_hash, short_hash
from functions.common.months import month_of
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.core.flattrs import flattr_id_for, month_is_split, new_flattr
from functions.core.models import Flattr, Recipient
from functions.core.ownership import lookups
from functions.core.ownership.directory import DynamoDirectory
from functions.core.ownership.resolve import (
    CachedLookup,
    Lookup,
    Normalised,
    OwnerLookup,
    Prefetched,
    Resolution,
    normalised,
    reads_first,
    resolve_normalised,
)
from functions.core.ownership.urls import Page
from functions.track import rules, store
from functions.track.attention import AttentionReport, Folded, Outcome, change_for, fold
from functions.track.models import ActivityItem, ExplicitEvent, PageDay, SiteVisits
from functions.track.store import ChangedMeanwhile, DailyLimit

logger = make_logger("track")

ATTEMPTS = 10
# Page-days can receive reports for up to 48 h after their day ends.
PAGE_DAY_GRACE = timedelta(hours=48)

_directory = DynamoDirectory()
# Owner lookups are answered from the ``lookups`` table only: a page whose owner is not
# known yet gets a flattr that waits for it (``core/ownership/lookups.py``).
_lookups = CachedLookup(lookups.StoredAnswers())


def directory() -> DynamoDirectory:
    return _directory


def clear_lookup_cache() -> None:
    _lookups.clear()


def queue_lookups(made: Iterable[tuple[str, Resolution]], now: datetime) -> None:
    """The flattrs just made (month, resolution) that wait for their owner's lookup: their
    months marked and the lookups queued. After the writes, and never failing the request:
    a lost marker or message only delays (the split settles whatever still waits)."""
    by_month: dict[str, set[Lookup]] = defaultdict(set)
    for month, resolution in made:
        if resolution.lookup is not None:
            by_month[month].add(resolution.lookup)
    for month, wanted in by_month.items():
        try:
            lookups.wait_for(month, wanted, now)
        except Exception:  # the flattrs are recorded; the split catches up
            logger.warning("owner lookups not queued", extra={"lookups": len(wanted)})


def ask_soon(lookup: Lookup) -> None:
    """Queue a lookup someone asked about (``GET /v1/resolve``); never failing the request."""
    try:
        lookups.ask_soon([lookup])
    except Exception:  # the answer is "pending" either way; a later ask queues it again
        logger.warning("owner lookup not queued")


def normal_url(url: str) -> str | None:
    """``url`` as flattrs keep it (normalised), or None when it cannot be flattred."""
    ((normal, _, reason),) = normalised([url], settings().blocked_domains)
    return None if reason else normal


def resolve_urls(urls: list[str], contributor_id: str | None) -> list[Resolution]:
    return resolve_pages(normalised(urls, settings().blocked_domains), contributor_id)


def resolve_pages(
    pages: Normalised, contributor_id: str | None, lookups: OwnerLookup = _lookups
) -> list[Resolution]:
    return resolve_normalised(
        pages,
        lookups=lookups,
        directory=_directory,
        contributor_id=contributor_id,
        page_authors=settings().page_authors,
        handles=settings().handle_lookups,
        funding=settings().funding_files,
    )


@dataclass(frozen=True)
class VisitReport:
    event_id: str
    url: str
    at: datetime
    dwell_seconds: int | None = None


def _time_reason(at: datetime, now: datetime) -> str | None:
    limits = settings()
    if at < now - timedelta(seconds=limits.report_max_age_seconds):
        return "at_too_old"
    if at > now + timedelta(seconds=limits.report_max_future_seconds):
        return "at_in_future"
    if month_is_split(month_of(at)):
        return "month_closed"
    return None


def _retrying(apply: Callable[[bool], None]) -> None:
    """Run ``apply(fresh)`` until no conflict; ``fresh`` is True after one (read again,
    consistently). A short random pause spreads requests that collided."""
    for attempt in range(ATTEMPTS):
        try:
            apply(attempt > 0)
            return
        except ChangedMeanwhile:
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311 - jitter
    raise Busy


# ---------------------------------------------------------------- attention


@dataclass
class _PageDayWork:
    key: str
    day: str
    resolution: Resolution
    reports: list[AttentionReport]
    reserved: int = 0  # attention seconds reserved in the day's totals
    new_page: bool = False
    flattrs_reserved: int = 0  # flattrs due, counted in the day's totals by the reservation
    flattrs_used: int = 0  # ... of which the page-day's transaction wrote


def page_day_key(day: str, url: str) -> str:
    """``att#<day>#<url-hash>``: the activity item of one page's attention on one day."""
    return f"att#{day}#{keyed_hash(url)}"


def page_day_expiry(day: str, time_zone: str) -> datetime:
    """A page-day expires once no late report can reach it."""
    return rules.day_end(datetime.fromisoformat(day).date(), time_zone) + PAGE_DAY_GRACE


def _day_of(at: datetime, time_zone: str) -> str:
    return rules.local_day(at, time_zone).isoformat()


def record_attention(
    contributor_id: str, reports: Sequence[AttentionReport], now: datetime
) -> Outcome:
    outcome = Outcome()
    time_zone = store.time_zone_of(contributor_id)
    pages = normalised([r.url for r in reports], settings().blocked_domains)
    # Times outside the window reject their reports before any local day is computed.
    untimely = [_time_reason(r.at, now) for r in reports]
    day_of = partial(_day_of, time_zone=time_zone)
    ahead, read = _read_ahead(
        contributor_id,
        pages,
        lambda n, page: None if untimely[n] else page_day_key(day_of(reports[n].at), page.url),
        PageDay,
    )
    resolutions = resolve_pages(pages, contributor_id, ahead)
    work: dict[str, _PageDayWork] = {}
    for report, resolution, late in zip(reports, resolutions, untimely, strict=True):
        reason = late or resolution.reason
        if reason:
            outcome.reject(report.event_id, reason)
            continue
        day = day_of(report.at)
        at_key = page_day_key(day, resolution.url)
        work.setdefault(at_key, _PageDayWork(at_key, day, resolution, [])).reports.append(report)
    if not work:
        return outcome
    found: dict[str, PageDay] = {k: item for k in work if (item := read.get(k)) is not None}
    by_day: dict[str, list[_PageDayWork]] = defaultdict(list)
    for item_work in work.values():
        by_day[item_work.day].append(item_work)
    # The day's flattrs so far, as each reservation's update answered them (read only
    # where none did): the daily flattr limit is checked against it.
    counters: dict[str, int] = {}
    for day, day_work in sorted(by_day.items()):
        totals = _reserve_attention(contributor_id, day, day_work, found, time_zone, outcome)
        if totals is not None and totals.known:
            counters[day] = totals.flattrs
    unused: dict[str, int] = defaultdict(int)  # reserved seconds that were not recorded
    try:
        written = _write_plain_together(contributor_id, work, found, time_zone, outcome, unused)
        for item_work in sorted(work.values(), key=lambda w: w.key):
            if not item_work.reports or item_work.key in written:
                continue
            unused[item_work.day] += item_work.reserved

            def apply(fresh: bool, w: _PageDayWork = item_work) -> None:
                item = (
                    store.load_activity(contributor_id, [w.key], PageDay, consistent=True)
                    if fresh
                    else found
                ).get(w.key)
                recorded = _apply_attention(contributor_id, w, item, time_zone, counters, outcome)
                unused[w.day] -= recorded

            _retrying(apply)
    finally:
        _release_unused(contributor_id, work.values(), unused)
    queue_lookups([(flattr.month, resolution) for flattr, resolution in outcome.flattrs], now)
    return outcome


def _write_plain_together(
    contributor_id: str,
    work: dict[str, _PageDayWork],
    found: dict[str, PageDay],
    time_zone: str,
    outcome: Outcome,
    unused: dict[str, int],
) -> set[str]:
    """The page-days that only add seconds, as read (no flattr due), written in one
    transaction when there are several: one request instead of one each. Answers the keys
    written; when a page-day changed since it was read, nothing is, and each is applied on
    its own as before (read again where its condition failed)."""
    plain: list[tuple[_PageDayWork, Folded]] = []
    for w in work.values():
        folded = fold(store.state_of(found.get(w.key)), w.reports)
        if w.reports and folded.added and not w.flattrs_reserved and not folded.due:
            plain.append((w, folded))
    if len(plain) < 2:
        return set()
    updates = [(w.key, change_for(f, 0, page_day_expiry(w.day, time_zone))) for w, f in plain]
    for w, _ in plain:
        unused[w.day] += w.reserved  # given back if the write fails
    try:
        store.update_page_days(contributor_id, updates)
    except ChangedMeanwhile:
        for w, _ in plain:
            unused[w.day] -= w.reserved  # each is applied on its own, and counted there
        return set()
    for w, folded in plain:
        unused[w.day] -= folded.added
        _merge(outcome, folded.results, [], w.resolution)
        _note_done(outcome, w, folded, folded.read.awarded, time_zone)
    return {w.key for w, _ in plain}


def _release_unused(
    contributor_id: str, work: Iterable[_PageDayWork], seconds: dict[str, int]
) -> None:
    """Give back the seconds and flattrs reserved for reports that were not recorded."""
    flattrs: dict[str, int] = defaultdict(int)
    for w in work:
        flattrs[w.day] += w.flattrs_reserved - w.flattrs_used
    for day in sorted(set(seconds) | set(flattrs)):
        store.release_day(
            contributor_id, day, attention=seconds.get(day, 0), flattrs=flattrs.get(day, 0)
        )


def _read_ahead(
    contributor_id: str,
    pages: Normalised,
    item_key: Callable[[int, Page], str | None],
    model: type[ActivityItem],
) -> tuple[OwnerLookup, dict[str, Any]]:
    """Read in one request what a request of reports reads: the activity items they may
    touch (``item_key`` of the n-th report's page) and what resolving their pages reads
    first (``reads_first``: lookups' answers, the directory's records), those this Lambda
    does not hold. Answers the lookups for resolving (the records are kept in the
    directory's cache), and the items that exist by key. (An item it could not foresee
    would be written under a condition that it is new, and read again when it is not.)"""
    limits = settings()
    wanted, recipients = reads_first(
        pages,
        page_authors=limits.page_authors,
        handles=limits.handle_lookups,
        funding=limits.funding_files,
    )
    keys = {
        key
        for index, (_, page, reason) in enumerate(pages)
        if page is not None and not reason and (key := item_key(index, page)) is not None
    }
    asked = wanted - _lookups.cached(wanted).keys()
    unknown = _directory.missing(recipients)
    found, (items, records) = lookups.answers_with(
        asked, (model, [(contributor_id, k) for k in keys]), (Recipient, unknown)
    )
    _lookups.keep(found)
    _directory.keep(records, unknown)
    return Prefetched(_lookups, asked, found), {item.item_key: item for item in items}


def _reserve_attention(
    contributor_id: str,
    day: str,
    day_work: list[_PageDayWork],
    found: dict[str, PageDay],
    time_zone: str,
    outcome: Outcome,
) -> store.DayTotals | None:
    """Take the day's budget for these reports (seconds, new pages) in one atomic update;
    where a daily limit would be passed, admit what fits and reject the rest with a reason.
    The flattrs the reports make, as read, are counted in the same update, so that each
    page-day's transaction writes only the page-day and its flattrs (the slower way, where
    a limit would be passed, leaves them to the transaction). Answers the day's totals
    after it, where an update answered them."""
    due: dict[str, int] = {}
    for w in day_work:
        w.new_page = w.key not in found
        folded = fold(store.state_of(found.get(w.key)), w.reports)
        w.reserved = folded.added
        due[w.key] = folded.due
    expires_at = page_day_expiry(day, time_zone)
    reserved = store.reserve_day(
        contributor_id,
        day,
        expires_at,
        attention=sum(w.reserved for w in day_work),
        pages=sum(1 for w in day_work if w.new_page),
        flattrs=sum(due.values()),
    )
    if reserved:
        for w in day_work:
            w.flattrs_reserved = due[w.key]
        return reserved
    return _admit_within_limits(contributor_id, day, day_work, expires_at, outcome)


def _admit_within_limits(
    contributor_id: str,
    day: str,
    day_work: list[_PageDayWork],
    expires_at: datetime,
    outcome: Outcome,
) -> store.DayTotals | None:
    """Where a daily limit would be passed: admit the reports that fit, in time order, and
    reject the rest with a reason; reserve what was admitted."""
    limits = settings()
    totals = store.day_totals(contributor_id, day)
    seconds, pages = totals.attention, totals.pages
    for w in sorted(day_work, key=lambda w: w.key):
        if w.new_page and pages >= limits.max_pages_per_day:
            for report in w.reports:
                outcome.reject(report.event_id, "daily_page_limit")
            w.reports, w.reserved = [], 0
            continue
        kept: list[AttentionReport] = []
        for report in sorted(w.reports, key=lambda r: (r.at, r.event_id)):
            if seconds + report.active_seconds > limits.max_attention_seconds_per_day:
                outcome.reject(report.event_id, "daily_attention_limit")
                continue
            seconds += report.active_seconds
            kept.append(report)
        w.reports = kept
        w.reserved = sum(r.active_seconds for r in kept)
        pages += 1 if (w.new_page and kept) else 0
    admitted = [w for w in day_work if w.reports]
    reserved = store.reserve_day(
        contributor_id,
        day,
        expires_at,
        attention=sum(w.reserved for w in admitted),
        pages=sum(1 for w in admitted if w.new_page),
    )
    if not reserved:
        # Other requests took the rest of the day's budget meanwhile.
        for w in admitted:
            for report in w.reports:
                outcome.reject(report.event_id, "daily_attention_limit")
            w.reports, w.reserved = [], 0
    return reserved


def _apply_attention(
    contributor_id: str,
    work: _PageDayWork,
    item: PageDay | None,
    time_zone: str,
    counters: dict[str, int],
    outcome: Outcome,
) -> int:
    """Apply one page-day's reports to what was read of it; answers the seconds recorded.
    Raises ``ChangedMeanwhile`` when the page-day changed in a way that decides differently."""
    folded = fold(store.state_of(item), work.reports)
    results, added = folded.results, folded.added
    due = folded.due
    counted = min(due, work.flattrs_reserved)  # counted in the day's totals already
    if not added and not due:
        _merge(outcome, results, [], work.resolution)
        _note_done(outcome, work, folded, folded.read.awarded, time_zone)
        return 0
    if (
        due > counted
        and _flattrs_on(contributor_id, work.day, counters) + due - counted
        > settings().max_flattrs_per_day
    ):
        _reject_accepted(results, work.reports, folded.read.events, "daily_flattr_limit")
        _merge(outcome, results, [], work.resolution)
        return 0
    flattrs = _attention_flattrs(contributor_id, work, folded, due)
    expires_at = page_day_expiry(work.day, time_zone)
    try:
        store.update_page_day(
            contributor_id,
            work.key,
            *store.page_day_update(change_for(folded, due, expires_at)),
            flattrs,
            day=work.day,
            expires_at=expires_at,
            counted=counted,
        )
    except DailyLimit:
        _reject_accepted(results, work.reports, folded.read.events, "daily_flattr_limit")
        _merge(outcome, results, [], work.resolution)
        return 0
    work.flattrs_used = counted
    counters[work.day] = _flattrs_on(contributor_id, work.day, counters) + due - counted
    _merge(outcome, results, flattrs, work.resolution)
    _note_done(outcome, work, folded, folded.read.awarded + due, time_zone)
    return added


def _note_done(
    outcome: Outcome, work: _PageDayWork, folded: Folded, awarded: int, time_zone: str
) -> None:
    """A page-day with every flattr its kind can earn is done until the day ends: the
    answer says so, and the extension stops reporting it (a request a page past its last
    threshold would cost for nothing). A text page-day could still turn media."""
    if rules.seconds_to_next(folded.seconds, folded.media, awarded) is not None:
        return
    kind = "any" if folded.media or len(rules.thresholds(True)) <= awarded else "text"
    until = rules.day_end(datetime.fromisoformat(work.day).date(), time_zone)
    last = max(work.reports, key=lambda r: (r.at, r.event_id))
    outcome.done.append((last.event_id, until, kind))


def _attention_flattrs(
    contributor_id: str, work: _PageDayWork, folded: Folded, due: int
) -> list[Flattr]:
    """The ``due`` flattrs the page-day's attention earned, numbered after those awarded
    before (so a repeat makes the same ids)."""
    at = folded.latest or max(r.at for r in work.reports)
    awarded = folded.read.awarded
    return [
        new_flattr(
            contributor_id,
            flattr_id_for(at, f"{contributor_id}|{work.key}|{index}"),
            key_of(work.resolution),
            work.resolution.url,
            "attention",
            at,
        )
        for index in range(awarded, awarded + due)
    ]


def _flattrs_on(contributor_id: str, day: str, counters: dict[str, int]) -> int:
    if day not in counters:
        counters[day] = store.day_counter(contributor_id, day)
    return counters[day]


def _reject_accepted(
    results: Outcome, reports: list[AttentionReport], known: AbstractSet[str], reason: str
) -> None:
    """Turn the reports this attempt accepted into rejections with ``reason``."""
    rejected = {r["event_id"] for r in results.rejected}
    for report in reports:
        if report.event_id not in rejected and short_hash(report.event_id) not in known:
            results.reject(report.event_id, reason)
    results.accepted = 0


def _merge(
    outcome: Outcome, results: Outcome, flattrs: list[Flattr], resolution: Resolution
) -> None:
    outcome.accepted += results.accepted
    outcome.duplicates += results.duplicates
    outcome.rejected.extend(results.rejected)
    outcome.flattrs.extend((f, resolution) for f in flattrs)


def key_of(resolution: Resolution) -> str:
    """The recipient key a flattr of this resolution goes to."""
    assert resolution.recipient is not None
    return resolution.recipient.key


# ---------------------------------------------------------------- visits


def _site_key(site: str) -> str:
    """``vis#<site-hash>``: the activity item of one site's recent visits."""
    return f"vis#{keyed_hash(site)}"


def record_visits(contributor_id: str, visits: Sequence[VisitReport], now: datetime) -> Outcome:
    outcome = Outcome()
    time_zone = store.time_zone_of(contributor_id)
    pages = normalised([v.url for v in visits], settings().blocked_domains)
    ahead, read = _read_ahead(
        contributor_id,
        pages,
        lambda _, page: None if page.multi_author else _site_key(page.site),
        SiteVisits,
    )
    resolutions = resolve_pages(pages, contributor_id, ahead)
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
    if not by_site:
        return outcome
    keys = {site: _site_key(site) for site in by_site}
    found: dict[str, SiteVisits] = {
        k: item for k in keys.values() if (item := read.get(k)) is not None
    }
    day = rules.local_day(now, time_zone)
    admitted = _reserve_sites(contributor_id, by_site, keys, found, day, time_zone, now, outcome)
    for site in sorted(admitted):

        def apply(fresh: bool, site: str = site) -> None:
            item = (
                store.load_activity(contributor_id, [keys[site]], SiteVisits, consistent=True)
                if fresh
                else found
            ).get(keys[site])
            _apply_visits(contributor_id, keys[site], item, by_site[site], time_zone, now, outcome)

        _retrying(apply)
    return outcome


def _reserve_sites(
    contributor_id: str,
    by_site: dict[str, list[tuple[VisitReport, Resolution]]],
    keys: dict[str, str],
    found: dict[str, SiteVisits],
    day: Any,
    time_zone: str,
    now: datetime,
    outcome: Outcome,
) -> list[str]:
    """Sites not yet visited today take a place in the day's distinct sites; past the
    daily limit, their visits are rejected with a reason."""
    day_start = int((rules.day_end(day, time_zone) - timedelta(days=1)).timestamp())
    new_today = [
        site
        for site in sorted(by_site)
        if keys[site] not in found
        or not any(int(view[0]) >= day_start for view in (found[keys[site]].views or ()))
    ]
    expires_at = now + timedelta(days=3)
    if store.reserve_day(contributor_id, day.isoformat(), expires_at, sites=len(new_today)):
        return sorted(by_site)
    room = max(
        0, settings().max_sites_per_day - store.day_totals(contributor_id, day.isoformat()).sites
    )
    taken = sorted(new_today)[:room]
    if not store.reserve_day(contributor_id, day.isoformat(), expires_at, sites=len(taken)):
        taken = []
    refused = set(new_today) - set(taken)
    for site in sorted(refused):
        for visit, _ in by_site[site]:
            outcome.reject(visit.event_id, "daily_site_limit")
    return [site for site in sorted(by_site) if site not in refused]


def _apply_visits(
    contributor_id: str,
    key: str,
    item: SiteVisits | None,
    visits: list[tuple[VisitReport, Resolution]],
    time_zone: str,
    now: datetime,
    outcome: Outcome,
) -> None:
    if item is None:
        item = SiteVisits(contributor_id, key, expires_at=now)
    site = visits[0][1].page.site if visits[0][1].page else ""
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
        flattr_id = flattr_id_for(when, f"{contributor_id}|{key}|{rule}|{at}")
        flattrs.append(
            new_flattr(
                contributor_id, flattr_id, key_of(resolution), f"https://{site}/", "visit", when
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


@dataclass(frozen=True)
class PageToday:
    """One page's attention today, from all the contributor's devices."""

    url: str
    day: str
    seconds: int
    media: bool
    flattrs: int
    next_flattr_in: int | None


def page_today(contributor_id: str, url: str, now: datetime) -> PageToday:
    """What the page-day of ``url`` holds now (the popup's "next flattr in"); raises
    ``Refused`` for a page that cannot be flattred."""
    (resolution,) = resolve_urls([url], contributor_id)
    if resolution.reason:
        raise Refused(resolution.reason)
    day = rules.local_day(now, store.time_zone_of(contributor_id)).isoformat()
    key = page_day_key(day, resolution.url)
    item: PageDay | None = store.load_activity(contributor_id, [key], PageDay).get(key)
    seconds = int(item.seconds or 0) if item else 0
    media = bool(item.media) if item else False
    awarded = int(item.awarded or 0) if item else 0
    return PageToday(
        resolution.url,
        day,
        seconds,
        media,
        awarded,
        rules.seconds_to_next(seconds, media, awarded),
    )


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _already_given(contributor_id: str, event: str, item: PageDay | None) -> Flattr | None:
    """The flattr a repeat of this event, or an earlier button press on the page that
    day, already made."""
    earlier = store.explicit_event(contributor_id, event)
    if earlier is not None and (flattr := store.get_flattr(contributor_id, earlier)):
        return flattr
    if item is not None and item.button_flattr_id:
        return store.get_flattr(contributor_id, item.button_flattr_id)
    return None


def _button_press(
    item: PageDay | None, flattr_id: str, now: datetime, expires_at: datetime
) -> tuple[list[Any], Any]:
    """The page-day's update for a button flattr, and the condition it was read under."""
    seconds = int(item.seconds or 0) if item else 0
    awarded = int(item.awarded or 0) if item else 0
    moved = rules.seconds_after_explicit(seconds, bool(item.media) if item else False, awarded)
    # The boost is not reading time: widen the elapsed window by as much, so the
    # elapsed-time limit keeps measuring only what was reported.
    now_epoch = int(now.timestamp())
    low = int(min(item.starts)) if item and item.starts else now_epoch
    actions: list[Any] = [
        PageDay.awarded.set(awarded + 1),
        PageDay.button_flattr_id.set(flattr_id),
        PageDay.starts.add({min(low, now_epoch) - (moved - seconds)}),
        PageDay.ends.add({now_epoch}),
        PageDay.expires_at.set(expires_at),
        PageDay.seconds.add(moved - seconds),
    ]
    condition: Any = (
        PageDay.item_key.does_not_exist()
        if item is None
        else (PageDay.seconds == seconds)
        & (PageDay.awarded == awarded)
        & PageDay.button_flattr_id.does_not_exist()
    )
    return actions, condition


def give_explicit_flattr(
    contributor_id: str,
    event_id: str,
    url: str,
    title: str | None,
    now: datetime,
    app: str | None = None,
) -> tuple[Flattr, Resolution, bool]:
    """One flattr now (made by ``app``, when an app asked). Returns (flattr, resolution,
    created); a repeat, or the same page again the same day, returns the first."""
    (resolution,) = resolve_urls([url], contributor_id)
    if resolution.reason:
        raise Refused(resolution.reason)
    event = short_hash(event_id)
    time_zone = store.time_zone_of(contributor_id)
    day = rules.local_day(now, time_zone).isoformat()
    expires_at = page_day_expiry(day, time_zone)
    key = page_day_key(day, resolution.url)
    for attempt in range(ATTEMPTS):
        item: PageDay | None = store.load_activity(
            contributor_id, [key], PageDay, consistent=attempt > 0
        ).get(key)
        if (given := _already_given(contributor_id, event, item)) is not None:
            return given, resolution, False
        if store.day_counter(contributor_id, day) >= settings().max_flattrs_per_day:
            raise Refused("daily_flattr_limit")
        flattr_id = flattr_id_for(now, f"{contributor_id}|{key}|button")
        flattr = new_flattr(
            contributor_id, flattr_id, key_of(resolution), resolution.url, "button", now, title, app
        )
        actions, condition = _button_press(item, flattr_id, now, expires_at)
        marker = ExplicitEvent(
            contributor_id, f"evt#{event}", flattr_id=flattr_id, expires_at=now + timedelta(days=3)
        )
        try:
            store.update_page_day(
                contributor_id,
                key,
                actions,
                condition,
                [flattr],
                day=day,
                expires_at=expires_at,
                extra=[marker],
            )
        except DailyLimit as error:
            raise Refused("daily_flattr_limit") from error
        except ChangedMeanwhile:
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311 - jitter
            continue
        queue_lookups([(flattr.month, resolution)], now)
        return flattr, resolution, True
    raise Busy

"""The product's rules for attention and visits, as pure functions of data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TEXT_THRESHOLDS = (50, 96, 138, 176, 210)
MEDIA_THRESHOLDS = (140, 400, 880, 1480, 2460, 3660)
DAY_STARTS_AT = time(4, 0)

LOYAL_GAP = 6 * 3600
LOYAL_VISITS = 3
LOYAL_WINDOW = 30 * 86400
SESSION_WINDOW = 30 * 60
SESSION_PAGES = 4
SESSION_MIN_DWELL = 15
VISIT_RETENTION = 30 * 86400


def thresholds(media: bool) -> tuple[int, ...]:
    """The seconds of a page-day at which flattrs are awarded: the rules' numbers, scaled by
    ``ATTENTION_THRESHOLD_PERCENT`` (100 in production; a test stack may shorten them)."""
    from functions.common.settings import settings

    levels = MEDIA_THRESHOLDS if media else TEXT_THRESHOLDS
    percent = settings().attention_threshold_percent
    return levels if percent == 100 else tuple(max(1, t * percent // 100) for t in levels)


def flattrs_due(seconds: int, media: bool, awarded: int) -> int:
    """How many more flattrs a page-day has earned with ``seconds`` of attention."""
    earned = sum(1 for threshold in thresholds(media) if seconds >= threshold)
    return max(0, earned - awarded)


def seconds_after_explicit(seconds: int, media: bool, awarded: int) -> int:
    """An explicit flattr moves the page-day's attention up to the next threshold."""
    levels = thresholds(media)
    if awarded < len(levels):
        return max(seconds, levels[awarded])
    return seconds


def seconds_to_next(seconds: int, media: bool, awarded: int) -> int | None:
    """Seconds of attention until the page-day's next flattr; None when it has them all."""
    levels = thresholds(media)
    paid = max(awarded, sum(1 for level in levels if seconds >= level))
    return levels[paid] - seconds if paid < len(levels) else None


def local_day(at: datetime, time_zone: str) -> date:
    """The contributor's calendar day, which starts at 04:00 in their time zone."""
    local = at.astimezone(ZoneInfo(time_zone))
    start = datetime.combine(local.date(), DAY_STARTS_AT, tzinfo=local.tzinfo)
    return local.date() if local >= start else local.date() - timedelta(days=1)


def day_end(day: date, time_zone: str) -> datetime:
    """When ``day`` ends: 04:00 local on the next calendar day."""
    return datetime.combine(day + timedelta(days=1), DAY_STARTS_AT, tzinfo=ZoneInfo(time_zone))


@dataclass(frozen=True, order=True)
class View:
    at: int  # epoch seconds
    page: str  # keyed hash of the page URL
    dwell: int | None = None


def merge_views(old: Iterable[View], new: Iterable[View], now: int) -> tuple[list[View], int]:
    """Old and new views, deduplicated by (page, second), within retention, in time order.

    Returns the views and how many of ``new`` were already known.
    """
    seen: dict[tuple[str, int], View] = {(v.page, v.at): v for v in old}
    duplicates = 0
    for view in new:
        key = (view.page, view.at)
        if key in seen:
            duplicates += 1
            known = seen[key]
            if known.dwell is None and view.dwell is not None:
                seen[key] = view
        else:
            seen[key] = view
    kept = sorted(v for v in seen.values() if v.at > now - VISIT_RETENTION)
    return kept, duplicates


def loyal_reader_awards(views: Sequence[View], awards: Iterable[int]) -> list[int]:
    """Times at which new loyal-reader flattrs are due (at most one per 30 days)."""
    given = sorted(awards)
    counted: list[int] = []
    new: list[int] = []
    for view in views:
        if counted and view.at - counted[-1] < LOYAL_GAP:
            continue
        counted.append(view.at)
        recent = [t for t in counted if t > view.at - LOYAL_WINDOW]
        if len(recent) < LOYAL_VISITS:
            continue
        if all(abs(view.at - t) >= LOYAL_WINDOW for t in given):
            given.append(view.at)
            new.append(view.at)
    return new


def browsing_session_awards(
    views: Sequence[View], awarded_days: Iterable[str], time_zone: str
) -> list[tuple[int, str]]:
    """(time, day) of new browsing-session flattrs (at most one per site per day)."""
    days = set(awarded_days)
    dwelt = [v for v in views if v.dwell is not None and v.dwell >= SESSION_MIN_DWELL]
    new: list[tuple[int, str]] = []
    for index, view in enumerate(dwelt):
        pages = {v.page for v in dwelt[: index + 1] if v.at >= view.at - SESSION_WINDOW}
        if len(pages) < SESSION_PAGES:
            continue
        day = local_day(datetime.fromtimestamp(view.at, ZoneInfo("UTC")), time_zone).isoformat()
        if day not in days:
            days.add(day)
            new.append((view.at, day))
    return new

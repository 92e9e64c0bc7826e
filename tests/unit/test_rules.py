"""The attention and visit rules at and around their boundaries (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.track.rules import (
    MEDIA_THRESHOLDS,
    TEXT_THRESHOLDS,
    View,
    browsing_session_awards,
    day_end,
    flattrs_due,
    local_day,
    loyal_reader_awards,
    merge_views,
    seconds_after_explicit,
    seconds_to_next,
)

H = 3600
DAY = 86400


@pytest.mark.parametrize(
    ("seconds", "flattrs"),
    [
        (0, 0),
        (49, 0),
        (50, 1),
        (95, 1),
        (96, 2),
        (137, 2),
        (138, 3),
        (175, 3),
        (176, 4),
        (209, 4),
        (210, 5),
        (10_000, 5),
    ],
)
def test_text_thresholds(seconds, flattrs):
    assert flattrs_due(seconds, media=False, awarded=0) == flattrs


@pytest.mark.parametrize(
    ("seconds", "flattrs"),
    [
        (139, 0),
        (140, 1),
        (399, 1),
        (400, 2),
        (879, 2),
        (880, 3),
        (1479, 3),
        (1480, 4),
        (2459, 4),
        (2460, 5),
        (3659, 5),
        (3660, 6),
        (90_000, 6),
    ],
)
def test_media_thresholds(seconds, flattrs):
    assert flattrs_due(seconds, media=True, awarded=0) == flattrs


def test_at_most_five_text_and_six_media_flattrs_per_page_day():
    assert flattrs_due(210, False, 5) == 0  # the 6th text flattr never comes
    assert flattrs_due(3660, True, 5) == 1  # the 6th media flattr does
    assert flattrs_due(99_999, True, 6) == 0


def test_turning_media_keeps_what_was_awarded_and_switches_thresholds():
    # 150 s of text earned 3; as media, 150 s is only the 1st threshold: nothing more yet.
    assert flattrs_due(150, media=True, awarded=3) == 0
    assert flattrs_due(1480, media=True, awarded=3) == 1


def test_explicit_flattr_moves_attention_to_the_next_threshold():
    assert seconds_after_explicit(30, False, 0) == 50
    assert seconds_after_explicit(60, False, 1) == 96
    assert seconds_after_explicit(30, True, 0) == 140
    assert seconds_after_explicit(300, False, 5) == 300  # past the last: unchanged


@pytest.mark.parametrize(
    ("seconds", "media", "awarded", "left"),
    [
        (0, False, 0, 50),
        (49, False, 0, 1),
        (50, False, 1, 46),
        (60, False, 2, 78),  # after a button flattr the next is the third threshold
        (209, False, 4, 1),
        (210, False, 5, None),
        (10, True, 0, 130),
        (3660, True, 6, None),
    ],
)
def test_seconds_to_the_next_flattr(seconds, media, awarded, left):
    assert seconds_to_next(seconds, media, awarded) == left


@given(st.integers(0, 5000), st.booleans())
def test_reading_the_seconds_to_next_earns_exactly_one_more(seconds, media):
    levels = MEDIA_THRESHOLDS if media else TEXT_THRESHOLDS
    awarded = sum(1 for t in levels if seconds >= t)
    left = seconds_to_next(seconds, media, awarded)
    if left is None:
        assert awarded == len(levels)
    else:
        assert left > 0
        assert flattrs_due(seconds + left - 1, media, awarded) == 0
        assert flattrs_due(seconds + left, media, awarded) == 1


@given(st.integers(0, 5000), st.booleans())
def test_explicit_never_lowers_attention_and_reading_on_pays_no_more(seconds, media):
    levels = MEDIA_THRESHOLDS if media else TEXT_THRESHOLDS
    # The server keeps a page-day's awarded count equal to what its attention earned.
    awarded = sum(1 for t in levels if seconds >= t)
    moved = seconds_after_explicit(seconds, media, awarded)
    assert moved >= seconds
    # After an explicit flattr (awarded + 1), the moved total owes nothing more.
    assert flattrs_due(moved, media, awarded + 1) == 0


@pytest.mark.parametrize(
    ("at", "zone", "day"),
    [
        (datetime(2026, 11, 22, 3, 59, 59, tzinfo=UTC), "UTC", date(2026, 11, 21)),
        (datetime(2026, 11, 22, 4, 0, 0, tzinfo=UTC), "UTC", date(2026, 11, 22)),
        # Berlin is UTC+1 in November: 04:00 local is 03:00 UTC.
        (datetime(2026, 11, 22, 2, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 21)),
        (datetime(2026, 11, 22, 3, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 22)),
        # Los Angeles is UTC-8: 04:00 local is 12:00 UTC.
        (datetime(2026, 11, 22, 11, 59, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 21)),
        (datetime(2026, 11, 22, 12, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 22)),
    ],
)
def test_the_day_starts_at_four_in_the_contributors_zone(at, zone, day):
    assert local_day(at, zone) == day


def test_day_end_is_four_the_next_morning_even_across_dst():
    # Europe/Berlin leaves summer time on 2026-10-25.
    assert day_end(date(2026, 10, 24), "Europe/Berlin").astimezone(UTC) == datetime(
        2026, 10, 25, 3, 0, tzinfo=UTC
    )
    assert day_end(date(2026, 10, 25), "Europe/Berlin").astimezone(UTC) == datetime(
        2026, 10, 26, 3, 0, tzinfo=UTC
    )


T0 = int(datetime(2026, 11, 1, 12, tzinfo=UTC).timestamp())


def views(*offsets: int, page: str = "p") -> list[View]:
    return [View(T0 + o, page, None) for o in offsets]


def test_loyal_reader_needs_three_counted_visits_six_hours_apart():
    assert loyal_reader_awards(views(0, 6 * H, 12 * H), []) == [T0 + 12 * H]
    # 5 h 59 m 59 s after the previous one does not count.
    assert loyal_reader_awards(views(0, 6 * H, 12 * H - 1), []) == []
    # but a later one does, measured from the last *counted* visit
    assert loyal_reader_awards(views(0, 6 * H, 12 * H - 1, 12 * H), []) == [T0 + 12 * H]


def test_loyal_reader_visits_must_fall_within_30_days():
    assert loyal_reader_awards(views(0, 15 * DAY, 30 * DAY - 1), []) == [T0 + 30 * DAY - 1]
    assert loyal_reader_awards(views(0, 15 * DAY, 30 * DAY), []) == []


def test_at_most_one_loyal_flattr_per_site_per_30_days():
    awards = loyal_reader_awards(views(*(i * 7 * H for i in range(30))), [])
    assert len(awards) == 1
    later = loyal_reader_awards(views(*(i * DAY for i in range(40))), [])
    assert later == [T0 + 2 * DAY, T0 + 32 * DAY]
    assert loyal_reader_awards(views(0, 6 * H, 12 * H), [T0 - 29 * DAY]) == []
    assert loyal_reader_awards(views(0, 6 * H, 12 * H), [T0 - 31 * DAY]) == [T0 + 12 * H]


def session(*parts: tuple[int, str, int | None]) -> list[View]:
    return sorted(View(T0 + at, page, dwell) for at, page, dwell in parts)


def test_browsing_session_four_pages_in_30_minutes_each_15_seconds():
    four = session((0, "a", 15), (60, "b", 15), (120, "c", 15), (1800, "d", 15))
    assert browsing_session_awards(four, [], "UTC") == [(T0 + 1800, "2026-11-01")]
    # 14 seconds on one page: it does not count
    short = session((0, "a", 15), (60, "b", 14), (120, "c", 15), (180, "d", 15))
    assert browsing_session_awards(short, [], "UTC") == []
    # a page without dwell (synced history) does not count either
    unknown = session((0, "a", 15), (60, "b", None), (120, "c", 15), (180, "d", 15))
    assert browsing_session_awards(unknown, [], "UTC") == []
    # 30 minutes and one second: too spread out
    spread = session((0, "a", 15), (60, "b", 15), (120, "c", 15), (1801, "d", 15))
    assert browsing_session_awards(spread, [], "UTC") == []
    # the same page four times is one page
    same = session((0, "a", 15), (60, "a", 15), (120, "a", 15), (180, "a", 15))
    assert browsing_session_awards(same, [], "UTC") == []


def test_at_most_one_session_flattr_per_site_per_day():
    morning = [(i * 60, f"m{i}", 20) for i in range(8)]
    evening = [(8 * H + i * 60, f"e{i}", 20) for i in range(4)]
    next_day = [(DAY + i * 60, f"n{i}", 20) for i in range(4)]
    awards = browsing_session_awards(session(*morning, *evening, *next_day), [], "UTC")
    assert [day for _, day in awards] == ["2026-11-01", "2026-11-02"]
    assert browsing_session_awards(session(*morning), ["2026-11-01"], "UTC") == []


def test_merge_counts_the_same_visit_from_two_devices_once():
    laptop = [View(T0, "a", None), View(T0 + 60, "b", 20)]
    phone = [View(T0, "a", 30), View(T0 + 61, "b", 20)]
    merged, duplicates = merge_views(laptop, phone, T0 + 100)
    assert duplicates == 1
    assert merged == [View(T0, "a", 30), View(T0 + 60, "b", 20), View(T0 + 61, "b", 20)]


def test_merge_forgets_views_older_than_30_days():
    merged, _ = merge_views([View(T0, "a", None)], [View(T0 + 30 * DAY, "b", None)], T0 + 30 * DAY)
    assert merged == [View(T0 + 30 * DAY, "b", None)]

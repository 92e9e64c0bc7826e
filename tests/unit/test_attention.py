"""A page-day's attention rules as plain functions (``track/attention.py``): folding reports,
and the change a request writes with the condition it needs, checked against every way
other devices' reports could have changed the page-day since it was read. The store's
translation of that condition into DynamoDB's is tested on the emulator
(``tests/integration/test_page_day_conditions.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.common.hashing import short_hash
from functions.track import rules
from functions.track.attention import (
    AttentionReport,
    Expectation,
    PageDayState,
    Span,
    change_for,
    fold,
)

NOON = datetime(2026, 12, 7, 12, tzinfo=UTC)
EXPIRES = NOON + timedelta(days=2)


def report(event: str, seconds: int, at_offset: int, kind: str = "text") -> AttentionReport:
    return AttentionReport(
        event, "https://example.org/a", kind, seconds, NOON + timedelta(seconds=at_offset)
    )


reports_strategy = st.lists(
    st.builds(
        report,
        event=st.sampled_from([f"e{i}" for i in range(12)]),
        seconds=st.integers(1, 900),  # as the API admits them
        at_offset=st.integers(0, 4000),
        kind=st.sampled_from(["text", "text", "media"]),
    ),
    max_size=8,
)


def test_reports_add_up_within_the_time_they_span():
    folded = fold(PageDayState(), [report("a", 30, 30), report("b", 30, 60)])
    assert (folded.seconds, folded.added, folded.results.accepted) == (60, 60, 2)
    assert folded.span == Span(0 + int(NOON.timestamp()), 60 + int(NOON.timestamp()))
    assert folded.due == 1  # 50 seconds is the first text threshold


def test_a_report_passing_the_elapsed_time_is_refused_and_a_repeat_counted_once():
    folded = fold(PageDayState(), [report("a", 30, 30), report("b", 30, 40), report("a", 30, 30)])
    assert folded.results.accepted == 1
    assert folded.results.duplicates == 1
    assert folded.results.rejected == [{"event_id": "b", "reason": "exceeds_elapsed_time"}]


def test_an_event_already_on_the_page_day_is_a_duplicate():
    read = PageDayState(exists=True, seconds=30, events=frozenset({short_hash("a")}))
    folded = fold(read, [report("a", 30, 30)])
    assert (folded.results.duplicates, folded.added) == (1, 0)


@given(reports_strategy)
def test_folding_accounts_for_every_report_and_never_passes_the_elapsed_time(reports):
    folded = fold(PageDayState(), reports)
    results = folded.results
    assert results.accepted + results.duplicates + len(results.rejected) == len(reports)
    assert folded.seconds <= folded.span.extent
    assert folded.seconds == folded.added


def test_a_new_page_day_is_written_only_if_it_is_still_absent():
    folded = fold(PageDayState(), [report("a", 60, 60)])
    change = change_for(folded, folded.due, EXPIRES)
    assert change.expect == Expectation(absent=True)
    assert change.awarded == 1
    assert not change.expect.holds(change.applied_to(PageDayState()))


@st.composite
def read_and_now(draw):
    """A page-day as a request read it, and as it is when the request writes: other
    devices' reports have only added (seconds, events, a wider span, media); another
    request may have awarded flattrs."""
    earlier = draw(reports_strategy)
    read_fold = fold(PageDayState(), earlier)
    read = replace(
        PageDayState(
            exists=True,
            seconds=read_fold.seconds,
            media=read_fold.media,
            events=frozenset(read_fold.new_events),
            span=read_fold.span,
        ),
        awarded=rules.flattrs_due(read_fold.seconds, read_fold.media, 0),
    )
    concurrent = draw(reports_strategy)
    more = fold(read, concurrent)
    awarded_meanwhile = draw(st.sampled_from([0, 0, 0, 1]))
    now = PageDayState(
        exists=True,
        seconds=more.seconds,
        media=more.media,
        awarded=read.awarded + awarded_meanwhile,
        events=read.events | more.new_events,
        span=more.span,
    )
    return read, now, draw(reports_strategy)


@settings(max_examples=300)
@given(read_and_now())
def test_a_change_that_still_holds_awards_exactly_the_flattrs_earned(case):
    """Whatever happened since the read: where the change's condition holds, writing it
    leaves the page-day with every flattr its total earns, none twice, and never more
    seconds than its reports span."""
    read, now, reports = case
    folded = fold(read, reports)
    change = change_for(folded, folded.due, EXPIRES)
    assert change.expect.holds(read) or not folded.results.accepted
    if not change.expect.holds(now):
        return
    after = change.applied_to(now)
    earned = sum(1 for level in rules.thresholds(after.media) if after.seconds >= level)
    assert after.awarded == max(now.awarded, earned)
    assert after.seconds <= after.span.extent
    assert not change.expect.holds(after) or not folded.new_events  # a retry is refused


def test_a_concurrent_award_makes_the_change_decide_again():
    read = PageDayState(exists=True, seconds=40, span=Span(0, 100), awarded=0)
    folded = fold(read, [report("x", 20, 200)])
    change = change_for(folded, folded.due, EXPIRES)
    assert change.awarded == 1
    assert change.expect.holds(read)
    assert not change.expect.holds(replace(read, awarded=1))


def test_crossing_the_next_threshold_meanwhile_makes_the_change_decide_again():
    start = int(NOON.timestamp())
    read = PageDayState(exists=True, seconds=10, span=Span(start - 100, start))
    folded = fold(read, [report("x", 20, 30)])
    change = change_for(folded, folded.due, EXPIRES)
    assert folded.due == 0
    assert change.expect.seconds_below == 50 - 20
    assert change.expect.holds(replace(read, seconds=29))
    assert not change.expect.holds(replace(read, seconds=30))


def test_media_reported_meanwhile_on_a_text_page_makes_the_change_decide_again():
    read = PageDayState(exists=True, seconds=10, span=Span(0, 1000))
    change = change_for(fold(read, [report("x", 5, 0)]), 0, EXPIRES)
    assert change.expect.still_text
    assert not change.expect.holds(replace(read, media=True))

"""The track store writes a page-day change under the condition its rules mean
(``Expectation.holds``, tested without an emulator in ``tests/unit/test_attention.py``):
here the same expectations, against page-days as the emulator holds them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from functions.common.hashing import short_hash
from functions.track import store
from functions.track.attention import Expectation, PageDayChange, PageDayState, Span
from functions.track.models import PageDay
from functions.track.store import ChangedMeanwhile

EXPIRES = datetime(2026, 12, 9, tzinfo=UTC)
READ = PageDayState(
    exists=True, seconds=40, awarded=1, events=frozenset({short_hash("a")}), span=Span(100, 200)
)
EXPECT = Expectation(
    absent=False,
    awarded=1,
    still_text=True,
    seconds_below=56,
    seconds_at_most=60,
    events_absent=frozenset({short_hash("b")}),
)
CASES = {
    "as read": READ,
    "more seconds, still below": replace(READ, seconds=55),
    "seconds reached the threshold": replace(READ, seconds=56),
    "awarded meanwhile": replace(READ, awarded=2),
    "turned media": replace(READ, media=True),
    "the event arrived meanwhile": replace(READ, events=READ.events | {short_hash("b")}),
    "absent": PageDayState(),
}


def _store(key: str, state: PageDayState) -> None:
    if not state.exists:
        return
    PageDay(
        "c1",
        key,
        seconds=state.seconds,
        media=state.media,
        awarded=state.awarded,
        events=set(state.events),
        starts={state.span.low},
        ends={state.span.high},
        expires_at=EXPIRES,
    ).save()


def _write(key: str, expect: Expectation) -> bool:
    change = PageDayChange(
        awarded=expect.awarded,
        expires_at=EXPIRES,
        expect=expect,
        seconds=1,
        events=frozenset({short_hash("b")}),
        starts=frozenset({150}),
        ends=frozenset({151}),
    )
    try:
        store.update_page_day(
            "c1", key, *store.page_day_update(change), day="2026-12-07", expires_at=EXPIRES
        )
    except ChangedMeanwhile:
        return False
    return True


@pytest.mark.parametrize("name", CASES)
def test_the_store_writes_exactly_where_the_expectation_holds(aws, name):
    state = CASES[name]
    _store("att#k", state)
    assert _write("att#k", EXPECT) is EXPECT.holds(state)


@pytest.mark.parametrize("name", ["absent", "as read"])
def test_a_new_page_day_is_written_only_where_none_is(aws, name):
    state = CASES[name]
    _store("att#n", state)
    assert _write("att#n", Expectation(absent=True)) is (not state.exists)


def test_a_written_change_adds_what_it_says(aws):
    _store("att#w", READ)
    assert _write("att#w", EXPECT)
    after = store.state_of(PageDay.get("c1", "att#w"))
    assert after.seconds == 41 and short_hash("b") in after.events
    assert after.span == Span(100, 200) and not after.media
    assert after == replace(READ, seconds=41, events=READ.events | {short_hash("b")})

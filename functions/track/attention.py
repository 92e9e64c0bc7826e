"""The attention rules of one page-day, as plain functions: no storage, no clock.

``fold`` applies reports to what was read of a page-day; ``change_for`` answers the write
that records them: what it adds (commutative additions, so that reports from several
devices add up), the flattrs it awards, and the ``Expectation`` under which adding that to
whatever the page-day holds by then still decides as it did on what was read. The track
store turns a ``PageDayChange`` into a DynamoDB update and its condition
(``store.page_day_update``); ``Expectation.holds`` says what that condition means, so the
rules are tested here without an emulator and the store's translation against the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from functions.common.hashing import short_hash
from functions.track import rules

if TYPE_CHECKING:
    from functions.core.models import Flattr
    from functions.core.ownership.resolve import Resolution


@dataclass(frozen=True)
class AttentionReport:
    event_id: str
    url: str
    kind: str
    active_seconds: int
    at: datetime


@dataclass
class Outcome:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    flattrs: list[tuple[Flattr, Resolution]] = field(default_factory=list)
    # Pages done for the day: (a report's event id, when the day ends, "text" when only
    # media reports could still earn, "any" when nothing could).
    done: list[tuple[str, datetime, str]] = field(default_factory=list)

    def reject(self, event_id: str, reason: str) -> None:
        self.rejected.append({"event_id": event_id, "reason": reason})


@dataclass(frozen=True)
class Span:
    """The reported intervals of a page-day: attention cannot exceed their extent."""

    low: int | None = None
    high: int | None = None

    def widened(self, start: int, end: int) -> Span:
        low = start if self.low is None else min(self.low, start)
        high = end if self.high is None else max(self.high, end)
        return Span(low, high)

    @property
    def extent(self) -> int:
        return 0 if self.low is None or self.high is None else self.high - self.low


@dataclass(frozen=True)
class PageDayState:
    """What a page-day holds (``exists`` False: no item yet): the seconds recorded, whether
    media was reported, the flattrs awarded, the events' hashes and the intervals' span."""

    exists: bool = False
    seconds: int = 0
    media: bool = False
    awarded: int = 0
    events: frozenset[str] = frozenset()
    span: Span = Span()


@dataclass
class Folded:
    """A page-day's reports applied in memory to what was read of it."""

    read: PageDayState
    seconds: int
    media: bool
    span: Span
    results: Outcome = field(default_factory=Outcome)
    new_events: set[str] = field(default_factory=set)
    starts: set[int] = field(default_factory=set)
    ends: set[int] = field(default_factory=set)
    latest: datetime | None = None

    @property
    def added(self) -> int:
        return self.seconds - self.read.seconds

    @property
    def due(self) -> int:
        """The flattrs the folded reports make."""
        return rules.flattrs_due(self.seconds, self.media, self.read.awarded)


def fold(read: PageDayState, reports: list[AttentionReport]) -> Folded:
    """Apply ``reports`` in time order: duplicates counted, reports that would pass the
    elapsed time refused, the rest added up."""
    folded = Folded(read=read, seconds=read.seconds, media=read.media, span=read.span)
    for report in sorted(reports, key=lambda r: (r.at, r.event_id)):
        event = short_hash(report.event_id)
        if event in read.events or event in folded.new_events:
            folded.results.duplicates += 1
            continue
        end = int(report.at.timestamp())
        start = end - report.active_seconds
        widened = folded.span.widened(start, end)
        if folded.seconds + report.active_seconds > widened.extent:
            folded.results.reject(report.event_id, "exceeds_elapsed_time")
            continue
        folded.span, folded.seconds = widened, folded.seconds + report.active_seconds
        folded.media = folded.media or report.kind == "media"
        folded.new_events.add(event)
        folded.starts.add(start)
        folded.ends.add(end)
        folded.latest = report.at
        folded.results.accepted += 1
    return folded


@dataclass(frozen=True)
class Expectation:
    """What must still hold of a page-day for a change decided on a read of it: absent
    (when it was absent), else the same flattrs awarded, still text (when it was read
    text), seconds below ``seconds_below`` and at most ``seconds_at_most`` (each where
    set), and none of ``events_absent`` recorded."""

    absent: bool
    awarded: int = 0
    still_text: bool = False
    seconds_below: int | None = None
    seconds_at_most: int | None = None
    events_absent: frozenset[str] = frozenset()

    def holds(self, now: PageDayState) -> bool:
        if self.absent:
            return not now.exists
        return (
            now.exists
            and now.awarded == self.awarded
            and not (self.still_text and now.media)
            and (self.seconds_below is None or now.seconds < self.seconds_below)
            and (self.seconds_at_most is None or now.seconds <= self.seconds_at_most)
            and not (self.events_absent & now.events)
        )


@dataclass(frozen=True)
class PageDayChange:
    """One page-day's write: set ``awarded`` and the expiry, add the seconds, events and
    interval ends, turn media on (where ``media``), under ``expect``."""

    awarded: int
    expires_at: datetime
    expect: Expectation
    seconds: int = 0
    events: frozenset[str] = frozenset()
    starts: frozenset[int] = frozenset()
    ends: frozenset[int] = frozenset()
    media: bool = False

    def applied_to(self, now: PageDayState) -> PageDayState:
        """What the page-day holds after this change (the store's update, in memory)."""
        span = now.span  # the earliest start and the latest end reported
        if self.starts and self.ends:
            span = span.widened(min(self.starts), max(self.ends))
        return PageDayState(
            exists=True,
            seconds=now.seconds + self.seconds,
            media=now.media or self.media,
            awarded=self.awarded,
            events=now.events | self.events,
            span=span,
        )


def _still_decides(folded: Folded) -> Expectation:
    """Adding the folded seconds to whatever the page-day holds by then decides as it did
    on what was read: the same flattrs awarded so far, the same text-or-media thresholds,
    the new total below the next threshold not yet paid, and within the elapsed-time bound
    (concurrent reports only widen the span, so the bound computed from what was read never
    lets too much through)."""
    read = folded.read
    if not read.exists:
        return Expectation(absent=True)
    levels = rules.thresholds(folded.media)
    earned = sum(1 for level in levels if folded.seconds >= level)
    paid = max(earned, read.awarded)
    return Expectation(
        absent=False,
        awarded=read.awarded,
        still_text=not read.media,
        seconds_below=levels[paid] - folded.added if paid < len(levels) else None,
        seconds_at_most=folded.span.extent - folded.added if folded.added else None,
        events_absent=frozenset(folded.new_events),
    )


def change_for(folded: Folded, due: int, expires_at: datetime) -> PageDayChange:
    """The page-day's commutative update for the folded reports, awarding ``due``."""
    added = folded.added
    return PageDayChange(
        awarded=folded.read.awarded + due,
        expires_at=expires_at,
        expect=_still_decides(folded),
        seconds=added,
        events=frozenset(folded.new_events) if added else frozenset(),
        starts=frozenset(folded.starts) if added else frozenset(),
        ends=frozenset(folded.ends) if added else frozenset(),
        media=folded.media and not folded.read.media,
    )

"""The one source of the current time for all code.

In AWS the offset is always zero. The local stack moves it forward through
``/_local/clock`` so that month ends, expiries and schedules can be reached
in a demo or a test without waiting.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import overload

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC) + _offset


def advance(seconds: float) -> datetime:
    """Move the clock forward by ``seconds`` (never backwards)."""
    if seconds < 0:
        raise ValueError("the clock only moves forward")
    global _offset
    with _lock:
        _offset += timedelta(seconds=seconds)
    return now()


def move_to(when: datetime) -> datetime:
    """Move the clock forward to ``when``; a time in the past is refused."""
    if when.tzinfo is None:
        raise ValueError("the time needs a time zone")
    global _offset
    with _lock:
        delta = when - (datetime.now(UTC) + _offset)
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        _offset += delta
    return now()


def reset() -> None:
    """Back to real time (tests only)."""
    global _offset
    with _lock:
        _offset = timedelta(0)


@overload
def rfc3339(when: datetime) -> str: ...


@overload
def rfc3339(when: None) -> None: ...


def rfc3339(when: datetime | None) -> str | None:
    """A time as the API writes it: RFC 3339 in UTC, to the second (``2026-11-22T10:00:00Z``)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None

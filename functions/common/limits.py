"""Limits per window (a UTC day, or an hour for the Flattr REST API v2) on what one
account or app may ask or one address may receive: a counter per (limit, whose, window),
raised by one atomic conditional update, so that requests at the same moment from many
Lambdas cannot pass it. Whose is a user id, an app's client id or a keyed hash (an address
is never stored); counters expire with their window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from functions.common.models import RateLimit
from functions.common.storage import condition_failed, ensure_bound

DAY = 86_400


@dataclass(frozen=True)
class Limit:
    name: str
    most: int  # requests in one window
    window: int = DAY  # seconds


@dataclass(frozen=True)
class Window:
    """Where one counter stands (what v2's ``X-RateLimit-*`` headers say)."""

    limit: int
    used: int
    reset: int  # epoch seconds: when the next window begins

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def _window(limit: Limit, whose: str, now: datetime) -> tuple[str, int]:
    """The counter of ``whose`` in the window ``now`` is in, and when that window began."""
    epoch = int(now.timestamp())
    start = epoch - epoch % limit.window
    return f"{limit.name}#{whose}#{start}", start


def counted(limit: Limit, whose: str, now: datetime) -> tuple[Window, bool]:
    """Count one for ``whose`` in the current window: the window after it, and whether the
    request fits (when it does not, nothing is counted)."""
    ensure_bound()
    key, start = _window(limit, whose, now)
    item = RateLimit(key)
    try:
        item.update(
            actions=[
                RateLimit.used.add(1),
                RateLimit.expires_at.set(now + timedelta(seconds=2 * limit.window)),
            ],
            condition=RateLimit.used.does_not_exist() | (RateLimit.used < limit.most),
        )
    except UpdateError as error:
        if condition_failed(error):
            return Window(limit.most, limit.most, start + limit.window), False
        raise
    return Window(limit.most, int(item.used or 1), start + limit.window), True


def standing(limit: Limit, whose: str, now: datetime) -> Window:
    """Where ``whose`` stands in the current window, counting nothing."""
    ensure_bound()
    key, start = _window(limit, whose, now)
    try:
        used = int(RateLimit.get(key).used or 0)
    except RateLimit.DoesNotExist:
        used = 0
    return Window(limit.most, min(used, limit.most), start + limit.window)


def take(limit: Limit, whose: str, now: datetime) -> int | None:
    """Count one for ``whose`` in this window (a UTC day). Answers None when it fits, else
    the seconds until the next window, when it fits again (nothing is counted then)."""
    window, fits = counted(limit, whose, now)
    return None if fits else window.reset - int(now.timestamp())

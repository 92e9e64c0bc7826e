"""The per-host rate limit and circuit breaker of owner lookups, on an injected clock."""

from __future__ import annotations

import pytest

from functions.core.platforms.http import HostGuard, LookupFailed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_circuit_opens_after_failures_in_a_row_and_lets_one_try_after_the_cooldown():
    clock = Clock()
    guard = HostGuard(rate=100, failures=3, cooldown=60, now=clock)
    for _ in range(3):
        guard.enter("www.youtube.com")
        guard.failed("www.youtube.com")
    with pytest.raises(LookupFailed, match="circuit open"):
        guard.enter("www.youtube.com")
    guard.enter("vimeo.com")  # other hosts are not held back
    clock.now = 61
    guard.enter("www.youtube.com")  # one try through
    guard.succeeded("www.youtube.com")
    guard.enter("www.youtube.com")


def test_a_success_between_failures_keeps_the_circuit_closed():
    clock = Clock()
    guard = HostGuard(rate=100, failures=2, cooldown=60, now=clock)
    guard.failed("t.co")
    guard.succeeded("t.co")
    guard.failed("t.co")
    guard.enter("t.co")


def test_the_rate_limit_allows_a_burst_then_refills_with_time():
    clock = Clock()
    guard = HostGuard(rate=2, failures=5, cooldown=60, now=clock)
    guard.enter("bit.ly")
    guard.enter("bit.ly")
    with pytest.raises(LookupFailed, match="rate limited"):
        guard.enter("bit.ly")
    clock.now = 0.5  # one more token after half a second at two a second
    guard.enter("bit.ly")
    with pytest.raises(LookupFailed):
        guard.enter("bit.ly")

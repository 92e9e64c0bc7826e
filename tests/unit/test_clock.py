from datetime import UTC, datetime, timedelta

import pytest

from functions.common import clock


@pytest.fixture(autouse=True)
def _reset():
    clock.reset()
    yield
    clock.reset()


def test_clock_is_utc_and_close_to_real_time():
    now = clock.now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_clock_moves_forward_only():
    before = clock.now()
    after = clock.advance(3600)
    assert after - before >= timedelta(seconds=3600)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.move_to(before)


def test_move_to_a_future_time():
    target = datetime(2030, 1, 1, tzinfo=UTC)
    assert abs(clock.move_to(target) - target) < timedelta(seconds=1)
    with pytest.raises(ValueError):
        clock.move_to(datetime(2031, 1, 1))  # naive

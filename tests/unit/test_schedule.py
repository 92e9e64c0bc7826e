import itertools
from datetime import UTC, datetime, timedelta

from functions.deployment import JOBS, ROUTES, Schedule


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_monthly_schedule_fires_once_on_the_first():
    monthly = Schedule(day_of_month=1, hour=0, minute=30)
    assert monthly.aws_expression() == "cron(30 0 1 * ? *)"
    times = monthly.fire_times(at(2026, 10, 31, 23, 0), at(2026, 12, 15))
    assert times == [at(2026, 11, 1, 0, 30), at(2026, 12, 1, 0, 30)]


def test_fire_window_is_open_at_start_closed_at_end():
    daily = Schedule(hour=3)
    assert daily.fire_times(at(2026, 1, 1, 3), at(2026, 1, 2, 3)) == [at(2026, 1, 2, 3)]
    assert daily.fire_times(at(2026, 1, 1, 3), at(2026, 1, 1, 3)) == []


def test_rate_schedule_fires_on_its_grid():
    every = Schedule(every_minutes=15)
    assert every.aws_expression() == "rate(15 minutes)"
    times = every.fire_times(at(2026, 1, 1, 0, 7), at(2026, 1, 1, 1, 0))
    assert times == [
        at(2026, 1, 1, 0, 15),
        at(2026, 1, 1, 0, 30),
        at(2026, 1, 1, 0, 45),
        at(2026, 1, 1, 1),
    ]
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(times))


def test_route_table_is_unique_and_jobs_are_named_once():
    keys = [route.route_key for route in ROUTES]
    assert len(keys) == len(set(keys))
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))


def test_the_local_scheduler_runs_missed_splits_each_and_daily_jobs_once():
    from functions.common import clock
    from local.scheduler import Scheduler

    clock.reset()
    ran: list[tuple[str, str]] = []
    scheduler = Scheduler(lambda job, event: ran.append((job.name, event["scheduled_at"])))
    start = clock.now()
    clock.move_to(start.replace(day=1, hour=0, minute=0) + timedelta(days=100))
    try:
        scheduler.fire_due()
    finally:
        clock.reset()
    splits = [when for name, when in ran if name == "monthly-split"]
    # One split a month, at the last of its hourly times (owner lookups waited long enough).
    assert len(splits) == 3 and all("-01T06:30:00" in when for when in splits)
    assert [name for name, _ in ran].count("expire-escrow") == 1

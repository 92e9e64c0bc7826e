"""The deployment table: every route and scheduled job, read by the CDK app, the local
gateway and the OpenAPI document. Routes are declared once, where they are served (a
domain's ``routes.py``: its routers' decorators) and gathered here; jobs are declared here.

Each route names the domain folder whose Lambda serves it; each job names the
domain folder whose job entry point runs it and when.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    domain: str
    public: bool = False
    # Open to a browser extension's device token too (``functions/authorizer``), not only
    # to Cognito's JWTs: what an extension needs, and nothing that moves money out.
    devices: bool = False

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Schedule:
    """When a job runs: every ``every_minutes``, or daily/monthly at a fixed UTC time."""

    every_minutes: int | None = None
    day_of_month: int | None = None
    hour: int = 0
    minute: int = 0
    # Fires again every hour after ``hour`` until this one (included), where set.
    until_hour: int | None = None

    @property
    def hours(self) -> range:
        return range(self.hour, (self.until_hour if self.until_hour is not None else self.hour) + 1)

    def aws_expression(self) -> str:
        """The EventBridge Scheduler expression."""
        if self.every_minutes:
            return f"rate({self.every_minutes} minutes)"
        day = str(self.day_of_month) if self.day_of_month else "*"
        hours = f"{self.hour}-{self.until_hour}" if self.until_hour is not None else self.hour
        return f"cron({self.minute} {hours} {day} * ? *)"

    def fire_times(self, after: datetime, until: datetime) -> list[datetime]:
        """Every time in ``(after, until]`` at which this schedule fires."""
        times: list[datetime] = []
        if self.every_minutes:
            step = timedelta(minutes=self.every_minutes)
            start = after.replace(second=0, microsecond=0)
            t = start - timedelta(minutes=start.minute % self.every_minutes)
            while t <= until:
                if t > after:
                    times.append(t)
                t += step
            return times
        day = after.replace(hour=0, minute=0, second=0, microsecond=0)
        while day <= until:
            if self.day_of_month is None or day.day == self.day_of_month:
                for hour in self.hours:
                    t = day.replace(hour=hour, minute=self.minute)
                    if after < t <= until:
                        times.append(t)
            day += timedelta(days=1)
        return times


@dataclass(frozen=True)
class Job:
    name: str
    domain: str
    schedule: Schedule
    # In AWS a fanned-out job runs as a Step Functions state machine over shards
    # (``<name>``'s close, shard and finish steps); locally its job runs them in a pool.
    fan_out: bool = False
    # When a clock jump passes several fire times, run once (the job does not depend on
    # its fire time) or once per day it fired on, at its last time that day (it does: the
    # split of each month).
    every_missed_run: bool = False

    def missed_runs(self, times: list[datetime]) -> list[datetime]:
        """Of the fire times a clock jump passed, those to run."""
        if not self.every_missed_run:
            return times[-1:]
        last_of_day = {t.date(): t for t in times}
        return sorted(last_of_day.values())


# The domains whose Lambdas serve the API; each declares its routes once, by their
# decorators (``common/api.DomainRouter``): read here for the CDK app, the local gateway
# and the OpenAPI document.
API_DOMAINS: tuple[str, ...] = ("track", "payout", "account", "connections", "claim", "payments")


def _declared_routes() -> tuple[Route, ...]:
    routes = []
    for domain in API_DOMAINS:
        for router in importlib.import_module(f"functions.{domain}.routes").routers:
            routes += [
                Route(d.method, d.path, domain, public=d.public, devices=d.devices)
                for d in router.declared
            ]
    return tuple(routes)


ROUTES: tuple[Route, ...] = _declared_routes()

# The REST API v2's paths as its clients write them, with a trailing slash too (its own
# documentation writes ``/things/lookup/?url=``), and its own 404 for a path it does not
# have: every other ``/rest/v2`` request goes to the track Lambda (``common/api`` drops the
# slash, its resolver answers). A route above is more specific and wins (the bulk route's
# authorizer stays).
CATCH_ALL: tuple[Route, ...] = (Route("ANY", "/rest/v2/{proxy+}", "track", public=True),)

JOBS: tuple[Job, ...] = (
    # Every hour of the 1st until 06:30: a month whose flattrs wait for owner lookups is
    # split once they are settled, at most six hours after it ended (core/ownership/settle).
    Job(
        "monthly-split",
        "payout",
        Schedule(day_of_month=1, hour=0, minute=30, until_hour=6),
        fan_out=True,
        every_missed_run=True,
    ),
    Job("expire-escrow", "payout", Schedule(hour=0, minute=10)),
    Job("statement-email", "payout", Schedule(hour=10, minute=0)),
    Job("poll-connections", "connections", Schedule(every_minutes=15)),
    Job("unclaimed-email", "claim", Schedule(hour=9, minute=0)),
    # Cards 3 days, SEPA 10 days before the month ends (functions/payments/monthly.py).
    Job("monthly-top-up", "payments", Schedule(hour=6, minute=0)),
    Job("reconcile-stripe", "payments", Schedule(hour=4, minute=0)),
)

DOMAINS: tuple[str, ...] = tuple(
    sorted({route.domain for route in ROUTES} | {j.domain for j in JOBS})
)

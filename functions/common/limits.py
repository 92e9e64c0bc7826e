"""Limits per day on what one account may ask or one address may receive: a counter per
(limit, whose, UTC day), raised by one atomic conditional update, so that requests at the
same moment from many Lambdas cannot pass it. Whose is a user id or a keyed hash (an
address is never stored); counters expire with their day."""

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
    per_day: int


def take(limit: Limit, whose: str, now: datetime) -> int | None:
    """Count one for ``whose`` today. Answers None when it fits, else the seconds until
    the next UTC day, when it fits again (nothing is counted then)."""
    ensure_bound()
    epoch = int(now.timestamp())
    start = epoch - epoch % DAY
    try:
        RateLimit(f"{limit.name}#{whose}#{start}").update(
            actions=[
                RateLimit.used.add(1),
                RateLimit.expires_at.set(now + timedelta(seconds=2 * DAY)),
            ],
            condition=RateLimit.used.does_not_exist() | (RateLimit.used < limit.per_day),
        )
    except UpdateError as error:
        if condition_failed(error):
            return start + DAY - epoch
        raise
    return None

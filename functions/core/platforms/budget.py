"""Per-app-key request limits (Flickr, Tumblr) shared by every user's polling.

Each limit is a window (an hour, a day) with one counter item; a request first adds one
to every counter, under the condition that it stays within the limit. The poller runs
many connections (and Lambdas) at once, so the counter is in DynamoDB, not in memory.
"""

from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import UpdateError

from functions.common import clock
from functions.common.storage import condition_failed, ensure_bound
from functions.core.platforms.base import AppLimit, RateLimited
from functions.core.platforms.models import AppBudget


class SharedBudget:
    def take(self, platform: str, limits: tuple[AppLimit, ...]) -> None:
        ensure_bound()
        now = clock.now()
        epoch = int(now.timestamp())
        for limit in limits:
            start = epoch - epoch % limit.seconds
            item = AppBudget(f"{platform}#{limit.seconds}#{start}")
            try:
                item.update(
                    actions=[
                        AppBudget.used.add(1),
                        AppBudget.expires_at.set(now + timedelta(seconds=2 * limit.seconds)),
                    ],
                    condition=AppBudget.used.does_not_exist() | (AppBudget.used < limit.requests),
                )
            except UpdateError as error:
                if condition_failed(error):
                    raise RateLimited(start + limit.seconds - epoch) from error
                raise

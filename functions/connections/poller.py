"""The ``poll-connections`` job: likes on connected platforms become activity flattrs.

Each like becomes exactly one flattr (its id is derived from the liked item), and the
connection's cursor advances only after the flattrs are stored, so a poll that crashes
halfway is simply repeated. A refused token marks that connection ``needs_reauth``; a
rate limit postpones it; neither stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import PutError

from functions.common import clock, crypto
from functions.common.hashing import short_hash
from functions.common.months import month_of
from functions.common.storage import condition_failed
from functions.connections import lifecycle, store
from functions.core import flattrs
from functions.core.models import Connection, Flattr
from functions.core.ownership import aliases
from functions.core.platforms.base import Like, NeedsReauth, RateLimited, wait_after
from functions.core.platforms.registry import CONNECTABLE

WINDOW_SECONDS = 15 * 60
logger = Logger(service="connections", child=True)


@dataclass
class PollSummary:
    connections: int = 0
    likes: int = 0
    flattrs: int = 0
    needs_reauth: int = 0
    rate_limited: int = 0
    failed: int = 0


def _flattr_time(like: Like, now: datetime, split: dict[str, bool]) -> datetime:
    """When the like was made, unless that month is already split: then now."""
    at = like.liked_at or now
    month = month_of(at)
    if month not in split:
        split[month] = flattrs.month_is_split(month)
    return now if at > now or split[month] else at


def store_like(
    contributor_id: str, platform: str, like: Like, now: datetime, split: dict[str, bool]
) -> bool:
    """One activity flattr for one liked item, once. False if it existed already."""
    at = _flattr_time(like, now, split)
    flattr_id = flattrs.flattr_id_for(at, f"{contributor_id}|{platform}|like|{like.item_id}")
    flattr = flattrs.new_flattr(contributor_id, flattr_id, like.owner_key, like.url, "activity", at)
    try:
        flattr.save(condition=Flattr.flattr_id.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True


def _spread(connection: Connection) -> int:
    """A stable offset in the window, so connections are not all polled at once."""
    return int(short_hash(f"{connection.user_id}|{connection.platform}")[:6], 16) % WINDOW_SECONDS


def poll_connection(connection: Connection, now: datetime, summary: PollSummary) -> None:
    adapter = CONNECTABLE[connection.platform].at(connection.instance)
    name = lifecycle.token_name(connection.user_id, connection.platform)

    def store_refreshed(token: dict[str, Any]) -> None:
        # First, before the request the refresh was for: some platforms' refresh tokens
        # are single-use, so the old one is spent now and only this one works next time.
        store.keep_token(connection, crypto.seal(token, name))

    token = crypto.open_sealed(connection.token, name) if connection.token else {}
    session = adapter.session(token, on_refresh=store_refreshed)
    now_epoch = int(now.timestamp())
    account = connection.identity.split("#", 1)[1]
    try:
        page = adapter.poll(session, connection.cursor, account)
    except NeedsReauth:
        summary.needs_reauth += 1
        connection.update(actions=[Connection.state.set("needs_reauth")])
        return
    except RateLimited as limited:
        summary.rate_limited += 1
        connection.update(actions=[Connection.next_poll_at.set(now_epoch + limited.retry_after)])
        return
    summary.likes += len(page.likes)
    handles = {(like.owner_handle, like.owner_key) for like in page.likes if like.owner_handle}
    for handle_key, id_key in sorted(handles):  # one write per owner, not per like
        aliases.record(handle_key, id_key, now)
    split: dict[str, bool] = {}  # is a month split already, asked once per poll
    for like in page.likes:
        own = like.owner_key == f"user:{connection.user_id}"
        if not own and store_like(connection.user_id, connection.platform, like, now, split):
            summary.flattrs += 1
    # Only now that every flattr is stored does the cursor move on.
    next_poll = now_epoch + WINDOW_SECONDS - 60 + _spread(connection) // 15
    next_poll = max(next_poll, now_epoch + wait_after(session))  # a spent rate limit
    actions: list[Any] = [Connection.next_poll_at.set(next_poll)]
    if page.cursor is not None:
        actions.append(Connection.cursor.set(page.cursor))
    connection.update(actions=actions)


def poll_connections(event: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    summary = PollSummary()
    for connection in store.due_for_polling(int(now.timestamp())):
        summary.connections += 1
        try:
            poll_connection(connection, now, summary)
        except Exception as error:
            # One broken connection does not stop the others; it is logged (the platform
            # and the error's type only: messages can carry URLs) and tried again next window.
            summary.failed += 1
            logger.error(
                "polling a connection failed",
                extra={"platform": connection.platform, "error_type": type(error).__name__},
            )
    return vars(summary)

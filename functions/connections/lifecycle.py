"""A connection's life: made when a connect flow finishes, ended by ``DELETE
/v1/connections/{platform}`` or by account deletion (its token revoked at the platform
where it allows, then the connection and its claim on the platform account deleted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests
from aws_lambda_powertools import Logger

from functions.common import crypto
from functions.connections import notices, store
from functions.connections.models import OAuthState
from functions.core.models import Connection
from functions.core.ownership.proofs import record_handle
from functions.core.platforms.base import Connected
from functions.core.platforms.registry import CONNECTABLE

logger = Logger(service="connections", child=True)


def token_name(user_id: str, platform: str) -> str:
    """The encryption context a connection's token is sealed under."""
    return f"{user_id}/{platform}"


def connect(pending: OAuthState, connected: Connected, now: datetime) -> Connection:
    """Store the connection a finished flow made. Proving control at the platform again,
    from the browser that started the flow, outranks an older connection of another
    user: the account moves, and its previous holder is told (nobody stays locked out of
    their own account)."""
    platform = str(pending.platform)
    token = connected.token
    connection = Connection(
        pending.user_id,
        platform,
        identity=f"{platform}#{connected.identity.stable_id}",
        handle=connected.identity.handle,
        state="active",
        auto_flattr=False,
        token=crypto.seal(token, token_name(pending.user_id, platform)) if token else None,
        next_poll_at=0,
        connected_at=now,
        instance=pending.instance,
    )
    try:
        store.save(connection)
    except store.TakenByAnother:
        previous_user = store.move(connection, now)
        notices.tell_moved(previous_user, connection)
    record_handle(connection, now)
    return connection


def set_auto_flattr(connection: Connection, on: bool, now: datetime) -> None:
    """Turn auto-flattr on or off. Likes count from the moment it is turned on, not the
    account's whole history: the cursor starts now, and the next poll is due at once."""
    actions: list[Any] = [Connection.auto_flattr.set(on)]
    if on and not connection.auto_flattr:
        start = CONNECTABLE[connection.platform].at(connection.instance).start_cursor(now)
        actions.append(Connection.cursor.set(start) if start else Connection.cursor.remove())
        actions.append(Connection.next_poll_at.set(0))
    connection.update(actions=actions)


def disconnect(connection: Connection) -> None:
    adapter = CONNECTABLE[connection.platform].at(connection.instance)
    if connection.token:
        token = crypto.open_sealed(
            connection.token, token_name(connection.user_id, connection.platform)
        )
        try:
            adapter.revoke(token)
        except requests.RequestException:
            # The platform is unreachable: the token is deleted here all the same.
            logger.warning("token revocation failed", extra={"platform": connection.platform})
    store.delete(connection)

"""Storage of connections: one per (user, platform); one platform account, one user."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from functions.common.models import Connection
from functions.common.storage import ensure_bound


def connections_of(user_id: str) -> list[Connection]:
    ensure_bound()
    return list(Connection.query(user_id))


def get(user_id: str, platform: str) -> Connection | None:
    ensure_bound()
    try:
        return Connection.get(user_id, platform)
    except DoesNotExist:
        return None


def owner_of_identity(identity: str) -> str | None:
    """The user who connected this platform account, if anyone has."""
    ensure_bound()
    for item in Connection.by_identity.query(identity):
        return str(item.user_id)
    return None


def due_for_polling(now_epoch: int) -> list[Connection]:
    ensure_bound()
    return [
        c
        for c in Connection.scan(
            (Connection.auto_flattr == True)  # noqa: E712 - a DynamoDB condition
            & (Connection.state == "active")
            & (Connection.next_poll_at <= now_epoch)
        )
    ]

"""Storage of connections: one per (user, platform); one platform account, one user."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from functions.common.models import ConnectedIdentity, Connection
from functions.common.storage import ensure_bound, transact_write


def connections_of(user_id: str) -> list[Connection]:
    ensure_bound()
    return list(Connection.query(user_id))


def get(user_id: str, platform: str) -> Connection | None:
    ensure_bound()
    try:
        return Connection.get(user_id, platform)
    except DoesNotExist:
        return None


class TakenByAnother(Exception):
    """The platform account is connected by another user."""


def save(connection: Connection) -> None:
    """Store ``connection`` and claim its identity in one transaction: of two users
    connecting the same platform account, one gets it. A user who reconnects the platform
    with another account releases the old one."""
    ensure_bound()
    previous = get(connection.user_id, connection.platform)
    try:
        with transact_write() as transaction:
            transaction.save(
                ConnectedIdentity(connection.identity, user_id=connection.user_id),
                condition=ConnectedIdentity.identity.does_not_exist()
                | (ConnectedIdentity.user_id == connection.user_id),
            )
            transaction.save(connection)
            if previous is not None and previous.identity != connection.identity:
                transaction.delete(ConnectedIdentity(previous.identity))
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise TakenByAnother(connection.identity) from error
        raise


def delete(connection: Connection) -> None:
    """Forget the connection and release its identity, together."""
    ensure_bound()
    with transact_write() as transaction:
        transaction.delete(connection)
        transaction.delete(
            ConnectedIdentity(connection.identity),
            condition=ConnectedIdentity.user_id == connection.user_id,
        )


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

"""Storage of connections: one per (user, platform); one platform account, one user."""

from __future__ import annotations

import time
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from functions.common.storage import ensure_bound, transact_write
from functions.connections.models import ConnectedIdentity
from functions.core.models import Connection, Recipient
from functions.core.ownership.proofs import proven_by

MOVE_ATTEMPTS = 3


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


def move(connection: Connection, now: datetime) -> str:
    """The platform account of ``connection`` is connected by another user, and
    ``connection.user_id`` has just proved control of it at the platform: the connection
    moves to them, with the recipients the previous user had claimed through it (later
    flattrs and escrow not yet moved follow ``claimed_by``; money already moved stays).
    Answers the previous user's id."""
    ensure_bound()
    for attempt in range(MOVE_ATTEMPTS):
        holder = ConnectedIdentity.get(connection.identity)
        previous_user = str(holder.user_id)
        if previous_user == connection.user_id:
            save(connection)
            return previous_user
        theirs = get(previous_user, connection.platform)
        mine = get(connection.user_id, connection.platform)
        claimed = [
            r
            for r in Recipient.batch_get(sorted(proven_by(connection)))
            if r.claimed_by == previous_user
        ]
        try:
            with transact_write() as transaction:
                transaction.save(
                    ConnectedIdentity(connection.identity, user_id=connection.user_id),
                    condition=ConnectedIdentity.user_id == previous_user,
                )
                transaction.save(connection)
                if theirs is not None and theirs.identity == connection.identity:
                    transaction.delete(theirs, condition=Connection.identity == theirs.identity)
                if mine is not None and mine.identity != connection.identity:
                    transaction.delete(ConnectedIdentity(mine.identity))
                for recipient in claimed:
                    transaction.update(
                        recipient,
                        actions=[
                            Recipient.claimed_by.set(connection.user_id),
                            Recipient.claimed_at.set(now),
                        ],
                        condition=Recipient.claimed_by == previous_user,
                    )
        except TransactWriteError:
            if attempt == MOVE_ATTEMPTS - 1:
                raise
            continue  # changed meanwhile (another move, a disconnect): read again
        return previous_user
    raise AssertionError("unreachable")


def keep_token(connection: Connection, sealed: str, attempts: int = 5) -> None:
    """Store a refreshed token, retrying what DynamoDB refuses for a moment (throttling):
    with a single-use refresh token, a refreshed token that is not stored ends the
    connection."""
    ensure_bound()
    for attempt in range(attempts):
        try:
            connection.update(actions=[Connection.token.set(sealed)])
            return
        except UpdateError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)


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

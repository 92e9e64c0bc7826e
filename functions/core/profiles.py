"""Usernames: unique (case-insensitive), and never another account's for a year after they
are released (changed, or the account deleted). Taken in the transaction that sets the
user's own, so of two people asking for one name at once exactly one gets it."""

from __future__ import annotations

import re
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from functions.common import clock
from functions.common.errors import Conflict, Invalid
from functions.common.storage import ensure_bound, transact_write
from functions.core.models import User, Username

USERNAME = re.compile(r"^[a-z0-9_-]{3,30}$")
KEPT_AFTER_RELEASE = timedelta(days=365)


def normal(username: str) -> str:
    """``username`` as stored (lower case), or ``Invalid`` naming the field."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise Invalid("3 to 30 of a-z, 0-9, _ and -", field="body.username")
    return name


def _released(item: Username) -> Username:
    now = clock.now()
    item.released_at = now
    item.expires_at = now + KEPT_AFTER_RELEASE
    return item


def take(user: User, username: str) -> str:
    """Give ``user`` the name ``username`` (releasing their old one); ``Conflict`` when it
    is someone else's, or was within the last year."""
    ensure_bound()
    name = normal(username)
    old = user.username
    if old == name:
        return name
    try:
        with transact_write() as transaction:
            transaction.save(
                Username(name, user_id=user.user_id),
                # Free, one's own, or released more than a year ago (the TTL removes such
                # an item within days of that; until then this says it is free).
                condition=Username.username.does_not_exist()
                | (Username.user_id == user.user_id)
                | (Username.released_at < clock.now() - KEPT_AFTER_RELEASE),
            )
            transaction.update(user, actions=[User.username.set(name)])
            if old:
                transaction.save(
                    _released(Username(old, user_id=user.user_id)),
                    condition=Username.user_id == user.user_id,
                )
    except TransactWriteError as error:
        raise Conflict(
            "someone else has it, or had it within a year",
            field="body.username",
            slug="username-taken",
        ) from error
    user.username = name
    return name


def release(user_id: str, username: str | None) -> None:
    """The account is deleted: its name stays out of others' reach for a year."""
    if not username:
        return
    ensure_bound()
    try:
        item = Username.get(username)
    except DoesNotExist:
        return
    if item.user_id == user_id and item.released_at is None:
        _released(item).save()


def owner(username: str) -> str | None:
    """Whose public page ``username`` is (None: nobody's now, or released)."""
    ensure_bound()
    try:
        item = Username.get(username.lower())
    except DoesNotExist:
        return None
    return None if item.released_at is not None else item.user_id

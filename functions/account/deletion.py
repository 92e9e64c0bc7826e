"""Deleting an account: an event each domain handles for its own data.

``DELETE /v1/me`` writes the tombstone (from then on no request of the user's tokens
recreates anything) and queues the deletion for the payments worker, which lets the
account's money leave first (refunds, the last withdrawal, the monthly top-up stopped:
``payments/personal.py``), then announces ``account-deleted`` on a topic that every
domain's queue is subscribed to. Each domain erases its own tables (its
``personal.erase``); this one the records domains share: the flattrs, the recipients the
user held (released: later flattrs to them are held as unclaimed again), the devices, the
profile and, last, the sign-in. Every step finds what a first try did, so SQS may retry
any of them.

The money records stay (ledger entries, statements, escrow rows): they are keyed by the
user's random id, which nothing links to a person once the profile (with its email), the
flattrs (with their URLs), the connections and the domains are gone.
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

import boto3
from pynamodb.exceptions import DoesNotExist

from functions.account import apps
from functions.common import clock, deletions, events
from functions.common.clock import rfc3339
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.common.storage import delete_all, ensure_bound
from functions.core import avatars, devices, grants, identity, profiles
from functions.core.models import Flattr, Pledge, Recipient, User
from functions.core.ownership.directory import held_by

logger = make_logger("account")


def delete(claims: dict[str, Any]) -> None:
    """The request: the tombstone, and the deletion queued for the payments worker with
    what its money's leaving needs of the sign-in (who, and when they signed in: money
    leaves an account only within ten minutes of a TOTP sign-in, judged as of now)."""
    ensure_bound()
    user_id = str(claims["sub"])
    deletions.mark_deleted(user_id, clock.now())
    events.send(
        settings().account_leaving_queue_url,
        events.ACCOUNT_LEAVING,
        {
            "user_id": user_id,
            "username": identity.username(claims),
            "auth_time": claims.get("auth_time"),
            "asked_at": rfc3339(clock.now()),
        },
    )


def _release_recipients(user_id: str) -> int:
    released = 0
    for recipient in held_by(user_id):
        actions: list[Any] = []
        if recipient.claimed_by == user_id:
            actions += [Recipient.claimed_by.remove(), Recipient.claimed_at.remove()]
        if recipient.declared_user == user_id:
            actions.append(Recipient.declared_user.remove())
        recipient.update(actions=actions)
        released += 1
    return released


@cache
def _cognito() -> Any:
    return boto3.client("cognito-idp")


def _delete_sign_in(user_id: str, username: str | None) -> None:
    pool = settings().user_pool_id  # required at the account worker's cold start
    for name in dict.fromkeys(filter(None, (username, user_id))):
        try:
            _cognito().admin_delete_user(UserPoolId=pool, Username=name)
            return
        except _cognito().exceptions.UserNotFoundException:
            continue


def _delete_apps(user_id: str) -> int:
    """The apps the person registered, and every token they hold."""
    mine = apps.mine(user_id)
    for app in mine:
        apps.delete(user_id, app.client_id)
    return len(mine)


def erase(body: dict[str, Any]) -> dict[str, int]:
    """``account-deleted``: the shared records of the user go (answers how many)."""
    ensure_bound()
    user_id = str(body["user_id"])
    erased = {
        "recipients_released": _release_recipients(user_id),
        "flattrs": delete_all(Flattr.query(user_id), Flattr),
        "pledges": delete_all(Pledge.query(user_id), Pledge),
        "devices": devices.revoke_all(user_id),
        "app_tokens": grants.revoke_all_of(user_id),
        "apps": _delete_apps(user_id),
    }
    with contextlib.suppress(DoesNotExist):
        user = User.get(user_id)
        profiles.release(user_id, user.username)  # kept from others for a year
        user.delete()
    avatars.remove(user_id)
    _delete_sign_in(user_id, body.get("username"))
    logger.info("account erased", extra=erased)
    return erased

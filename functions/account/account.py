"""A user's own data: all of it as one JSON document, and the account's deletion.

Deletion keeps the money records (ledger entries, statements, escrow rows): they are keyed
by the user's random id, which nothing links to a person once the profile (with its email),
the flattrs (with their URLs), the connections and the domains are gone. Recipients the user
had claimed are released: later flattrs to them are held as unclaimed again.

The records shared by domains (``core``) are exported and erased here; each domain's own
tables by that domain (its ``personal`` module: ``export``, ``erase``).
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

import boto3
from pynamodb.exceptions import DoesNotExist

from functions.claim import personal as claim_data
from functions.common import clock, deletions
from functions.common.clock import rfc3339
from functions.common.money import money
from functions.common.settings import settings
from functions.common.storage import delete_all, ensure_bound
from functions.connections import personal as connections_data
from functions.core import devices, ledger
from functions.core.models import Escrow, Flattr, LedgerItem, Recipient, User
from functions.payments import personal as payments_data
from functions.track import personal as track_data


def _ledger_account(account: str) -> dict[str, Any]:
    return {
        "balance": money(ledger.balance(account)),
        "entries": [
            {
                "entry": item.sk,
                "amount": money(int(item.amount)),
                "kind": item.kind,
                "month": item.month,
                "ref": item.ref,
                "flattrs": item.flattrs,
                "created_at": rfc3339(item.created_at),
            }
            for item in ledger.entries(account)
        ],
    }


def _recipients_of(user_id: str) -> list[Recipient]:
    return list(
        Recipient.scan((Recipient.claimed_by == user_id) | (Recipient.declared_user == user_id))
    )


def _profile(user_id: str) -> dict[str, Any] | None:
    try:
        user = User.get(user_id)
    except DoesNotExist:
        return None
    return {
        "user_id": user.user_id,
        "email": user.email,
        "time_zone": user.time_zone,
        "monthly_budget": money(int(user.monthly_budget)),
        "created_at": rfc3339(user.created_at),
    }


def _flattrs(user_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f.flattr_id,
            "url": f.url,
            "title": f.title,
            "recipient": f.recipient,
            "source": f.source,
            "created_at": rfc3339(f.created_at),
            "month": f.month,
        }
        for f in Flattr.query(user_id)
    ]


def _money(user_id: str) -> dict[str, Any]:
    return {
        "contributor": _ledger_account(ledger.contributor_account(user_id)),
        "creator": _ledger_account(ledger.creator_account(user_id)),
        "statements": [
            item.attribute_values | {"created_at": rfc3339(item.attribute_values.get("created_at"))}
            for item in LedgerItem.query(f"statement#{user_id}")
        ],
        "held_for_unclaimed": [
            {
                "recipient": row.recipient,
                "month": row.month_contributor.split("#", 1)[0],
                "amount": money(int(row.amount)),
                "flattrs": int(row.flattrs),
                "expires_month": row.expires_month,
            }
            for row in Escrow.by_contributor.query(user_id)
        ],
    }


def export(user_id: str) -> dict[str, Any]:
    """Everything stored about ``user_id``, as one document: the shared records here, each
    domain's own from that domain (its ``personal`` module)."""
    ensure_bound()
    return {
        "user": _profile(user_id),
        "flattrs": _flattrs(user_id),
        **track_data.export(user_id),
        **connections_data.export(user_id),
        **claim_data.export(user_id),
        "claimed_recipients": sorted(r.recipient for r in _recipients_of(user_id)),
        "money": _money(user_id),
        **payments_data.export(user_id),
    }


def _release_recipients(user_id: str) -> int:
    released = 0
    for recipient in _recipients_of(user_id):
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


def _delete_sign_in(user_id: str, email: str | None) -> None:
    pool = settings().user_pool_id  # required at the account Lambda's cold start
    for username in filter(None, (email, user_id)):
        try:
            _cognito().admin_delete_user(UserPoolId=pool, Username=username)
            return
        except _cognito().exceptions.UserNotFoundException:
            continue


def delete(claims: dict[str, Any]) -> dict[str, int]:
    """Everything but the money records goes; answers what was deleted. Money leaves first
    where it can (the payments domain); then the tombstone: from then on no request of
    this user's tokens recreates anything. Each domain erases its own data."""
    ensure_bound()
    user_id, email = str(claims["sub"]), claims.get("email")
    money_out = payments_data.leave(claims)
    deletions.mark_deleted(user_id, clock.now())
    deleted = {
        **connections_data.erase(user_id),
        "recipients_released": _release_recipients(user_id),
        "flattrs": delete_all(Flattr.query(user_id), Flattr),
        **track_data.erase(user_id),
        **claim_data.erase(user_id),
        "devices": devices.revoke_all(user_id),
        **money_out,
    }
    with contextlib.suppress(DoesNotExist):
        User.get(user_id).delete()
    _delete_sign_in(user_id, str(email) if email else None)
    return deleted

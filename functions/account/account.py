"""A user's own data: all of it as one JSON document, and the account's deletion.

Deletion keeps the money records (ledger entries, statements, escrow rows): they are keyed
by the user's random id, which nothing links to a person once the profile (with its email),
the flattrs (with their URLs), the connections and the domains are gone. Recipients the user
had claimed are released: later flattrs to them are held as unclaimed again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from functools import cache
from typing import Any

import boto3
from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.models import Model

from functions.common import clock, deletions
from functions.common.clock import rfc3339
from functions.common.models import (
    ActivityItem,
    Connection,
    DomainClaim,
    DonorNotice,
    Escrow,
    Flattr,
    LedgerItem,
    MonthlyTopUp,
    PayIn,
    PayoutAccount,
    ProvenEmail,
    Recipient,
    Refund,
    User,
    VerifiedDomain,
    Withdrawal,
)
from functions.common.money import money
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.connections import lifecycle
from functions.core import devices, ledger
from functions.core.ownership import aliases, proofs
from functions.payments import leaving


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


def _connections(user_id: str) -> list[dict[str, Any]]:
    return [
        {
            "platform": c.platform,
            "handle": c.handle,
            "server": c.instance,
            "state": c.state,
            "auto_flattr": bool(c.auto_flattr),
            "connected_at": rfc3339(c.connected_at),
        }
        for c in Connection.query(user_id)
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


def _record(item: Model, *names: str) -> dict[str, Any]:
    values = item.attribute_values
    return {
        name: rfc3339(values.get(name)) if name.endswith("_at") else values.get(name)
        for name in names
    }


def _payments(user_id: str) -> dict[str, Any]:
    """Money in and out through Stripe: pay-ins, refunds, withdrawals, the payout account
    and the monthly top-up (Stripe's ids, states and amounts in cents; no card numbers:
    Stripe keeps those)."""
    payout = next(iter(PayoutAccount.query(user_id)), None)
    monthly = next(iter(MonthlyTopUp.query(user_id)), None)
    return {
        "payins": [
            _record(p, "payin_id", "kind", "method", "amount_cents", "fee_cents", "state")
            | {"created_at": rfc3339(p.created_at), "history": list(p.history or [])}
            for p in PayIn.by_user.query(user_id)
        ],
        "refunds": [
            _record(r, "refund_id", "amount_cents", "state", "created_at") | {"parts": r.parts}
            for r in Refund.by_user.query(user_id)
        ],
        "withdrawals": [
            _record(w, "withdrawal_id", "amount_cents", "state", "failure", "created_at")
            for w in Withdrawal.by_user.query(user_id)
        ],
        "payout_account": _record(
            payout, "account_id", "details_submitted", "payouts_enabled", "deauthorized_at"
        )
        if payout
        else None,
        "monthly_top_up": _record(monthly, "method", "state", "stopped_reason", "created_at")
        if monthly
        else None,
    }


def export(user_id: str) -> dict[str, Any]:
    """Everything stored about ``user_id``, as one document."""
    ensure_bound()
    return {
        "user": _profile(user_id),
        "flattrs": _flattrs(user_id),
        # Attention and visits that earned no flattr: only keyed hashes, and their expiry.
        "activity": [
            {"key": item.item_key, "expires_at": rfc3339(item.expires_at)}
            for item in ActivityItem.query(user_id)
        ],
        "connections": _connections(user_id),
        "domains": [
            {"domain": d.domain, "verified_at": rfc3339(d.verified_at)}
            for d in DomainClaim.by_user.query(user_id)
        ],
        # Addresses proven: by their recipient key (the address itself is not kept).
        "proven_addresses": [
            {"recipient": p.recipient, "proven_at": rfc3339(p.proven_at)}
            for p in ProvenEmail.query(user_id)
        ],
        "claimed_recipients": sorted(r.recipient for r in _recipients_of(user_id)),
        "money": _money(user_id),
        "payments": _payments(user_id),
        "notices_pending": [
            {"recipient": n.recipient, "amount": money(int(n.amount))}
            for n in DonorNotice.query(user_id)
        ],
    }


def _delete_all(items: Iterable[Model], model: type[Model]) -> int:
    count = 0
    with model.batch_write() as batch:
        for item in items:
            batch.delete(item)
            count += 1
    return count


def _release_domains(user_id: str) -> int:
    """The user's domain claims go, and the domains they verified are free again."""
    claims = list(DomainClaim.by_user.query(user_id))
    for claim in claims:
        if claim.verified_at is not None:
            with contextlib.suppress(DeleteError):  # verified by nobody, or by someone else
                VerifiedDomain(claim.domain).delete(condition=VerifiedDomain.user_id == user_id)
    return _delete_all(claims, DomainClaim)


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
    where it can (``payments.leaving``); then the tombstone: from then on no request of
    this user's tokens recreates anything."""
    ensure_bound()
    user_id, email = str(claims["sub"]), claims.get("email")
    money_out = leaving.leave(claims)
    deletions.mark_deleted(user_id, clock.now())
    connections = list(Connection.query(user_id))
    forgotten = 0
    for connection in connections:
        lifecycle.disconnect(connection)
        forgotten += aliases.forget_account(proofs.id_key(connection))
    released = 0
    for recipient in _recipients_of(user_id):
        actions: list[Any] = []
        if recipient.claimed_by == user_id:
            actions += [Recipient.claimed_by.remove(), Recipient.claimed_at.remove()]
        if recipient.declared_user == user_id:
            actions.append(Recipient.declared_user.remove())
        recipient.update(actions=actions)
        released += 1
    deleted = {
        "connections": len(connections),
        "handle_aliases": forgotten,
        "recipients_released": released,
        "flattrs": _delete_all(Flattr.query(user_id), Flattr),
        "activity": _delete_all(ActivityItem.query(user_id), ActivityItem),
        "domains": _release_domains(user_id),
        "addresses": _delete_all(ProvenEmail.query(user_id), ProvenEmail),
        "notices": _delete_all(DonorNotice.query(user_id), DonorNotice),
        "devices": devices.revoke_all(user_id),
        **money_out,
    }
    with contextlib.suppress(DoesNotExist):
        User.get(user_id).delete()
    _delete_sign_in(user_id, str(email) if email else None)
    return deleted

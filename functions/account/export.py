"""A user's own data, all of it as one JSON document (``GET /v1/me/export``): the records
domains share (``core``) read here, each domain's own tables by that domain (its
``personal.export``).
"""

from __future__ import annotations

import base64
from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.account import apps as registered_apps
from functions.claim import personal as claim_data
from functions.common import currencies
from functions.common.clock import rfc3339
from functions.common.currencies import CODES
from functions.common.money import money
from functions.common.storage import ensure_bound
from functions.connections import personal as connections_data
from functions.core import avatars, grants, ledger, users
from functions.core.models import Escrow, Flattr, LedgerItem, Pledge, User
from functions.core.ownership.directory import held_by
from functions.payments import personal as payments_data
from functions.track import personal as track_data


def _ledger_account(account: str) -> dict[str, Any]:
    currency = ledger.currency_of(account)[0]
    return {
        "balance": money(ledger.balance(account), currency),
        "entries": [
            {
                "entry": item.sk,
                "amount": money(int(item.amount), currency),
                "kind": item.kind,
                "month": item.month,
                "ref": item.ref,
                "flattrs": item.flattrs,
                "created_at": rfc3339(item.created_at),
            }
            for item in ledger.entries(account)
        ],
    }


def _profile(user_id: str) -> dict[str, Any] | None:
    try:
        user = User.get(user_id)
    except DoesNotExist:
        return None
    own = currencies.of(user.currency)
    return {
        "user_id": user.user_id,
        "email": user.email,
        "time_zone": user.time_zone,
        "currency": own,
        "monthly_budget": money(int(user.monthly_budget), own),
        "created_at": rfc3339(user.created_at),
        "money_emails": user.money_emails is not False,
        # The public page, and the picture on it as we keep it.
        "username": user.username,
        "display_name": user.display_name,
        "description": user.description,
        "public_income": bool(user.public_income),
        "goal": money(int(user.goal), own) if user.goal else None,
        "avatar": _avatar(user_id) if user.avatar else None,
    }


def _avatar(user_id: str) -> dict[str, str] | None:
    kept = avatars.of(user_id)
    if kept is None:
        return None
    return {
        "content_type": str(kept.content_type),
        "base64": base64.b64encode(bytes(kept.image)).decode(),
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
            "app": f.app,  # the app that made it (the Flattr REST API v2), if one did
        }
        for f in Flattr.query(user_id)
    ]


def _in_currency(user_id: str, currency: str) -> dict[str, Any]:
    return {
        "contributor": _ledger_account(ledger.contributor_account(user_id, currency)),
        "creator": _ledger_account(ledger.creator_account(user_id, currency)),
    }


def _used(accounts: dict[str, Any]) -> bool:
    return bool(accounts["contributor"]["entries"] or accounts["creator"]["entries"])


def _money(user_id: str, own: str) -> dict[str, Any]:
    """The person's accounts in their own currency, and in any other that holds entries
    (earnings in several currencies, or a balance from before they changed theirs)."""
    others = [_in_currency(user_id, c) | {"currency": c} for c in CODES if c != own]
    return {
        **_in_currency(user_id, own),
        "other_currencies": [
            o for o in others if o["contributor"]["entries"] or o["creator"]["entries"]
        ],
        "statements": [
            item.attribute_values | {"created_at": rfc3339(item.attribute_values.get("created_at"))}
            for item in LedgerItem.query(f"statement#{user_id}")
        ],
        "held_for_unclaimed": [
            {
                "recipient": row.recipient,
                "month": row.given_in(),
                "amount": money(int(row.amount), currencies.of(row.currency)),
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
    own = users.currency_of(user_id)
    return {
        "user": _profile(user_id),
        "flattrs": _flattrs(user_id),
        "pledges": [
            {
                "id": p.pledge_id,
                "recipient": p.recipient,
                "amount": money(int(p.amount), own),
                "created_at": rfc3339(p.created_at),
            }
            for p in Pledge.query(user_id)
        ],
        **track_data.export(user_id),
        **connections_data.export(user_id),
        **claim_data.export(user_id),
        "claimed_recipients": sorted(r.recipient for r in held_by(user_id)),
        "money": _money(user_id, own),
        **payments_data.export(user_id),
        **_apps(user_id),
    }


def _apps(user_id: str) -> dict[str, Any]:
    """The apps the person registered (no secret: only its hash is kept) and the apps they
    allowed (no token: likewise)."""
    return {
        "apps_registered": [
            {
                "client_id": app.client_id,
                "name": app.name,
                "redirect_uris": list(app.redirect_uris),
                "website": app.website,
                "public": bool(app.public),
                "created_at": rfc3339(app.created_at),
            }
            for app in registered_apps.mine(user_id)
        ],
        "apps_allowed": [
            {
                "client_id": allowed.client_id,
                "scopes": allowed.scopes,
                "allowed_at": rfc3339(allowed.allowed_at),
                "last_used_at": rfc3339(allowed.last_used_at),
            }
            for allowed in grants.allowed(user_id)
        ],
    }

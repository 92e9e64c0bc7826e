"""Apps' access tokens (the Flattr REST API v2): opaque, 256 bits, shown once and stored
as their SHA-256; they never expire (v2's clients never refresh) but are revoked one by one
(RFC 7009), all of an app for a person (the account page), all of an app (its developer
deletes it) or all that one authorization code gave (the code used a second time). Issued by
the account domain's authorization server; read by the authorizer and the v2 routes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from functions.common import clock
from functions.common.storage import delete_all, ensure_bound, note_use
from functions.core.models import AppGrant

PREFIX = "fa_"
TOUCH_EVERY = timedelta(hours=1)  # "last used" to the hour: one write an hour at most


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def save(
    token: str,
    user_id: str,
    client_id: str,
    scopes: list[str],
    code_hash: str | None,
    client_name: str | None = None,
) -> None:
    """Keep ``token`` (as its hash) for ``client_id`` (named ``client_name``: its flattrs
    say so) acting for ``user_id``."""
    ensure_bound()
    grant = AppGrant(
        token_hash(token),
        user_id=user_id,
        client_id=client_id,
        scopes=" ".join(sorted(set(scopes))),
        code_hash=code_hash,
        client_name=client_name,
        created_at=clock.now(),
    )
    grant.save(condition=AppGrant.token_hash.does_not_exist())


def find(token: str) -> AppGrant | None:
    if not token.startswith(PREFIX):
        return None
    ensure_bound()
    try:
        return AppGrant.get(token_hash(token))
    except DoesNotExist:
        return None


def of(token: str) -> AppGrant | None:
    """The grant ``token`` stands for, its last use noted to the hour; None if revoked or
    never issued."""
    grant = find(token)
    if grant is None:
        return None
    if not note_use(grant, AppGrant.last_used_at, AppGrant.token_hash, TOUCH_EVERY):
        return None  # revoked this very moment
    return grant


@dataclass(frozen=True)
class Allowed:
    """An app a person allowed: its scopes (all its tokens'), first and last use."""

    client_id: str
    scopes: list[str]
    allowed_at: datetime
    last_used_at: datetime | None


def allowed(user_id: str) -> list[Allowed]:
    ensure_bound()
    apps: dict[str, list[AppGrant]] = {}
    for grant in AppGrant.by_user.query(user_id):
        apps.setdefault(grant.client_id, []).append(grant)
    found = []
    for client_id, grants in apps.items():
        used = [g.last_used_at for g in grants if g.last_used_at is not None]
        found.append(
            Allowed(
                client_id,
                sorted({s for g in grants for s in g.scopes.split()}),
                min(g.created_at for g in grants),
                max(used) if used else None,
            )
        )
    return sorted(found, key=lambda a: a.allowed_at, reverse=True)


def revoke(token: str) -> None:
    """RFC 7009: the token ends; an unknown one is no error."""
    ensure_bound()
    AppGrant(token_hash(token)).delete()


def revoke_for_user(user_id: str, client_id: str) -> int:
    """Every token ``client_id`` holds for ``user_id``; answers how many ended."""
    ensure_bound()
    return delete_all(AppGrant.by_user.query(user_id, AppGrant.client_id == client_id), AppGrant)


def revoke_all_of(user_id: str) -> int:
    """Every app's tokens for ``user_id`` (the account is deleted)."""
    ensure_bound()
    return delete_all(AppGrant.by_user.query(user_id), AppGrant)


def revoke_client(client_id: str) -> int:
    """Every token of ``client_id`` (its developer deleted it)."""
    ensure_bound()
    return delete_all(AppGrant.by_client.query(client_id), AppGrant)


def revoke_code(code_hash: str) -> int:
    """What an authorization code gave (it was used a second time: RFC 6749, 4.1.2)."""
    ensure_bound()
    return delete_all(AppGrant.by_code.query(code_hash), AppGrant)

"""Apps that developers register for the Flattr REST API v2: a name, the exact redirect
URIs it may send people back to (HTTPS, a loopback address or an app's own scheme such as
``gpodder://``: RFC 8252), a website, and a client secret shown once and kept as its hash;
a public app (a player on a phone cannot keep a secret) has none and must use PKCE."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from pynamodb.exceptions import DoesNotExist

from functions.account.models import App
from functions.common import clock
from functions.common.errors import Invalid, Missing
from functions.common.storage import ensure_bound
from functions.core import grants

MAX_REDIRECT_URIS = 10
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
# Schemes that are no app's own: a browser would open or run them.
NOT_AN_APP = frozenset(
    {"http", "https", "javascript", "data", "file", "vbscript", "about", "blob", "ftp", "ws",
     "wss", "mailto", "tel", "chrome", "view-source", "intent", "filesystem"}
)  # fmt: skip
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def redirect_uri(uri: str) -> str:
    """``uri`` if an app may be sent back to it, else ``Invalid`` naming the field."""
    text = uri.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    refused = Invalid(
        "an https address, a loopback http address, or the app's own scheme (gpodder://…), "
        "without a fragment",
        field="body.redirect_uris",
    )
    if not SCHEME.match(scheme) or parts.fragment or "#" in text or len(text) > 500:
        raise refused
    if scheme == "https" and parts.hostname:
        return text
    if scheme == "http" and (parts.hostname or "") in LOOPBACK:
        return text  # a desktop app listening on the loopback address (RFC 8252, 7.3)
    if scheme not in NOT_AN_APP and (parts.netloc or parts.path):
        return text  # the app's own scheme (RFC 8252, 7.1)
    raise refused


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Registered:
    app: App
    secret: str | None  # shown this once; None for a public app


def register(
    owner_id: str, name: str, redirect_uris: list[str], website: str | None, public: bool
) -> Registered:
    ensure_bound()
    uris = list(dict.fromkeys(redirect_uri(u) for u in redirect_uris))
    if not uris or len(uris) > MAX_REDIRECT_URIS:
        raise Invalid(f"1 to {MAX_REDIRECT_URIS} addresses", field="body.redirect_uris")
    secret = None if public else secrets.token_urlsafe(32)
    app = App(
        secrets.token_urlsafe(18),
        owner_id=owner_id,
        name=name.strip(),
        redirect_uris=uris,
        website=website or None,
        public=public,
        secret_hash=_hash(secret) if secret else None,
        created_at=clock.now(),
    )
    app.save(condition=App.client_id.does_not_exist())
    return Registered(app, secret)


def find(client_id: str) -> App | None:
    ensure_bound()
    try:
        return App.get(client_id)
    except DoesNotExist:
        return None


def named(client_ids: list[str]) -> dict[str, App]:
    """The apps of ``client_ids`` that still exist, by id."""
    ensure_bound()
    return {app.client_id: app for app in App.batch_get(sorted(set(client_ids)))}


def secret_matches(app: App, secret: str | None) -> bool:
    if app.secret_hash is None or not secret:
        return False
    return hmac.compare_digest(app.secret_hash, _hash(secret))


def mine(owner_id: str) -> list[App]:
    ensure_bound()
    return sorted(App.by_owner.query(owner_id), key=lambda a: a.created_at, reverse=True)


def delete(owner_id: str, client_id: str) -> None:
    """The developer deletes their app: every token it holds ends with it."""
    app = find(client_id)
    if app is None or app.owner_id != owner_id:
        raise Missing("client_id: no such app of yours")
    app.delete()
    grants.revoke_client(client_id)

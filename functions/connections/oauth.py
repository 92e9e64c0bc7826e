"""The connect flow's bookkeeping, whatever the protocol: a single-use ``state`` bound to
the signed-in user and to the browser that started the flow (RFC 9700 §4.7: a cookie
whose hash is stored with the state); returns only to our own paths. The protocol
itself (OAuth 2, OAuth 1.0a, AT Protocol) is the platform's base class."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError

from functions.common import crypto
from functions.common.errors import Invalid, Malformed
from functions.common.storage import ensure_bound
from functions.connections.models import OAuthState
from functions.core.platforms import apps
from functions.core.platforms.base import Connectable, Connected
from functions.core.platforms.clients import redirect_uri

STATE_SECONDS = 600
# A path of our own site: no scheme, no host, no protocol-relative "//", no backslashes.
OWN_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_\-.~?=&%+]*$")


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


@dataclass(frozen=True)
class Started:
    """Where to send the person, and the secret their browser keeps until the callback."""

    authorize_url: str
    browser_secret: str


@dataclass(frozen=True)
class Finished:
    """A callback taken: the pending authorization it spent, and the connection made
    (None where the person said no at the platform)."""

    pending: OAuthState
    connected: Connected | None


class OtherBrowser(Exception):
    """The callback came from a browser that did not start the flow."""


class InvalidState(Malformed):
    def __init__(self) -> None:
        super().__init__("state: unknown, used already, or expired", slug="invalid-state")


def check_return_to(return_to: str) -> str:
    if not OWN_PATH.match(return_to) or len(return_to) > 512:
        raise Invalid("must be a path of this website, like /settings", field="query.return_to")
    return return_to


def start(
    adapter: Connectable,
    user_id: str,
    return_to: str,
    now: datetime,
    instance: str | None = None,
) -> Started:
    """Begin the platform's flow and keep what its callback needs (sealed), bound to a
    new browser secret; answer the consent URL and that secret (set as a cookie)."""
    ensure_bound()
    return_to = check_return_to(return_to)
    if adapter.per_instance:
        adapter = adapter.at(apps.check_instance(instance or adapter.default_instance))
    browser_secret = secrets.token_urlsafe(32)
    authorization = adapter.authorization(redirect_uri(adapter.name))
    key = _hash(authorization.state)
    OAuthState(
        key,
        user_id=user_id,
        platform=adapter.name,
        return_to=return_to,
        expires_at=now + timedelta(seconds=STATE_SECONDS),
        instance=adapter.instance,
        browser_hash=_hash(browser_secret),
        code_verifier=authorization.verifier,
        extra=crypto.seal(authorization.kept, key) if authorization.kept else None,
    ).save()
    return Started(authorization.url, browser_secret)


def consume_state(
    platform: str, state: str, now: datetime, browser_secret: str | None
) -> OAuthState:
    """The pending authorization of ``state``, deleted as it is read: a replay finds nothing.
    Raises ``OtherBrowser`` (the state spent all the same) unless ``browser_secret`` is
    the one set in the browser that started it."""
    ensure_bound()
    try:
        answer = OAuthState._get_connection().delete_item(
            _hash(state),
            condition=OAuthState.state_hash.exists(),
            return_values="ALL_OLD",
        )
    except DeleteError as error:
        raise InvalidState() from error
    pending = OAuthState.from_raw_data(answer["Attributes"])
    if pending.platform != platform or pending.expires_at <= now:
        raise InvalidState()
    if (
        browser_secret is None
        or pending.browser_hash is None
        or not hmac.compare_digest(_hash(browser_secret), pending.browser_hash)
    ):
        raise OtherBrowser(platform)
    return pending


def finish(
    adapter: Connectable,
    query: Mapping[str, str | None],
    now: datetime,
    browser_secret: str | None,
) -> Finished:
    """Spend the authorization the callback names; exchange its code for a token and
    say whose account it is."""
    callback = adapter.callback(query)
    pending = consume_state(adapter.name, callback.state, now, browser_secret)
    if callback.code is None:
        return Finished(pending, None)
    key = _hash(callback.state)
    kept = crypto.open_sealed(pending.extra, key) if pending.extra else None
    connected = adapter.at(pending.instance).complete(
        redirect_uri(adapter.name), callback.code, pending.code_verifier, kept
    )
    return Finished(pending, connected)

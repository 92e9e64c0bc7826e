"""OAuth 2 connect flows on requests-oauthlib: PKCE, and a single-use ``state`` bound to
the signed-in user and to the browser that started the flow (RFC 9700 §4.7: a cookie
whose hash is stored with the state); client secrets from Secrets Manager; returns only
to our own paths."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from oauthlib.oauth1.rfc5849.errors import OAuth1Error
from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from pynamodb.exceptions import DeleteError
from requests_oauth2client import OAuth2Error as AtprotoOAuthError
from requests_oauthlib import OAuth1Session, OAuth2Session
from requests_oauthlib.oauth1_session import TokenRequestDenied

from functions.common import crypto
from functions.common.errors import Problem, bad_field
from functions.common.models import OAuthState
from functions.common.storage import ensure_bound
from functions.core.platforms import apps
from functions.core.platforms.base import Identity, Platform
from functions.core.platforms.bluesky import Bluesky
from functions.core.platforms.clients import credentials, redirect_uri

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


def check_return_to(return_to: str) -> str:
    if not OWN_PATH.match(return_to) or len(return_to) > 512:
        raise bad_field(422, "query.return_to", "must be a path of this website, like /settings")
    return return_to


def start(
    adapter: Platform, user_id: str, return_to: str, now: datetime, instance: str | None = None
) -> Started:
    """Store a fresh state (and PKCE verifier) bound to a new browser secret; answer the
    platform's consent URL and that secret (the caller sets it as a cookie)."""
    ensure_bound()
    return_to = check_return_to(return_to)
    if adapter.per_instance:
        adapter = adapter.at(apps.check_instance(instance))
    browser_secret = secrets.token_urlsafe(32)
    if adapter.flow == "oauth1":
        url = _start_oauth1(adapter, user_id, return_to, now, _hash(browser_secret))
        return Started(url, browser_secret)
    state = secrets.token_urlsafe(32)
    pending = OAuthState(
        _hash(state),
        user_id=user_id,
        platform=adapter.name,
        return_to=return_to,
        expires_at=now + timedelta(seconds=STATE_SECONDS),
        instance=adapter.instance,
        browser_hash=_hash(browser_secret),
    )
    if isinstance(adapter, Bluesky):
        try:
            url, verifier, dpop_key = adapter.begin(redirect_uri(adapter.name), state)
        except (AtprotoOAuthError, requests.RequestException) as error:
            raise Problem(502, "platform-unavailable", "bluesky: could not start") from error
        pending.code_verifier = verifier
        pending.extra = crypto.seal(dpop_key, _hash(state))
        pending.save()
        return Started(url, browser_secret)
    client = credentials(adapter)
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    pending.code_verifier = verifier
    pending.save()
    session = OAuth2Session(
        client.client_id,
        redirect_uri=redirect_uri(adapter.name),
        scope=list(adapter.oauth.scopes) or None,
        state=state,
    )
    extra = (
        {"code_challenge": challenge.decode(), "code_challenge_method": "S256"}
        if adapter.oauth.pkce
        else {}
    )
    url, _ = session.authorization_url(adapter.authorize_url(), **extra)
    return Started(str(url), browser_secret)


def _start_oauth1(
    adapter: Platform, user_id: str, return_to: str, now: datetime, browser_hash: str
) -> str:
    """OAuth 1.0a: a request token first; its secret waits, sealed, for the callback."""
    client = credentials(adapter)
    session = OAuth1Session(
        client.client_id, client.client_secret, callback_uri=redirect_uri(adapter.name)
    )
    assert adapter.oauth.request_token_path is not None
    try:
        request_token = session.fetch_request_token(
            adapter.web_url + adapter.oauth.request_token_path
        )
    except (TokenRequestDenied, ValueError, requests.RequestException) as error:
        raise Problem(502, "platform-unavailable", f"{adapter.name}: could not start") from error
    key = _hash(str(request_token["oauth_token"]))
    OAuthState(
        key,
        user_id=user_id,
        platform=adapter.name,
        code_verifier="-",
        return_to=return_to,
        expires_at=now + timedelta(seconds=STATE_SECONDS),
        extra=crypto.seal(dict(request_token), key),
        browser_hash=browser_hash,
    ).save()
    url = session.authorization_url(adapter.authorize_url(), perms=",".join(adapter.oauth.scopes))
    return str(url)


class OtherBrowser(Exception):
    """The callback came from a browser that did not start the flow."""


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
        raise Problem(400, "invalid-state", "state: unknown, used already, or expired") from error
    pending = OAuthState.from_raw_data(answer["Attributes"])
    if pending.platform != platform or pending.expires_at <= now:
        raise Problem(400, "invalid-state", "state: unknown, used already, or expired")
    if (
        browser_secret is None
        or pending.browser_hash is None
        or not hmac.compare_digest(_hash(browser_secret), pending.browser_hash)
    ):
        raise OtherBrowser(platform)
    return pending


def finish(
    adapter: Platform, pending: OAuthState, code: str, state: str
) -> tuple[dict[str, Any] | None, Identity]:
    """Exchange the code (with the PKCE verifier) for a token; who it belongs to.
    The token is None where it is not kept (Bluesky: likes are public records)."""
    adapter = adapter.at(pending.instance)
    if isinstance(adapter, Bluesky):
        assert pending.extra is not None
        dpop_key = crypto.open_sealed(pending.extra, _hash(state))
        try:
            identity = adapter.complete(
                redirect_uri(adapter.name), code, pending.code_verifier, dpop_key
            )
        except (AtprotoOAuthError, ValueError, KeyError, requests.RequestException) as error:
            raise Problem(400, "authorization-failed", "code: the platform refused it") from error
        return None, identity
    client = credentials(adapter)
    session = adapter.protect(
        OAuth2Session(client.client_id, redirect_uri=redirect_uri(adapter.name))
    )
    try:
        token: dict[str, Any] = session.fetch_token(
            adapter.token_url(),
            code=code,
            client_secret=client.client_secret,
            code_verifier=pending.code_verifier if adapter.oauth.pkce else None,
            include_client_id=True,
            headers={"Accept": "application/json"},
        )
    except OAuth2Error as error:
        raise Problem(400, "authorization-failed", "code: the platform refused it") from error
    except requests.RequestException as error:  # unreachable, or refused by the SSRF guard
        raise Problem(502, "platform-unavailable", f"{adapter.name}: no answer") from error
    try:
        return token, adapter.identity_from_token(token, session_for(adapter, token))
    except requests.RequestException as error:
        raise Problem(502, "platform-unavailable", f"{adapter.name}: no answer") from error


def finish_oauth1(
    adapter: Platform, oauth_token: str, verifier: str, now: datetime, browser_secret: str | None
) -> tuple[OAuthState, dict[str, Any], Identity]:
    """OAuth 1.0a: the request token names the pending authorization (single use too)."""
    pending = consume_state(adapter.name, oauth_token, now, browser_secret)
    assert pending.extra is not None
    request_token = crypto.open_sealed(pending.extra, _hash(oauth_token))
    client = credentials(adapter)
    session = OAuth1Session(
        client.client_id,
        client.client_secret,
        resource_owner_key=request_token["oauth_token"],
        resource_owner_secret=request_token["oauth_token_secret"],
        verifier=verifier,
    )
    try:
        token = dict(session.fetch_access_token(adapter.token_url()))
    except (TokenRequestDenied, OAuth1Error, ValueError) as error:
        raise Problem(400, "authorization-failed", "oauth_verifier: refused") from error
    return pending, token, adapter.identity_from_token(token, session_for(adapter, token))


def session_for(
    adapter: Platform,
    token: dict[str, Any],
    on_refresh: Callable[[dict[str, Any]], None] | None = None,
) -> requests.Session:
    """A session that sends the token and, when it has expired, refreshes it first
    (``on_refresh`` stores the new one: some platforms' refresh tokens are single-use)."""
    client = credentials(adapter)
    session: requests.Session
    if adapter.flow == "oauth1":
        session = OAuth1Session(
            client.client_id,
            client.client_secret,
            resource_owner_key=token["oauth_token"],
            resource_owner_secret=token["oauth_token_secret"],
        )
    elif on_refresh is None or "refresh_token" not in token:
        session = OAuth2Session(client.client_id, token=token)
    else:
        session = OAuth2Session(
            client.client_id,
            token=token,
            auto_refresh_url=adapter.token_url(),
            auto_refresh_kwargs={
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
            token_updater=on_refresh,
        )
    return adapter.protect(session)

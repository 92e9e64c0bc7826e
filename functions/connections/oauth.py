"""OAuth 2 connect flows on requests-oauthlib: PKCE, and a single-use ``state`` bound to
the signed-in user; client secrets from Secrets Manager; returns only to our own paths."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities import parameters
from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from pynamodb.exceptions import DeleteError
from requests_oauthlib import OAuth2Session

from functions.common.errors import Problem, bad_field
from functions.common.models import OAuthState
from functions.common.storage import ensure_bound
from functions.connections.platforms.base import Platform

STATE_SECONDS = 600
# A path of our own site: no scheme, no host, no protocol-relative "//", no backslashes.
OWN_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_\-.~?=&%+]*$")


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


def credentials(platform: str) -> ClientCredentials:
    """The platform's OAuth client, from the secret ``flattr/oauth/<platform>``."""
    secret: Any = parameters.get_secret(f"flattr/oauth/{platform}", transform="json", max_age=300)
    return ClientCredentials(str(secret["client_id"]), str(secret["client_secret"]))


def redirect_uri(platform: str) -> str:
    return f"{os.environ.get('PUBLIC_API_URL', '').rstrip('/')}/v1/connections/{platform}/callback"


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def check_return_to(return_to: str) -> str:
    if not OWN_PATH.match(return_to) or len(return_to) > 512:
        raise bad_field(422, "query.return_to", "must be a path of this website, like /settings")
    return return_to


def start(adapter: Platform, user_id: str, return_to: str, now: datetime) -> str:
    """Store a fresh state and PKCE verifier; answer the platform's consent URL."""
    ensure_bound()
    client = credentials(adapter.name)
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    OAuthState(
        _hash(state),
        user_id=user_id,
        platform=adapter.name,
        code_verifier=verifier,
        return_to=check_return_to(return_to),
        expires_at=now + timedelta(seconds=STATE_SECONDS),
    ).save()
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
    return str(url)


def consume_state(platform: str, state: str, now: datetime) -> OAuthState:
    """The pending authorization of ``state``, deleted as it is read: a replay finds nothing."""
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
    return pending


def finish(adapter: Platform, pending: OAuthState, code: str) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) for a token."""
    client = credentials(adapter.name)
    session = OAuth2Session(client.client_id, redirect_uri=redirect_uri(adapter.name))
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
    return token


def session_for(
    adapter: Platform,
    token: dict[str, Any],
    on_refresh: Callable[[dict[str, Any]], None] | None = None,
) -> OAuth2Session:
    """A session that sends the token and, when it has expired, refreshes it first
    (``on_refresh`` stores the new one: some platforms' refresh tokens are single-use)."""
    client = credentials(adapter.name)
    if on_refresh is None or "refresh_token" not in token:
        return OAuth2Session(client.client_id, token=token)
    return OAuth2Session(
        client.client_id,
        token=token,
        auto_refresh_url=adapter.token_url(),
        auto_refresh_kwargs={"client_id": client.client_id, "client_secret": client.client_secret},
        token_updater=on_refresh,
    )

"""Staying signed in (issue 31, item 5): a backend-for-frontend cookie.

The website's code flow with PKCE ends here instead of at the identity provider's token
endpoint: this Lambda exchanges the code, keeps the refresh token in an ``HttpOnly`` cookie
(``SameSite=Strict``, only for ``/v1/session``, ``Secure`` wherever the site is served over
HTTPS) and answers the access token alone, which the page keeps in memory. A reload, a new
tab or a restarted browser asks ``POST /v1/session/refresh`` for a fresh access token; page
script never sees the refresh token, so an injected script cannot carry it away.
Why a cookie rather than silent renewal at the identity provider: Cognito's hosted pages
would have to be framed or redirected through on every new tab, and its session cookie is
on another site (third-party cookies); a same-origin cookie works alike in AWS and locally.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import requests

from functions.common.errors import Invalid, NotAuthenticated, Unavailable
from functions.common.settings import settings

TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_in: int
    refresh_token: str | None  # only from the code's exchange: refreshing keeps the old one


def _token_request(form: dict[str, str]) -> dict[str, Any] | None:
    """The identity provider's token endpoint; None when it refuses (400/401)."""
    config = settings()
    try:
        answer = requests.post(
            config.sign_in_token_url,
            data={"client_id": config.jwt_client_id, **form},
            headers={"Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise Unavailable("the sign-in service did not answer") from error
    if answer.status_code in (400, 401):
        return None
    if answer.status_code != 200:
        raise Unavailable("the sign-in service did not answer")
    try:
        body = answer.json()
        str(body["access_token"])
    except (ValueError, KeyError, TypeError) as error:
        raise Unavailable("the sign-in service answered nonsense") from error
    return dict(body)


def _tokens(body: dict[str, Any]) -> Tokens:
    return Tokens(
        str(body["access_token"]),
        int(body.get("expires_in", 3600)),
        str(body["refresh_token"]) if body.get("refresh_token") else None,
    )


def begin(code: str, verifier: str, redirect_uri: str) -> Tokens:
    """Exchange the flow's code (with its PKCE verifier) for the person's tokens."""
    if not redirect_uri.startswith(settings().public_url + "/"):
        raise Invalid("must be a page of this website", field="body.redirect_uri")
    body = _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        }
    )
    if body is None or not body.get("refresh_token"):
        raise NotAuthenticated("the sign-in code is unknown, used or expired")
    return _tokens(body)


def renew(refresh_token: str) -> Tokens:
    """A fresh access token for the session's refresh token."""
    body = _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})
    if body is None:
        raise NotAuthenticated("the session has ended: sign in again")
    return _tokens(body)


def end(refresh_token: str) -> None:
    """Revoke the refresh token at the provider (and with it the access tokens it gave)."""
    config = settings()
    # Unanswered, the cookie goes anyway and the token expires on its own.
    with contextlib.suppress(requests.RequestException):
        requests.post(
            config.sign_in_revoke_url,
            data={"client_id": config.jwt_client_id, "token": refresh_token},
            timeout=TIMEOUT_SECONDS,
        )

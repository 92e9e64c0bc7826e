"""``/v1/session``: the website's sign-in kept in an ``HttpOnly`` cookie (``session.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from pydantic import BaseModel, ConfigDict, Field

from functions.account import session
from functions.common.api import DomainRouter, private_cookie, request_cookie
from functions.common.errors import PROBLEM_JSON, NotAuthenticated, Problem

router = DomainRouter()

COOKIE = "flattr_session"
# As long as the user pool's refresh tokens live (infra/stack.py: 30 days).
MAX_AGE_SECONDS = 30 * 24 * 3600


class SessionStart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: Annotated[str, Field(min_length=1, max_length=2048)]
    code_verifier: Annotated[str, Field(pattern=r"^[A-Za-z0-9._~-]{43,128}$")]  # RFC 7636
    redirect_uri: Annotated[str, Field(min_length=1, max_length=512)]


class AccessToken(BaseModel):
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the kind of token (RFC 6750), not a secret


def _cookie(value: str, max_age: int) -> Cookie:
    return private_cookie(
        COOKIE, value, path="/v1/session", max_age=max_age, same_site=SameSite.STRICT_MODE
    )


def _refresh_token() -> str | None:
    return request_cookie(router, COOKIE)


def _answer(tokens: session.Tokens, cookies: list[Cookie]) -> Response[str]:
    body = AccessToken(access_token=tokens.access_token, expires_in=tokens.expires_in)
    return Response(
        status_code=200,
        content_type="application/json",
        body=body.model_dump_json(),
        headers={"Cache-Control": "no-store"},
        cookies=cookies,
    )


@router.post("/v1/session", public=True)
def start(started: Annotated[SessionStart, Body()]) -> Response[str]:
    """The end of the website's sign-in: the code and its PKCE verifier → the access token;
    the refresh token stays in a cookie page script cannot read."""
    tokens = session.begin(started.code, started.code_verifier, started.redirect_uri)
    assert tokens.refresh_token is not None  # begin() refuses an answer without one
    return _answer(tokens, [_cookie(tokens.refresh_token, MAX_AGE_SECONDS)])


@router.post("/v1/session/refresh", public=True)
def refresh() -> Response[str]:
    """A fresh access token for the browser's session (a reload, a new tab, a restart);
    204 when this browser has no session (a visitor: no error in their console), 401 when
    its session has ended."""
    token = _refresh_token()
    if token is None:
        return Response(status_code=204, body="", headers={"Cache-Control": "no-store"})
    try:
        return _answer(session.renew(token), [])
    except NotAuthenticated:
        # The session has ended at the provider: the browser forgets it too.
        ended = Problem(401, "unauthorized", "the session has ended: sign in again")
        return Response(
            status_code=ended.status,
            content_type=PROBLEM_JSON,
            body=ended.to_json(),
            cookies=[_cookie("", 0)],
        )


@router.delete("/v1/session", public=True)
def sign_out() -> Response[Any]:
    """Sign out: the refresh token is revoked and the cookie forgotten."""
    token = _refresh_token()
    if token is not None:
        session.end(token)
    return Response(status_code=204, body=None, cookies=[_cookie("", 0)])

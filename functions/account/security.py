"""``/v1/me/security`` and ``/v1/me/totp``: two-step sign-in with an authenticator app.

Turned on in two steps, as Cognito wants: a secret for the app, then the app's first code.
Turning it off is itself guarded (TOTP and a sign-in with it in the last ten minutes):
otherwise a stolen session could turn it off. See ``functions/core/identity.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from functions.common import clock
from functions.common.api import DomainRouter, bearer_token, current_user_id, jwt_claims
from functions.core import identity

router = DomainRouter()


class Security(BaseModel):
    totp: bool
    totp_since: str | None
    signed_in_at: str | None
    # Until when money may leave the account without signing in again (None: not now).
    strong_until: str | None


class TotpSecret(BaseModel):
    secret: str
    otpauth_uri: str


class TotpCode(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


def _strong_until(since: datetime | None, signed_in: datetime | None) -> str | None:
    if since is None or signed_in is None or signed_in < since:
        return None
    until = signed_in + identity.RECENT_SIGN_IN
    return clock.rfc3339(until) if until > clock.now() else None


@router.get("/v1/me/security")
def security() -> Security:
    claims = jwt_claims(router)
    since = identity.totp_since(current_user_id(router)) if identity.totp_on(claims) else None
    signed_in = identity.signed_in_at(claims)
    return Security(
        totp=since is not None,
        totp_since=clock.rfc3339(since),
        signed_in_at=clock.rfc3339(signed_in),
        strong_until=_strong_until(since, signed_in),
    )


@router.post("/v1/me/totp")
def totp_start() -> Response[str]:
    """A secret for an authenticator app; TOTP is on once its first code is confirmed."""
    current_user_id(router)
    secret = TotpSecret(**identity.totp_start(bearer_token(router)))
    return Response(status_code=201, content_type="application/json", body=secret.model_dump_json())


@router.post("/v1/me/totp/verify")
def totp_verify(body: Annotated[TotpCode, Body()]) -> dict[str, Any]:
    """The app's first code: TOTP is on. Sign in again with it before money can leave."""
    since = identity.totp_confirm(current_user_id(router), bearer_token(router), body.code)
    return {"totp": True, "totp_since": clock.rfc3339(since)}


@router.delete("/v1/me/totp")
def totp_off() -> Response[Any]:
    claims = jwt_claims(router)
    identity.require_strong_sign_in(claims)
    identity.totp_off(current_user_id(router), bearer_token(router))
    return Response(status_code=204, body=None)


routers = [router]

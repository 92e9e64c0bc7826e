"""The authorizer of the routes a browser extension may call (``Route.devices``): a
Cognito JWT, verified as the API's JWT authorizer verifies it, or a device token
(``core.devices``). API Gateway's simple response: always authorized, with the caller in
the context, or with none, so that the route answers 401 itself (an HTTP API's refusing
authorizer answers 403, which the Flattr extension would retry forever; 401 makes it
forget its token, as it should). Locally the stack's gateway calls this same handler.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from functions.common.jwt_verify import JwtVerifier
from functions.common.settings import settings
from functions.core import devices

KEPT = ("sub", "email", "username", "auth_time")  # what the routes read of a JWT


@cache
def _verifier(issuer: str, client_id: str) -> JwtVerifier:
    return JwtVerifier(f"{issuer}/.well-known/jwks.json", issuer, client_id)


def caller(authorization: str) -> dict[str, str]:
    """The caller's claims (``sub`` and what the routes read), or none."""
    if not authorization.lower().startswith("bearer "):
        return {}
    token = authorization[7:].strip()
    if token.count(".") == 2:
        found = settings().require("jwt_issuer", "jwt_client_id")
        claims = _verifier(found.jwt_issuer, found.jwt_client_id).verify(authorization)
        return {k: str(claims[k]) for k in KEPT if claims and k in claims}
    device = devices.user_of(token)
    return {"sub": device.user_id, "device": device.device_id} if device else {}


def authorize(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    return {"isAuthorized": True, "context": caller(str(headers.get("authorization") or ""))}

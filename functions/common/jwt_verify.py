"""Verifying Cognito's JWTs (PyJWT, keys from the issuer's JWKS), as API Gateway's JWT
authorizer does: the signature, the issuer, the app client (``aud`` of an ID token,
``client_id`` of an access token), and the times by the service's clock (the wall clock in
AWS; the stack's clock locally, so that moving it past a token's expiry expires it)."""

from __future__ import annotations

from typing import Any

import jwt

from functions.common import clock

CLOCK_SKEW_SECONDS = 60


class JwtVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True)
        self.issuer = issuer
        self.audience = audience

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        """The token's claims, or None when it is missing, wrongly signed or expired."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        token = authorization[7:].strip()
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={
                    "require": ["exp", "iat", "sub"],
                    "verify_aud": False,  # checked below: access tokens name the client apart
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError):
            return None
        if self.audience not in (claims.get("aud"), claims.get("client_id")):
            return None
        now = clock.now().timestamp()
        if int(claims["exp"]) <= now or int(claims["iat"]) > now + CLOCK_SKEW_SECONDS:
            return None
        return claims

"""The local stack's identity provider and JWT authorizer.

Users live in the emulated Cognito user pool. Tokens are real RS256 JWTs signed by
a key made at start, whose public half is published as JWKS; the authorizer
verifies them through that JWKS before any handler runs, as API Gateway's JWT
authorizer does in AWS. Times come from the stack's clock, so moving the clock
past a token's expiry makes it expire, as time would.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from functions.common import clock

TOKEN_SECONDS = 3600
ACCESS = "access"  # the kind of token the website sends
CLOCK_SKEW_SECONDS = 60


@dataclass
class Identity:
    user_id: str
    email: str


class LocalIdentityProvider:
    def __init__(self, issuer: str, user_pool_id: str, client_id: str) -> None:
        self.issuer = issuer
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._cognito = boto3.client("cognito-idp")

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [public]}

    def sign_up_or_in(self, email: str) -> Identity:
        """The user with ``email`` in the user pool, created if needed."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
            attributes = user["UserAttributes"]
        except self._cognito.exceptions.UserNotFoundException:
            created = self._cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
            attributes = created["User"]["Attributes"]
        sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
        return Identity(user_id=sub, email=email)

    lifetime = TOKEN_SECONDS

    def issue(self, identity: Identity, lifetime: int = TOKEN_SECONDS, kind: str = "id") -> str:
        """An ID token, or an access token (``kind="access"``, with ``client_id`` as
        Cognito's have; ``aud`` too, which the local authorizer checks)."""
        now = int(clock.now().timestamp())
        claims = {
            "sub": identity.user_id,
            "email": identity.email,
            "iss": self.issuer,
            "aud": self.client_id,
            "token_use": kind,
            "iat": now,
            "exp": now + lifetime,
        }
        if kind == ACCESS:
            claims.update({"client_id": self.client_id, "scope": "openid email"})
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})


class JwtAuthorizer:
    """Verifies bearer tokens against a JWKS URL, like API Gateway's JWT authorizer."""

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
                audience=self.audience,
                issuer=self.issuer,
                # Times are checked below against the stack's clock, not the wall clock.
                options={
                    "require": ["exp", "iat", "sub"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            return None
        now = clock.now().timestamp()
        if int(claims["exp"]) <= now or int(claims["iat"]) > now + CLOCK_SKEW_SECONDS:
            return None
        return claims

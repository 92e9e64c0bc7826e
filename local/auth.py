"""The local stack's identity provider and JWT authorizer.

Users live in the emulated Cognito user pool. Tokens are real RS256 JWTs signed by
a key made at start, whose public half is published as JWKS; the authorizer
verifies them through that JWKS before any handler runs, as API Gateway's JWT
authorizer does in AWS. Times come from the stack's clock, so moving the clock
past a token's expiry makes it expire, as time would.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from functions.common import clock
from functions.common.jwt_verify import JwtVerifier

TOKEN_SECONDS = 3600
ACCESS = "access"  # the kind of token the website sends
# What the website asks for: Cognito's own API (TOTP set-up) needs the admin scope.
SCOPES = "openid email aws.cognito.signin.user.admin"


@dataclass
class Identity:
    user_id: str
    email: str
    username: str = ""  # the user pool's name for the user (Cognito's ``username`` claim)


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` (RFC 6238: SHA-1, 30 s, 6 digits),
    as Cognito checks it; what tests and the local sign-in use."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    one_time = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)  # noqa: S303 - RFC 6238
    return one_time.generate(int(time.time() if at is None else at)).decode()


def typed_totp_code(secret: str, seconds_left: int = 5) -> str:
    """The code as a person types it: read while at least ``seconds_left`` of its 30
    seconds remain, so it is still the current one when it is checked. Cognito (and the
    emulated pool) accept only the current step; a code read just before the step turns
    is refused, for a person as for a test, so this waits for the next step then."""
    remaining = 30 - int(time.time()) % 30
    if remaining < seconds_left:
        time.sleep(remaining)
    return totp_code(secret)


def user_pool_secret() -> str:
    """The TOTP secret the emulated user pool gives (moto gives every user the same one,
    and checks codes against it when ``MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP`` is on)."""
    from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET

    return str(COGNITO_TOTP_MFA_SECRET)


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
            name, attributes = user["Username"], user["UserAttributes"]
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
            name, attributes = created["User"]["Username"], created["User"]["Attributes"]
        sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
        return Identity(user_id=sub, email=email, username=name)

    def totp_on(self, identity: Identity) -> bool:
        found = self._cognito.admin_get_user(
            UserPoolId=self.user_pool_id, Username=identity.username or identity.user_id
        )
        return "SOFTWARE_TOKEN_MFA" in (found.get("UserMFASettingList") or [])

    def _remember(self, token: str, identity: Identity) -> None:
        """The emulated user pool learns the access token, so that Cognito's own calls
        with it (TOTP set-up) work as they do with the tokens Cognito issues."""
        from moto.backends import get_backend

        region = self._cognito.meta.region_name
        for backend in get_backend("cognito-idp").values():
            pool = backend[region].user_pools.get(self.user_pool_id)
            if pool is not None:
                pool.access_tokens[token] = (self.client_id, identity.username or identity.user_id)

    lifetime = TOKEN_SECONDS

    def issue(
        self,
        identity: Identity,
        lifetime: int = TOKEN_SECONDS,
        kind: str = "id",
        auth_time: int | None = None,
    ) -> str:
        """An ID token, or an access token (``kind="access"``, with ``client_id`` and
        ``username`` as Cognito's have; ``aud`` too, which the local authorizer checks).
        ``auth_time`` is when the user signed in (kept through refreshes, as Cognito does)."""
        now = int(clock.now().timestamp())
        claims: dict[str, Any] = {
            "sub": identity.user_id,
            "email": identity.email,
            "iss": self.issuer,
            "aud": self.client_id,
            "token_use": kind,
            "auth_time": now if auth_time is None else auth_time,
            "iat": now,
            "exp": now + lifetime,
        }
        if kind == ACCESS:
            claims.update(
                {
                    "client_id": self.client_id,
                    "username": identity.username or identity.user_id,
                    "scope": SCOPES,
                }
            )
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        if kind == ACCESS:
            self._remember(token, identity)
        return token


class JwtAuthorizer(JwtVerifier):
    """Verifies bearer tokens against a JWKS URL, like API Gateway's JWT authorizer (the
    same verification the device routes' authorizer Lambda makes of a JWT)."""

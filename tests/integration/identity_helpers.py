"""Users of the emulated user pool, signed in as the website signs them in: a real access
token from the local identity provider (known to the emulated Cognito, as Cognito knows its
own), its claims as API Gateway's authorizer hands them on, ``auth_time`` included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import jwt

from functions.common import clock
from functions.common.settings import settings
from local.auth import ACCESS, Identity, LocalIdentityProvider, typed_totp_code
from tests.conftest import Answer, call


@dataclass
class Person:
    idp: LocalIdentityProvider
    identity: Identity
    token: str = ""

    @property
    def user_id(self) -> str:
        return self.identity.user_id

    def sign_in(self, at: int | None = None) -> Person:
        """A sign-in now (or at ``at``, seconds since the epoch)."""
        signed_at = int(clock.now().timestamp()) if at is None else at
        self.token = self.idp.issue(self.identity, kind=ACCESS, auth_time=signed_at)
        return self

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        claims = jwt.decode(self.token, options={"verify_signature": False})
        headers = {"authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return call(
            method,
            path,
            body,
            user=self.user_id,
            email=self.identity.email,
            headers=headers,
            claims={k: claims[k] for k in ("auth_time", "username")},
            **kwargs,
        )

    def turn_on_totp(self) -> str:
        """TOTP on, through the API as the website does it; answers the secret."""
        secret = self.call("POST", "/v1/me/totp").json["secret"]
        confirmed = self.call("POST", "/v1/me/totp/verify", {"code": typed_totp_code(secret)})
        assert confirmed.status == 200, confirmed.json
        return str(secret)


def person(email: str) -> Person:
    pool = settings().user_pool_id
    client = boto3.client("cognito-idp").list_user_pool_clients(UserPoolId=pool, MaxResults=1)
    idp = LocalIdentityProvider(
        "https://idp.flattr.test", pool, client["UserPoolClients"][0]["ClientId"]
    )
    return Person(idp, idp.sign_up_or_in(email)).sign_in()

"""Who is signing in, and how strongly: TOTP on the Cognito user, and the guard that money
leaving an account (withdrawals, the payout account) passes.

Taking over an account is theft once earnings can be withdrawn, so those requests need
TOTP on the account and a sign-in with it within the last ten minutes (the token's
``auth_time``, which Cognito sets at sign-in and keeps through refreshes). TOTP is turned on
through our API (with the user's own access token, as Cognito's API wants it), which keeps
when it was turned on: a sign-in from before then did not pass TOTP, so it is not enough
(someone holding a stolen session cannot turn TOTP on and withdraw).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3

from functions.common import clock
from functions.common.errors import Forbidden, Invalid, NotAuthenticated
from functions.common.settings import settings
from functions.core import users
from functions.core.models import User

RECENT_SIGN_IN = timedelta(minutes=10)
ISSUER = "Flattr"
SOFTWARE_TOKEN = "SOFTWARE_TOKEN_MFA"  # noqa: S105 - an MFA kind's name


@cache
def _cognito() -> Any:
    return boto3.client("cognito-idp")


def username(claims: dict[str, Any]) -> str:
    """The user pool's name for the signed-in user (access tokens carry ``username``)."""
    return str(claims.get("username") or claims.get("cognito:username") or claims["sub"])


def totp_on(claims: dict[str, Any]) -> bool:
    cognito = _cognito()
    try:
        found = cognito.admin_get_user(
            UserPoolId=settings().user_pool_id, Username=username(claims)
        )
    except cognito.exceptions.UserNotFoundException:
        return False  # a token of a sign-in that is gone: no TOTP to speak of
    return SOFTWARE_TOKEN in (found.get("UserMFASettingList") or [])


def email_of(user_id: str) -> str | None:
    """The address the user signs in with (the user pool's, verified), or None."""
    cognito = _cognito()
    try:
        found = cognito.admin_get_user(UserPoolId=settings().user_pool_id, Username=user_id)
    except cognito.exceptions.UserNotFoundException:
        return None
    attributes = {a["Name"]: a["Value"] for a in found.get("UserAttributes") or []}
    return attributes.get("email")


@contextmanager
def _as_the_user() -> Iterator[None]:
    """Cognito's calls with the user's access token: one it refuses (revoked, or without
    the admin scope) is the caller's 401, not our 500."""
    cognito = _cognito()
    try:
        yield
    except (cognito.exceptions.NotAuthorizedException, cognito.exceptions.ForbiddenException) as no:
        raise NotAuthenticated() from no


def totp_start(access_token: str) -> dict[str, str]:
    """A new TOTP secret for the user's authenticator app (not on until confirmed)."""
    with _as_the_user():
        found = _cognito().associate_software_token(AccessToken=access_token)
    secret = str(found["SecretCode"])
    return {
        "secret": secret,
        "otpauth_uri": f"otpauth://totp/{ISSUER}?secret={secret}&issuer={ISSUER}",
    }


def totp_confirm(user_id: str, access_token: str, code: str) -> datetime:
    """TOTP on, once the app's first code matches; answers since when."""
    cognito = _cognito()
    try:
        with _as_the_user():
            cognito.verify_software_token(
                AccessToken=access_token, UserCode=code, FriendlyDeviceName="authenticator"
            )
    except (
        cognito.exceptions.CodeMismatchException,
        cognito.exceptions.EnableSoftwareTokenMFAException,
    ) as wrong:
        raise Invalid("code: does not match the authenticator app's", field="body.code") from wrong
    with _as_the_user():
        cognito.set_user_mfa_preference(
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
    # Whole seconds, as ``auth_time``; the next one, so that a sign-in in this very second
    # (from before TOTP was on) never counts.
    since = clock.now().replace(microsecond=0) + timedelta(seconds=1)
    _user(user_id).update(actions=[User.totp_since.set(since)])
    return since


def totp_off(user_id: str, access_token: str) -> None:
    with _as_the_user():
        _cognito().set_user_mfa_preference(
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )
    _user(user_id).update(actions=[User.totp_since.remove()])


def totp_since(user_id: str) -> datetime | None:
    since: datetime | None = _user(user_id).totp_since
    return since


def _user(user_id: str, email: str | None = None) -> User:
    return users.load_user(user_id, email)


def signed_in_at(claims: dict[str, Any]) -> datetime | None:
    stamp = claims.get("auth_time")
    return datetime.fromtimestamp(int(stamp), tz=UTC) if stamp is not None else None


def require_strong_sign_in(claims: dict[str, Any], asked_at: datetime | None = None) -> None:
    """Refuses (403) unless TOTP is on and the user signed in with it in the ten minutes
    before ``asked_at`` (now, unless a worker acts on an earlier request); each refusal's
    ``type`` says what the website should ask for."""
    user = _user(str(claims["sub"]), claims.get("email"))
    if user.totp_since is None or not totp_on(claims):
        raise Forbidden(
            "turn on two-step sign-in (an authenticator app) before money can leave your account",
            slug="totp-required",
        )
    at = signed_in_at(claims)
    if at is None or at < user.totp_since or (asked_at or clock.now()) - at > RECENT_SIGN_IN:
        raise Forbidden(
            "sign in again (with your authenticator app's code): money can leave an account "
            "only within ten minutes of signing in",
            slug="recent-sign-in-required",
        )

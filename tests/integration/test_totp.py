"""Two-step sign-in (TOTP) and the guard on money leaving an account: TOTP on, and a sign-in
with it within ten minutes, after it was turned on."""

from __future__ import annotations

import pytest

from functions.common import clock
from local.auth import totp_code, typed_totp_code
from tests.integration.identity_helpers import person

pytestmark = pytest.mark.usefixtures("aws")


def test_totp_is_off_until_the_apps_first_code_matches() -> None:
    ada = person("ada@example.org")
    assert ada.call("GET", "/v1/me/security").json["totp"] is False
    started = ada.call("POST", "/v1/me/totp")
    assert started.status == 201
    secret = started.json["secret"]
    assert started.json["otpauth_uri"].startswith("otpauth://totp/Flattr?secret=")
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    refused = ada.call("POST", "/v1/me/totp/verify", {"code": wrong})
    assert refused.status == 422 and "body.code" in refused.raw.decode()
    assert ada.call("GET", "/v1/me/security").json["totp"] is False
    malformed = ada.call("POST", "/v1/me/totp/verify", {"code": "12ab"})
    assert malformed.status == 422
    assert ada.call("POST", "/v1/me/totp/verify", {"code": typed_totp_code(secret)}).status == 200
    shown = ada.call("GET", "/v1/me/security").json
    assert shown["totp"] is True
    # The session that turned it on did not sign in with it: not strong enough for money.
    assert shown["strong_until"] is None


def test_turning_totp_off_needs_a_recent_sign_in_with_it() -> None:
    ada = person("ada@example.org")
    ada.turn_on_totp()
    refused = ada.call("DELETE", "/v1/me/totp")
    assert refused.status == 403
    assert refused.json["type"] == "/problems/recent-sign-in-required"
    clock.advance(1)
    ada.sign_in()  # with the code now
    assert ada.call("GET", "/v1/me/security").json["strong_until"] is not None
    assert ada.call("DELETE", "/v1/me/totp").status == 204
    assert ada.call("GET", "/v1/me/security").json["totp"] is False


def test_a_sign_in_stays_strong_for_ten_minutes() -> None:
    ada = person("ada@example.org")
    ada.turn_on_totp()
    clock.advance(1)
    ada.sign_in()
    clock.advance(9 * 60)
    assert ada.call("GET", "/v1/me/security").json["strong_until"] is not None
    clock.advance(61)
    assert ada.call("GET", "/v1/me/security").json["strong_until"] is None
    refused = ada.call("DELETE", "/v1/me/totp")
    assert refused.json["type"] == "/problems/recent-sign-in-required"


def test_without_totp_the_guard_asks_for_it() -> None:
    ada = person("ada@example.org")
    refused = ada.call("DELETE", "/v1/me/totp")
    assert refused.status == 403
    assert refused.json["type"] == "/problems/totp-required"


def test_a_token_cognito_does_not_know_is_a_401_not_a_500() -> None:
    ada = person("ada@example.org")
    ada.token = ada.token[:-4] + "AAAA"  # the authorizer let it through; Cognito refuses it
    for method, path, body in (
        ("POST", "/v1/me/totp", None),
        ("POST", "/v1/me/totp/verify", {"code": "123456"}),
    ):
        answer = ada.call(method, path, body)
        assert answer.status == 401, (path, answer.raw)
        assert answer.json["type"] == "/problems/unauthorized"

"""Staying signed in (issue 31, item 5): ``/v1/session`` keeps the website's refresh token
in an HttpOnly cookie and answers access tokens only. The identity provider is a fake on
the token endpoint's address, answering as Cognito's ``/oauth2/token`` does (its JSON, and
``400 {"error": "invalid_grant"}`` for a code or refresh token it does not know)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import requests
import responses

from tests.conftest import call

TOKEN_URL = "https://idp.flattr.test/oauth2/token"
REVOKE_URL = "https://idp.flattr.test/oauth2/revoke"
VERIFIER = "v" * 43
START = {
    "code": "the-code",
    "code_verifier": VERIFIER,
    "redirect_uri": "https://api.flattr.test/signed-in",
}


class FakeProvider:
    """Knows one code and one refresh token; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[dict[str, str]] = []
        self.revoked: list[str] = []
        self.refresh_token = "refresh-secret-1"

    def token(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        form = {k: v[0] for k, v in parse_qs(str(request.body)).items()}
        self.asked.append(form)
        known = (
            form.get("grant_type") == "authorization_code"
            and form.get("code") == "the-code"
            and form.get("code_verifier") == VERIFIER
        ) or (
            form.get("grant_type") == "refresh_token"
            and form.get("refresh_token") == self.refresh_token
        )
        if not known:
            return 400, {}, json.dumps({"error": "invalid_grant"})
        tokens = {
            "access_token": f"access-{len(self.asked)}",
            "id_token": "id",
            "expires_in": 3600,
            "token_type": "Bearer",
        }
        if form["grant_type"] == "authorization_code":  # Cognito keeps the refresh token
            tokens["refresh_token"] = self.refresh_token
        return 200, {"Content-Type": "application/json"}, json.dumps(tokens)

    def revoke(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.revoked.append(parse_qs(str(request.body))["token"][0])
        self.refresh_token = "revoked"
        return 200, {}, ""


@pytest.fixture
def provider(aws):
    fake = FakeProvider()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, TOKEN_URL, callback=fake.token)
        mock.add_callback(responses.POST, REVOKE_URL, callback=fake.revoke)
        yield fake


def session_cookie(answer) -> str:
    (cookie,) = [c for c in answer.set_cookies if c.startswith("flattr_session=")]
    return cookie


def test_the_sign_in_ends_with_an_access_token_and_a_cookie_script_cannot_read(provider):
    answer = call("POST", "/v1/session", START, user=None)
    assert answer.status == 200, answer.raw
    assert answer.json == {"access_token": "access-1", "expires_in": 3600, "token_type": "Bearer"}
    assert "refresh" not in answer.raw.decode()  # the page never sees it
    cookie = session_cookie(answer)
    assert cookie.startswith("flattr_session=refresh-secret-1;")
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path", "max-age"} <= attributes
    assert "SameSite=Strict" in cookie and "Path=/v1/session" in cookie
    assert answer.headers["cache-control"] == "no-store"
    assert (
        provider.asked[0]["client_id"] == "provisioned-per-test" or provider.asked[0]["client_id"]
    )


def test_a_new_tab_or_a_restart_gets_a_fresh_access_token_from_the_cookie(provider):
    call("POST", "/v1/session", START, user=None)
    cookies = {"flattr_session": provider.refresh_token}
    again = call("POST", "/v1/session/refresh", user=None, cookies=cookies)
    assert again.status == 200, again.raw
    assert again.json["access_token"] == "access-2"
    assert provider.asked[-1]["grant_type"] == "refresh_token"
    assert again.set_cookies == []  # the cookie stays as it is


def test_without_a_session_a_refresh_answers_no_content(provider):
    """A visitor who never signed in: nothing to renew, and no error for their console."""
    answer = call("POST", "/v1/session/refresh", user=None)
    assert answer.status == 204 and answer.raw == b""
    assert provider.asked == []


def test_an_ended_session_is_401_and_the_browser_forgets_it(provider):
    answer = call("POST", "/v1/session/refresh", user=None, cookies={"flattr_session": "stale"})
    assert answer.status == 401
    assert "Max-Age=0" in session_cookie(answer)


def test_signing_out_revokes_the_refresh_token_and_forgets_the_cookie(provider):
    call("POST", "/v1/session", START, user=None)
    out = call("DELETE", "/v1/session", user=None, cookies={"flattr_session": "refresh-secret-1"})
    assert out.status == 204
    assert provider.revoked == ["refresh-secret-1"]
    assert "Max-Age=0" in session_cookie(out)
    after = call(
        "POST", "/v1/session/refresh", user=None, cookies={"flattr_session": "refresh-secret-1"}
    )
    assert after.status == 401  # revoked at the provider: no new access token


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"redirect_uri": "https://evil.example/signed-in"}, "body.redirect_uri"),
        ({"code_verifier": "short"}, "body.code_verifier"),
        ({"code": ""}, "body.code"),
    ],
)
def test_a_bad_start_is_a_clear_4xx_naming_the_field(provider, change, field):
    answer = call("POST", "/v1/session", {**START, **change}, user=None)
    assert answer.status in (400, 422), answer.raw
    assert answer.json["errors"][0]["field"] == field
    assert provider.asked == []


def test_an_unknown_or_used_code_is_401(provider):
    answer = call("POST", "/v1/session", {**START, "code": "used"}, user=None)
    assert answer.status == 401 and answer.set_cookies == []


def test_a_provider_that_does_not_answer_is_502_not_500(aws):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, TOKEN_URL, body=requests.ConnectionError("down"))
        answer = call("POST", "/v1/session", START, user=None)
    assert answer.status == 502 and answer.json["type"] == "/problems/unavailable"

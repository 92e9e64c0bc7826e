"""The local sign-in, as a website uses it: OpenID discovery, the authorization code flow
with PKCE (the page asks for an email address), refresh and revocation; the access token
it gives is accepted by the API as Cognito's are in AWS."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

from local.auth import totp_code, typed_totp_code
from tests.e2e.conftest import Client

FORM = "application/x-www-form-urlencoded"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_in(stack: Client, email: str, totp_secret: str | None = None) -> tuple[dict, str, str]:
    """Discovery → the sign-in page → its form (and the TOTP step) → the code → tokens."""
    config = stack.request("GET", "/config.json").json
    discovery = stack.request("GET", config["authority"] + "/.well-known/openid-configuration").json
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": config["client_id"],
        "redirect_uri": f"{stack.base}/signed-in",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s-1",
        "scope": "openid email",
    }
    authorize = discovery["authorization_endpoint"]
    page = stack.request("GET", f"{authorize}?{urlencode(params)}")
    assert page.status == 200 and b'type="email"' in page.body
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    sent = stack.request(
        "POST", authorize, raw=urlencode({**params, "email": email}).encode(), content_type=FORM
    )
    if totp_secret is not None:
        assert sent.status == 200 and b'autocomplete="one-time-code"' in sent.body
        second = {**params, "email": email}
        wrong = "000000" if totp_code(totp_secret) != "000000" else "111111"
        refused = stack.request(
            "POST", authorize, raw=urlencode({**second, "totp": wrong}).encode(), content_type=FORM
        )
        assert refused.status == 400 and b"does not match" in refused.body
        second["totp"] = typed_totp_code(totp_secret)
        sent = stack.request("POST", authorize, raw=urlencode(second).encode(), content_type=FORM)
    assert sent.status == 302, sent.body
    back = urlsplit(sent.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == params["redirect_uri"]
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert query["state"] == "s-1"
    exchange = {
        "grant_type": "authorization_code",
        "client_id": config["client_id"],
        "code": query["code"],
        "redirect_uri": params["redirect_uri"],
        "code_verifier": verifier,
    }
    tokens = stack.request(
        "POST", discovery["token_endpoint"], raw=urlencode(exchange).encode(), content_type=FORM
    )
    assert tokens.status == 200, tokens.body
    replay = stack.request(
        "POST", discovery["token_endpoint"], raw=urlencode(exchange).encode(), content_type=FORM
    )
    assert replay.status == 400 and replay.json["error"] == "invalid_grant"  # single use
    return discovery, config["client_id"], tokens.json


def test_a_website_signs_in_with_pkce_refreshes_and_signs_out(stack: Client):
    discovery, client_id, tokens = sign_in(stack, "Site.User@Example.org")
    me = stack.request("GET", "/v1/me", token=tokens["access_token"])
    assert me.status == 200 and me.json["email"] == "site.user@example.org"

    refresh = {"grant_type": "refresh_token", "client_id": client_id}
    refresh["refresh_token"] = tokens["refresh_token"]
    again = stack.request(
        "POST", discovery["token_endpoint"], raw=urlencode(refresh).encode(), content_type=FORM
    )
    assert again.status == 200 and "refresh_token" not in again.json
    assert stack.request("GET", "/v1/me", token=again.json["access_token"]).status == 200

    revoked = stack.request(
        "POST",
        discovery["revocation_endpoint"],
        raw=urlencode({"token": tokens["refresh_token"], "client_id": client_id}).encode(),
        content_type=FORM,
    )
    assert revoked.status == 200
    after = stack.request(
        "POST", discovery["token_endpoint"], raw=urlencode(refresh).encode(), content_type=FORM
    )
    assert after.status == 400 and after.json["error"] == "invalid_grant"


def test_the_sign_in_refuses_what_the_flow_forbids(stack: Client):
    config = stack.request("GET", "/config.json").json
    authorize = config["authority"] + "/oauth2/authorize"
    _, challenge = pkce()
    good = {
        "response_type": "code",
        "client_id": config["client_id"],
        "redirect_uri": f"{stack.base}/signed-in",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    for wrong in (
        {"redirect_uri": "https://evil.example/steal"},  # not this site
        {"code_challenge_method": "plain"},  # S256 only
        {"client_id": "someone-else"},
        {"response_type": "token"},  # no implicit flow
    ):
        answer = stack.request("GET", f"{authorize}?{urlencode({**good, **wrong})}")
        assert answer.status == 400, wrong
    _, verifier_challenge = pkce()
    sent = stack.request(
        "POST",
        authorize,
        raw=urlencode({**good, "code_challenge": verifier_challenge, "email": "a@b.org"}).encode(),
        content_type=FORM,
    )
    code = parse_qs(urlsplit(sent.headers["Location"]).query)["code"][0]
    wrong_verifier = {
        "grant_type": "authorization_code",
        "client_id": config["client_id"],
        "code": code,
        "redirect_uri": good["redirect_uri"],
        "code_verifier": "not-the-one",
    }
    token = stack.request(
        "POST",
        config["authority"] + "/oauth2/token",
        raw=urlencode(wrong_verifier).encode(),
        content_type=FORM,
    )
    assert token.status == 400 and token.json["error"] == "invalid_grant"


def test_with_totp_on_the_sign_in_asks_for_the_apps_code(stack: Client):
    """TOTP turned on through the API (Cognito's API with the user's access token); the
    next sign-in asks for the code, and its tokens say when (``auth_time``), through
    refreshes too: what the guard on money leaving an account reads."""
    _, client_id, tokens = sign_in(stack, "two.steps@example.org")
    token = tokens["access_token"]
    started = stack.request("POST", "/v1/me/totp", token=token)
    assert started.status == 201, started.body
    secret = started.json["secret"]
    verified = stack.request(
        "POST", "/v1/me/totp/verify", {"code": typed_totp_code(secret)}, token=token
    )
    assert verified.status == 200, verified.body
    assert stack.request("GET", "/v1/me/security", token=token).json["strong_until"] is None
    assert stack.request("POST", "/_local/clock", {"advance_seconds": 2}).status == 200
    discovery, _, again = sign_in(stack, "two.steps@example.org", totp_secret=secret)
    security = stack.request("GET", "/v1/me/security", token=again["access_token"]).json
    assert security["totp"] is True and security["strong_until"] is not None
    signed_at = jwt.decode(again["access_token"], options={"verify_signature": False})["auth_time"]
    refresh = {"grant_type": "refresh_token", "client_id": client_id}
    refresh["refresh_token"] = again["refresh_token"]
    refreshed = stack.request(
        "POST", discovery["token_endpoint"], raw=urlencode(refresh).encode(), content_type=FORM
    )
    claims = jwt.decode(refreshed.json["access_token"], options={"verify_signature": False})
    assert claims["auth_time"] == signed_at

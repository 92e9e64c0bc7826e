"""Connecting the local fake GitHub over HTTP: authorize → consent → callback → stars →
poll → activity flattrs; and the failure cases: wrong and replayed state, a wrong PKCE
verifier, a revoked token, a 429. The fake's OAuth server side is oauthlib's."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.e2e.conftest import Client, approve, start_connect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def consent(stack: Client, token: str, login: str) -> str:
    """Authorize, approve on the fake consent page; answer the callback URL it sends back."""
    consent_url = start_connect(stack, token)
    assert (
        "/_fake/github/login/oauth/authorize?" in consent_url and "code_challenge=" in consent_url
    )
    return approve(stack, consent_url, login)


def poll(stack: Client) -> dict:
    answer = stack.request("POST", "/_local/jobs/poll-connections", {})
    assert answer.status == 200, answer.body
    return answer.json


def advance(stack: Client, minutes: int) -> None:
    assert stack.request("POST", "/_local/clock", {"advance_seconds": minutes * 60}).status == 200


def test_connect_like_three_poll_three_flattrs_once(stack: Client):
    _, token = stack.sign_in("liker@example.org")
    callback = consent(stack, token, "alice")
    done = stack.request("GET", callback)
    assert done.status == 302 and done.headers["Location"] == "/settings?connected=github"
    assert stack.request("GET", callback).status == 400  # the state was single-use
    patched = stack.request("PATCH", "/v1/connections/github", {"auto_flattr": True}, token=token)
    assert patched.status == 200 and patched.json["handle"] == "alice"

    stars = {"login": "alice", "repos": ["psf/requests", "python/cpython", "torvalds/linux"]}
    assert stack.request("POST", "/_fake/github/_control/stars", stars).status == 200
    first = poll(stack)  # a new connection is due at once
    assert first["flattrs"] == 3, first
    flattrs = stack.request("GET", "/v1/flattrs", token=token).json["items"]
    ids = {
        login: stack.request("GET", f"/_fake/github/api/users/{login}").json["id"]
        for login in ("psf", "python", "torvalds")
    }
    # By account id: a login can be renamed and taken by someone else.
    assert sorted(f["recipient"]["key"] for f in flattrs) == sorted(
        f"github:{account}" for account in ids.values()
    )
    assert {f["source"] for f in flattrs} == {"activity"}
    advance(stack, 16)  # the scheduler polls again on its own
    assert poll(stack)["flattrs"] == 0
    assert len(stack.request("GET", "/v1/flattrs", token=token).json["items"]) == 3


def test_a_wrong_state_is_refused(stack: Client):
    _, token = stack.sign_in("wrong-state@example.org")
    callback = consent(stack, token, "bob")
    query = parse_qs(urlsplit(callback).query)
    forged = f"/v1/connections/github/callback?code={query['code'][0]}&state=forged"
    answer = stack.request("GET", forged)
    assert answer.status == 400 and answer.json["type"] == "/problems/invalid-state"


def test_the_fake_checks_pkce(stack: Client):
    _, token = stack.sign_in("pkce@example.org")
    callback = consent(stack, token, "carol")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    wrong = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "local-github",
            "redirect_uri": callback.split("?")[0],
            "code_verifier": "x" * 64,
        }
    ).encode()
    answer = stack.request(
        "POST",
        "/_fake/github/login/oauth/access_token",
        raw=wrong,
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status in (400, 401)


def test_revoked_token_and_429_are_per_connection(stack: Client):
    _, token = stack.sign_in("revoked@example.org")
    assert stack.request("GET", consent(stack, token, "dave")).status == 302
    stack.request("PATCH", "/v1/connections/github", {"auto_flattr": True}, token=token)
    assert stack.request("POST", "/_fake/github/_control/rate-limit", {"requests": 1}).status == 200
    assert poll(stack)["rate_limited"] == 1
    assert stack.request("POST", "/_fake/github/_control/revoke", {"login": "dave"}).status == 200
    advance(stack, 16)  # past Retry-After: the scheduler's poll meets the revoked token
    poll(stack)
    connections = stack.request("GET", "/v1/connections", token=token).json["items"]
    assert connections[0]["state"] == "needs_reauth"

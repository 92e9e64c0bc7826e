"""Connecting GitHub: authorize with PKCE and a single-use state, the callback, the
connection's rules, and polling stars into activity flattrs. GitHub is played by
``responses`` serving recorded shapes (no internet here)."""

from __future__ import annotations

import base64
import hashlib
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from functions.common import clock
from functions.connections.models import ConnectedIdentity
from functions.core.models import Connection, Flattr
from local.gateway import invoke
from local.recorded import github as recorded
from tests.conftest import call
from tests.integration.track_helpers import at_base

WEB = "https://github.com"
API = "https://api.github.com"


@pytest.fixture
def github(aws):
    at_base()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            f"{WEB}/login/oauth/access_token",
            json={"access_token": "gho_token", "token_type": "bearer", "scope": ""},
        )
        mock.get(f"{API}/user", json=recorded.USER)
        yield mock


# The binding cookie each flow's browser holds, by state: the callback sends it back.
BROWSER_COOKIES: dict[str, dict[str, str]] = {}


def authorize(user: str = "user-1", return_to: str = "/settings") -> dict[str, str]:
    answer = call(
        "GET", "/v1/connections/github/authorize", user=user, query=f"return_to={return_to}"
    )
    assert answer.status == 302, answer.raw
    location = answer.headers["location"]
    assert location.startswith(f"{WEB}/login/oauth/authorize?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    BROWSER_COOKIES[params["state"]] = answer.cookies
    return params


def callback(state: str, code: str = "the-code", cookies: dict[str, str] | None = None):
    return call(
        "GET",
        "/v1/connections/github/callback",
        user=None,
        query=f"code={code}&state={state}",
        cookies=BROWSER_COOKIES.get(state, {}) if cookies is None else cookies,
    )


def test_authorize_sends_pkce_and_a_state(github):
    params = authorize()
    assert params["client_id"] == "local-github"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["redirect_uri"] == "https://api.flattr.test/v1/connections/github/callback"
    assert len(params["state"]) >= 32


def test_callback_stores_the_connection_and_returns_to_our_page(github):
    params = authorize(return_to="/settings/connections")
    answer = callback(params["state"])
    assert answer.status == 302
    assert answer.headers["location"] == "/settings/connections?connected=github"
    token_request = next(c.request for c in github.calls if c.request.url.endswith("access_token"))
    body = parse_qs(token_request.body)
    verifier = body["code_verifier"][0]
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    assert challenge == params["code_challenge"]  # the verifier matches the challenge sent
    listed = call("GET", "/v1/connections").json
    (connection,) = listed["items"]
    assert connection == {
        "platform": "github",
        "handle": "octocat",
        "state": "active",
        "auto_flattr": False,
        "connected_at": connection["connected_at"],
        "recipients": ["github:583231", "github:octocat"],  # what it lets its user claim
    }
    platforms = {p["name"]: p for p in listed["platforms"]}  # what a page offers to connect
    assert platforms["github"] == {
        "name": "github",
        "display_name": "GitHub",
        "asks_server": False,
        "default_server": None,
    }
    assert platforms["mastodon"]["asks_server"] and platforms["mastodon"]["default_server"] is None
    assert platforms["bluesky"]["default_server"] == "bsky.social"
    stored = Connection.get("user-1", "github")
    assert stored.identity == "github#583231"
    assert "gho_token" not in stored.token  # sealed with KMS, never in the clear


def test_a_wrong_or_replayed_state_is_refused(github):
    assert callback("not-a-state").status == 400
    params = authorize()
    assert callback(params["state"]).status == 302
    replay = callback(params["state"])
    assert replay.status == 400 and replay.json["type"] == "/problems/invalid-state"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"]
)
def test_return_to_must_be_a_path_of_our_site(github, target):
    answer = call("GET", "/v1/connections/github/authorize", query=f"return_to={target}")
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "query.return_to"


def test_the_binding_cookie_is_http_only_lax_and_scoped_to_the_platform(github):
    answer = call("GET", "/v1/connections/github/authorize", query="return_to=/settings")
    (raw,) = answer.set_cookies
    assert raw.startswith("flattr_connect=") and len(answer.cookies["flattr_connect"]) >= 40
    assert "HttpOnly" in raw and "SameSite=Lax" in raw and "Max-Age=600" in raw
    assert "Path=/v1/connections/github/" in raw
    assert "Secure" in raw  # the public URL is https here; only loopback goes without


def test_a_callback_from_another_browser_is_refused_and_spends_the_state(github):
    state = authorize(user="user-1")["state"]
    other = callback(state, cookies={"flattr_connect": "someone-elses"})
    assert other.status == 403 and other.json["type"] == "/problems/other-browser"
    assert call("GET", "/v1/connections", user="user-1").json["items"] == []
    assert callback(state).status == 400  # spent: the right browser cannot reuse it


def test_proving_control_again_moves_the_account_to_the_new_user(github):
    assert callback(authorize(user="user-1")["state"]).status == 302
    moved = callback(authorize(user="user-2")["state"])
    assert moved.status == 302
    assert call("GET", "/v1/connections", user="user-1").json["items"] == []
    assert [c["handle"] for c in call("GET", "/v1/connections", user="user-2").json["items"]] == [
        "octocat"
    ]
    assert ConnectedIdentity.get("github#583231").user_id == "user-2"


def test_of_two_users_connecting_one_account_at_once_exactly_one_holds_it(github):
    states = {user: authorize(user=user)["state"] for user in ("user-1", "user-2")}
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def finish(user: str) -> None:
        barrier.wait()
        statuses[user] = callback(states[user]).status

    threads = [threading.Thread(target=finish, args=(user,)) for user in states]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Both proved control; the later one holds the account, never both.
    assert statuses == {"user-1": 302, "user-2": 302}
    owners = [u for u in states if call("GET", "/v1/connections", user=u).json["items"]]
    assert len(owners) == 1
    assert ConnectedIdentity.get("github#583231").user_id == owners[0]


def test_disconnecting_frees_the_account_for_someone_else(github):
    assert callback(authorize(user="user-1")["state"]).status == 302
    github.delete(f"{API}/applications/local-github/grant", status=204)
    assert call("DELETE", "/v1/connections/github", user="user-1").status == 204
    assert callback(authorize(user="user-2")["state"]).status == 302


def test_reconnecting_with_another_account_frees_the_first(github):
    assert callback(authorize(user="user-1")["state"]).status == 302
    github.replace(responses.GET, f"{API}/user", json={**recorded.USER, "id": 1, "login": "alt"})
    assert callback(authorize(user="user-1")["state"]).status == 302
    assert Connection.get("user-1", "github").identity == "github#1"
    github.replace(responses.GET, f"{API}/user", json=recorded.USER)
    assert callback(authorize(user="user-2")["state"]).status == 302  # octocat is free


def test_unknown_platform_and_missing_connection_are_404(github):
    assert call("GET", "/v1/connections/myspace/authorize").status == 404
    assert call("PATCH", "/v1/connections/github", body={"auto_flattr": True}).status == 404
    assert call("DELETE", "/v1/connections/github").status == 404


def connect_with_auto_flattr(github) -> None:
    assert callback(authorize()["state"]).status == 302
    assert call("PATCH", "/v1/connections/github", body={"auto_flattr": True}).json["auto_flattr"]


def poll() -> dict:
    return invoke("connections", "job_handler", {"job": "poll-connections"})


def stars_since_connecting(*names: str) -> list[dict]:
    after = clock.now()
    return [
        recorded.star(
            100 + i,
            owner,
            repo,
            (after + timedelta(minutes=len(names) - i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for i, (owner, repo) in enumerate(name.split("/") for name in names)
    ]


def test_stars_from_before_auto_flattr_do_not_count(github):
    connect_with_auto_flattr(github)
    github.get(f"{API}/user/starred", json=recorded.PAGE_1 + recorded.PAGE_2)  # all from 2026
    assert poll()["flattrs"] == 0


def test_three_stars_become_three_activity_flattrs_once(github):
    connect_with_auto_flattr(github)
    github.get(
        f"{API}/user/starred",
        json=stars_since_connecting("Torvalds/linux", "python/cpython", "psf/requests"),
    )
    clock.advance(600)
    summary = poll()
    assert summary["flattrs"] == 3 and summary["connections"] == 1
    flattrs = list(Flattr.query("user-1"))
    assert sorted(f.recipient for f in flattrs) == [
        "github:1000",  # Torvalds, python, psf by account id: a login can change hands
        "github:1010",
        "github:1020",
    ]
    from functions.core.ownership import aliases

    assert aliases.first_holder("github:psf") == "github:1020"  # the login, on record
    assert {f.source for f in flattrs} == {"activity"}
    clock.advance(16 * 60)
    again = poll()
    assert again["connections"] == 1 and again["flattrs"] == 0
    assert len(list(Flattr.query("user-1"))) == 3
    assert Connection.get("user-1", "github").cursor.startswith("2031-06-10T12:")


def test_a_revoked_token_marks_needs_reauth_and_others_go_on(github):
    connect_with_auto_flattr(github)
    github.get(f"{API}/user/starred", json=recorded.UNAUTHORIZED, status=401)
    assert poll()["needs_reauth"] == 1
    assert call("GET", "/v1/connections").json["items"][0]["state"] == "needs_reauth"
    clock.advance(3600)
    assert poll()["connections"] == 0  # not polled again until connected again


def test_429_postpones_by_retry_after(github):
    connect_with_auto_flattr(github)
    github.get(
        f"{API}/user/starred",
        json=recorded.RATE_LIMITED,
        status=429,
        headers={"Retry-After": "600"},
    )
    assert poll()["rate_limited"] == 1
    clock.advance(599)
    assert poll()["connections"] == 0
    clock.advance(2)
    assert poll()["connections"] == 1


def test_an_answer_that_spends_the_limit_postpones_the_next_poll_to_its_reset(github):
    connect_with_auto_flattr(github)
    reset = int(clock.now().timestamp()) + 3 * 3600
    github.get(
        f"{API}/user/starred",
        json=stars_since_connecting("psf/requests"),
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    clock.advance(60)
    assert poll()["flattrs"] == 1  # the answer itself is used
    assert Connection.get("user-1", "github").next_poll_at >= reset - 60
    clock.advance(2 * 3600)
    assert poll()["connections"] == 0  # not before the reset


def test_disconnect_revokes_at_github_and_deletes_the_connection(github):
    connect_with_auto_flattr(github)
    revoke = github.delete(f"{API}/applications/local-github/grant", status=204)
    assert call("DELETE", "/v1/connections/github").status == 204
    assert revoke.call_count == 1
    assert b"gho_token" in revoke.calls[0].request.body
    assert call("GET", "/v1/connections").json["items"] == []


def test_disconnect_works_when_the_platform_is_down(github):
    connect_with_auto_flattr(github)
    github.delete(
        f"{API}/applications/local-github/grant", body=requests.exceptions.ConnectionError("down")
    )
    assert call("DELETE", "/v1/connections/github").status == 204
    assert call("GET", "/v1/connections").json["items"] == []


def test_an_expired_token_is_refreshed_and_the_new_one_kept(github):
    import time

    from functions.common import crypto

    connect_with_auto_flattr(github)
    stored = Connection.get("user-1", "github")
    expired = {
        "access_token": "old",
        "refresh_token": "r1",
        "token_type": "bearer",
        "expires_in": -10,
        "expires_at": time.time() - 10,
    }
    stored.update(actions=[Connection.token.set(crypto.seal(expired, "user-1/github"))])
    refresh = github.post(
        f"{WEB}/login/oauth/access_token",
        json={
            "access_token": "new",
            "refresh_token": "r2",
            "token_type": "bearer",
            "expires_in": 28800,
        },
    )
    starred = github.get(f"{API}/user/starred", json=[])
    assert poll()["connections"] == 1
    assert refresh.call_count == 1 and "refresh_token=r1" in str(refresh.calls[0].request.body)
    assert starred.calls[0].request.headers["Authorization"] == "Bearer new"
    kept = crypto.open_sealed(Connection.get("user-1", "github").token, "user-1/github")
    assert kept["refresh_token"] == "r2"

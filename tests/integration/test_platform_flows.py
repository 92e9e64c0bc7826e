"""The connect flows other than GitHub's plain OAuth 2: Mastodon (our app registered per
server, the server named by the user and checked against SSRF), Flickr (OAuth 1.0a) and
Bluesky (PAR + DPoP, token not kept, likes from public records), and the per-app-key
budget shared by every user. The platforms are played by ``responses`` serving recorded
shapes (no internet here); DNS answers come from a stub resolver."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from functions.common import clock, safe_http
from functions.core.models import Connection, Flattr
from functions.core.platforms.base import AppLimit, RateLimited
from functions.core.platforms.bluesky import tid
from functions.core.platforms.budget import SharedBudget
from functions.core.platforms.models import AppBudget, OAuthClient
from local.gateway import invoke
from local.recorded import fediverse as shapes
from tests.conftest import Browser, call
from tests.integration.track_helpers import at_base

PUBLIC = {
    "mastodon.social": "199.232.1.10",
    "chaos.social": "185.1.1.1",
    "morel.us-east.host.bsky.network": "35.171.1.2",
    "bsky.social": "35.171.1.3",
    "pds.example.org": "93.184.215.20",
}
PRIVATE = {"evil.example.com": "10.0.0.7", "rebind.example.com": "169.254.169.254"}


def stub_resolver(name: str, port: int, **_: object) -> list:
    address = {**PUBLIC, **PRIVATE}.get(name)
    if address is None:
        raise socket.gaierror("no such host")
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


BROWSER = Browser()  # every flow here starts and ends in the same browser


@pytest.fixture
def web(aws, monkeypatch):
    BROWSER.cookies.clear()
    at_base()
    monkeypatch.setattr(safe_http, "RESOLVER", stub_resolver)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def poll() -> dict:
    return invoke("connections", "job_handler", {"job": "poll-connections"})


# ------------------------------------------------------------------ Mastodon

SOCIAL = "https://mastodon.social"


def mastodon_server(mock, server: str = SOCIAL) -> None:
    mock.post(f"{server}/api/v1/apps", json=shapes.MASTODON_APP)
    mock.post(
        f"{server}/oauth/token",
        json={
            "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0",
            "token_type": "Bearer",
        },
    )
    mock.get(f"{server}/api/v1/accounts/verify_credentials", json=shapes.MASTODON_ACCOUNT)


def mastodon_authorize(user: str = "user-1", instance: str = "mastodon.social"):
    return BROWSER.call(
        "GET",
        "/v1/connections/mastodon/authorize",
        user=user,
        query=f"return_to=/settings&instance={instance}",
    )


def test_mastodon_registers_our_app_on_first_use_and_keeps_it(web):
    mastodon_server(web)
    first = mastodon_authorize()
    assert first.status == 302, first.raw
    location = first.headers["location"]
    assert location.startswith(f"{SOCIAL}/oauth/authorize?")
    params = query_of(location)
    assert params["client_id"] == shapes.MASTODON_APP["client_id"]
    assert params["code_challenge_method"] == "S256"
    assert params["scope"] == "read:accounts read:favourites"
    assert mastodon_authorize(user="user-2").status == 302
    registrations = [c for c in web.calls if c.request.url.endswith("/api/v1/apps")]
    assert len(registrations) == 1  # kept for the second user
    kept = OAuthClient.get("mastodon#mastodon.social")
    assert shapes.MASTODON_APP["client_secret"] not in kept.client_secret  # sealed
    sent = parse_qs(registrations[0].request.body)
    assert sent["redirect_uris"] == ["https://api.flattr.test/v1/connections/mastodon/callback"]


def test_mastodon_connect_poll_and_disconnect_on_the_users_server(web):
    mastodon_server(web)
    state = query_of(mastodon_authorize().headers["location"])["state"]
    back = BROWSER.call(
        "GET", "/v1/connections/mastodon/callback", user=None, query=f"code=c&state={state}"
    )
    assert back.status == 302 and back.headers["location"] == "/settings?connected=mastodon"
    token_request = parse_qs(
        next(c for c in web.calls if "/oauth/token" in c.request.url).request.body
    )
    assert token_request["client_id"] == [shapes.MASTODON_APP["client_id"]]
    assert "code_verifier" in token_request
    connection = Connection.get("user-1", "mastodon")
    assert connection.instance == "mastodon.social"
    assert connection.identity == "mastodon#14715@mastodon.social"
    assert connection.handle == "@trwnh@mastodon.social"

    web.get(
        f"{SOCIAL}/api/v1/favourites",
        json=[],
        headers={"Link": shapes.mastodon_links("mastodon.social", "1", "900")},
        match=[responses.matchers.query_param_matcher({"limit": "1"})],
    )
    web.get(
        f"{SOCIAL}/api/v1/favourites",
        json=[
            shapes.mastodon_status("111", "gargron", "mastodon.social"),
            shapes.mastodon_status("110", "bob", "chaos.social"),
        ],
        headers={"Link": shapes.mastodon_links("mastodon.social", "901", "902")},
        match=[responses.matchers.query_param_matcher({"limit": "40", "min_id": "900"})],
    )
    web.get(
        f"{SOCIAL}/api/v1/favourites",
        json=[],
        match=[responses.matchers.query_param_matcher({"limit": "40", "min_id": "902"})],
    )
    assert call("PATCH", "/v1/connections/mastodon", body={"auto_flattr": True}).status == 200
    assert poll()["flattrs"] == 0  # the first poll finds where "now" is
    clock.advance(16 * 60)
    assert poll()["flattrs"] == 2
    assert sorted(f.recipient for f in Flattr.query("user-1")) == [
        "mastodon:@bob@chaos.social",
        "mastodon:@gargron@mastodon.social",
    ]
    clock.advance(16 * 60)
    assert poll()["flattrs"] == 0

    web.post(f"{SOCIAL}/oauth/revoke", json={})
    assert call("DELETE", "/v1/connections/mastodon").status == 204
    revoke = next(c for c in web.calls if c.request.url.endswith("/oauth/revoke"))
    assert parse_qs(revoke.request.body)["client_id"] == [shapes.MASTODON_APP["client_id"]]


@pytest.mark.parametrize(
    ("instance", "reason"),
    [
        ("", "name your server"),
        ("evil.example.com", "private address"),
        ("rebind.example.com", "private address"),
        ("10.0.0.7", "not a public host name"),
        ("localhost", "not a public host name"),
        ("mastodon.social:8443", "not a public host name"),
        ("unknown.example.org", "does not resolve"),
    ],
)
def test_mastodon_server_must_be_a_public_host(web, instance, reason):
    answer = mastodon_authorize(instance=instance)
    assert answer.status == 422, answer.raw
    assert answer.json["errors"][0]["field"] == "query.instance"
    assert reason in answer.json["detail"] or reason in json.dumps(answer.json)
    assert not [c for c in web.calls]  # nothing was sent anywhere


def test_mastodon_server_that_will_not_register_is_a_clear_422(web):
    web.post(f"{SOCIAL}/api/v1/apps", status=503, body="maintenance")
    answer = mastodon_authorize()
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "query.instance"


def test_registration_redirected_elsewhere_is_refused(web):
    web.post(
        f"{SOCIAL}/api/v1/apps", status=307, headers={"Location": "https://evil.example.com/x"}
    )
    assert mastodon_authorize().status == 422
    assert not [c for c in web.calls if "evil" in c.request.url]


def test_a_person_who_says_no_returns_to_our_page_with_nothing_stored(web):
    mastodon_server(web)
    state = query_of(mastodon_authorize().headers["location"])["state"]
    back = BROWSER.call(
        "GET",
        "/v1/connections/mastodon/callback",
        user=None,
        query=f"error=access_denied&state={state}",
    )
    assert back.status == 302
    assert back.headers["location"] == "/settings?connect_error=mastodon"
    assert list(Connection.query("user-1")) == []


# ------------------------------------------------------------------ Flickr (OAuth 1.0a)

FLICKR = "https://www.flickr.com/services/oauth"


def _text(header: str | bytes) -> str:
    return header.decode() if isinstance(header, bytes) else header


def flickr_authorize():
    return BROWSER.call("GET", "/v1/connections/flickr/authorize", query="return_to=/settings")


def test_flickr_connects_with_oauth1(web):
    web.post(f"{FLICKR}/request_token", body=shapes.FLICKR_REQUEST_TOKEN)
    web.post(f"{FLICKR}/access_token", body=shapes.FLICKR_ACCESS_TOKEN)
    answer = flickr_authorize()
    assert answer.status == 302, answer.raw
    location = answer.headers["location"]
    assert location.startswith(f"{FLICKR}/authorize?")
    params = query_of(location)
    assert params == {"oauth_token": "72157626737672178-022bbd2f4c2f3432", "perms": "read"}
    signed = _text(web.calls[0].request.headers["Authorization"])
    assert (
        'oauth_callback="https%3A%2F%2Fapi.flattr.test%2Fv1%2Fconnections%2Fflickr%2Fcallback"'
        in signed
    )

    back = BROWSER.call(
        "GET",
        "/v1/connections/flickr/callback",
        user=None,
        query=f"oauth_token={params['oauth_token']}&oauth_verifier=5d1b96a26b494074",
    )
    assert back.status == 302 and back.headers["location"] == "/settings?connected=flickr"
    access = _text(web.calls[1].request.headers["Authorization"])
    assert 'oauth_verifier="5d1b96a26b494074"' in access
    connection = Connection.get("user-1", "flickr")
    assert connection.identity == "flickr#21207597@N07"
    assert "a202d1f853ec69de" not in connection.token  # the token secret is sealed
    replay = BROWSER.call(
        "GET",
        "/v1/connections/flickr/callback",
        user=None,
        query=f"oauth_token={params['oauth_token']}&oauth_verifier=5d1b96a26b494074",
    )
    assert replay.status == 400  # the request token is single-use, like a state


def test_flickr_callback_without_verifier_is_a_clear_400(web):
    answer = BROWSER.call(
        "GET", "/v1/connections/flickr/callback", user=None, query="oauth_token=x"
    )
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "query.oauth_verifier"


# ------------------------------------------------------------------ Bluesky (PAR + DPoP)

BSKY = "https://bsky.social"


def bluesky_server(
    mock, *, authorization_servers: list[str] | None = None, server: str = BSKY
) -> None:
    nonce_asked = {"par": False}

    def par(request):
        assert "DPoP" in request.headers  # every request to the server is DPoP-proofed
        if not nonce_asked["par"]:
            nonce_asked["par"] = True
            return (400, {"DPoP-Nonce": "n-1"}, json.dumps({"error": "use_dpop_nonce"}))
        return (
            201,
            {},
            json.dumps({"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 299}),
        )

    mock.add_callback(responses.POST, f"{server}/oauth/par", callback=par)
    mock.post(
        f"{server}/oauth/token",
        json={
            "access_token": "eyJhbGciOiJFUzI1NiJ9.e30.sig",
            "token_type": "DPoP",
            "expires_in": 3600,
            "scope": "atproto",
            "sub": shapes.ALICE_DID,
        },
    )
    mock.get(f"https://plc.directory/{shapes.ALICE_DID}", json=shapes.DID_DOCUMENT)
    resource = dict(shapes.PROTECTED_RESOURCE)
    if authorization_servers is not None:
        resource["authorization_servers"] = authorization_servers
    mock.get(f"{shapes.PDS}/.well-known/oauth-protected-resource", json=resource)


def test_bluesky_connects_with_par_and_dpop_and_keeps_no_token(web):
    bluesky_server(web)
    answer = BROWSER.call("GET", "/v1/connections/bluesky/authorize", query="return_to=/settings")
    assert answer.status == 302, answer.raw
    assert answer.headers["location"].startswith(f"{BSKY}/oauth/authorize?")
    params = query_of(answer.headers["location"])
    assert params["request_uri"] == "urn:ietf:params:oauth:request_uri:abc"
    assert params["client_id"] == "https://api.flattr.test/oauth/bluesky/client.json"
    pushed = parse_qs(web.calls[-1].request.body)
    assert pushed["code_challenge_method"] == ["S256"] and "state" in pushed
    state = pushed["state"][0]

    back = BROWSER.call(
        "GET",
        "/v1/connections/bluesky/callback",
        user=None,
        query=f"code=cod-1&state={state}&iss=https%3A%2F%2Fbsky.social",
    )
    assert back.status == 302, back.raw
    token_call = next(c for c in web.calls if c.request.url.endswith("/oauth/token"))
    assert "DPoP" in token_call.request.headers
    assert "code_verifier" in parse_qs(token_call.request.body)
    connection = Connection.get("user-1", "bluesky")
    assert connection.identity == f"bluesky#{shapes.ALICE_DID}"
    assert connection.handle == "alice.bsky.social"
    assert connection.token is None  # likes are public records: no token is kept

    assert call("PATCH", "/v1/connections/bluesky", body={"auto_flattr": True}).status == 200
    later = clock.now() + timedelta(minutes=5)
    web.get(
        f"{shapes.PDS}/xrpc/com.atproto.repo.listRecords",
        json={
            "records": [
                shapes.bluesky_like(tid(later), shapes.BOB_DID, "3kpost", "2031-06-10T12:05:00Z"),
                shapes.bluesky_like(
                    tid(clock.now() - timedelta(days=3)), shapes.BOB_DID, "3kold", "x"
                ),
            ]
        },
    )
    clock.advance(16 * 60)
    summary = poll()
    assert summary["flattrs"] == 1, summary
    assert [f.recipient for f in Flattr.query("user-1")] == [f"bluesky:{shapes.BOB_DID}"]
    clock.advance(16 * 60)
    assert poll()["flattrs"] == 0


def test_bluesky_refuses_an_account_whose_server_is_another(web):
    bluesky_server(web, authorization_servers=["https://evil.example.com"])
    answer = BROWSER.call("GET", "/v1/connections/bluesky/authorize", query="return_to=/settings")
    state = parse_qs(web.calls[-1].request.body)["state"][0]
    assert answer.status == 302
    back = BROWSER.call(
        "GET", "/v1/connections/bluesky/callback", user=None, query=f"code=c&state={state}"
    )
    assert back.status == 400, back.raw
    assert list(Connection.query("user-1")) == []


def test_an_account_on_a_self_hosted_pds_authorizes_at_its_own_server(web):
    own = "https://pds.example.org"
    bluesky_server(web, authorization_servers=[own], server=own)
    answer = BROWSER.call(
        "GET",
        "/v1/connections/bluesky/authorize",
        query="return_to=/settings&instance=pds.example.org",
    )
    assert answer.status == 302, answer.raw
    assert answer.headers["location"].startswith(f"{own}/oauth/authorize?")
    state = parse_qs(web.calls[-1].request.body)["state"][0]
    back = BROWSER.call(
        "GET", "/v1/connections/bluesky/callback", user=None, query=f"code=c&state={state}"
    )
    assert back.status == 302, back.raw
    connection = Connection.get("user-1", "bluesky")
    assert (connection.identity, connection.instance) == (
        f"bluesky#{shapes.ALICE_DID}",
        "pds.example.org",
    )


def test_a_bluesky_server_on_a_private_address_is_refused(web):
    answer = BROWSER.call(
        "GET",
        "/v1/connections/bluesky/authorize",
        query="return_to=/settings&instance=evil.example.com",
    )
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "query.instance"


def test_bluesky_client_metadata_names_our_callback(web):
    answer = call("GET", "/oauth/bluesky/client.json", user=None)
    assert answer.status == 200
    assert answer.json["client_id"] == "https://api.flattr.test/oauth/bluesky/client.json"
    assert answer.json["redirect_uris"] == [
        "https://api.flattr.test/v1/connections/bluesky/callback"
    ]
    assert answer.json["dpop_bound_access_tokens"] is True


# ------------------------------------------------------------------ per-app-key budget


def test_the_app_budget_is_shared_by_every_caller_exactly(aws):
    budget = SharedBudget()
    limit = (AppLimit(20, 3600),)
    granted: list[int] = []
    refused: list[int] = []

    def spend(n: int) -> None:
        for _ in range(n):
            try:
                budget.take("flickr", limit)
                granted.append(1)
            except RateLimited as limited:
                refused.append(limited.retry_after)

    threads = [threading.Thread(target=spend, args=(5,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 20 and len(refused) == 20
    assert all(0 < wait <= 3600 for wait in refused)
    clock.advance(3600)
    budget.take("flickr", limit)  # a new window
    assert sum(item.used for item in AppBudget.scan()) == 21


def test_a_spent_budget_postpones_polls_without_marking_them_broken(web, monkeypatch):
    from functions.core.platforms.flickr import Flickr

    monkeypatch.setattr(Flickr, "app_limits", (AppLimit(1, 3600),))
    for user in ("user-1", "user-2"):
        Connection(
            user,
            "flickr",
            identity=f"flickr#{user}",
            handle=user,
            auto_flattr=True,
            token=None,
            cursor="1",
            next_poll_at=0,
        ).save()
    from functions.common import crypto

    for connection in Connection.scan():
        name = f"{connection.user_id}/flickr"
        connection.update(
            actions=[
                Connection.token.set(
                    crypto.seal({"oauth_token": "t", "oauth_token_secret": "s"}, name)
                )
            ]
        )
    web.get("https://api.flickr.com/services/rest", json=shapes.flickr_favourites([], pages=1))
    summary = poll()
    assert summary["connections"] == 2 and summary["rate_limited"] == 1
    assert len([c for c in web.calls if "services/rest" in c.request.url]) == 1
    assert {c.state for c in Connection.scan()} == {"active"}

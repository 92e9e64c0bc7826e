"""The platform adapters against fakes that check what each real platform checks:
required headers, the client authentication method its documentation names, exact
endpoint URLs, single-use refresh tokens, what a revocation must name. Played by
``responses`` (no internet here), from the platforms' documentation and the open-source
clients that call the same endpoints (Liberapay's ``elsewhere/``, vimeo.py)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from functions.common import crypto
from functions.core.models import Connection
from functions.core.platforms.base import RateLimited
from functions.core.platforms.registry import CONNECTABLE
from local.gateway import invoke
from local.provision import read_secret
from local.recorded import fediverse, others
from tests.conftest import Browser
from tests.integration.track_helpers import at_base

BROWSER = Browser()


@pytest.fixture
def web(aws):
    BROWSER.cookies.clear()
    at_base()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def client_of(platform: str) -> tuple[str, str]:
    """Our OAuth client on ``platform``, as provisioned in the emulated account."""
    found = read_secret(f"flattr/oauth/{platform}")
    return found["client_id"], found["client_secret"]


def _form(request: Any) -> dict[str, str]:
    body = request.body or ""
    body = body.decode() if isinstance(body, bytes) else body
    return {k: v[0] for k, v in parse_qs(body).items()}


def _json(status: int, payload: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload)


def token_endpoint(mock: Any, url: str, platform: str, auth: str, token: dict[str, Any]) -> None:
    """A token endpoint that accepts our client only by the method the platform documents
    (``basic``: HTTP Basic and no secret in the form; ``body``: the form's client_secret)."""
    client_id, secret = client_of(platform)

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        form = _form(request)
        header = request.headers.get("Authorization", "")
        if auth == "basic":
            expected = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            ok = header == expected and "client_secret" not in form
        else:
            ok = form.get("client_id") == client_id and form.get("client_secret") == secret
        if not ok or form.get("grant_type") != "authorization_code":
            return _json(401, {"error": "invalid_client"})
        return _json(200, token)

    mock.add_callback(responses.POST, url, callback=answer)


def connect(platform: str) -> Any:
    """Authorize, then come back from the platform with a code, in one browser."""
    started = BROWSER.call(
        "GET", f"/v1/connections/{platform}/authorize", query="return_to=/settings"
    )
    assert started.status == 302, started.raw
    state = parse_qs(started.headers["location"].split("?", 1)[1])["state"][0]
    return BROWSER.call(
        "GET", f"/v1/connections/{platform}/callback", user=None, query=f"code=c0de&state={state}"
    )


BEARER = {"access_token": "at-1", "token_type": "bearer", "expires_in": 3600}


# ------------------------------------------------------------------ connect flows


def test_twitch_identity_is_asked_with_our_client_id(web):
    token_endpoint(web, "https://id.twitch.tv/oauth2/token", "twitch", "body", BEARER)
    client_id, _ = client_of("twitch")

    def helix(request: Any) -> tuple[int, dict[str, str], str]:
        if request.headers.get("Client-Id") != client_id or not request.headers.get(
            "Authorization", ""
        ).startswith("Bearer "):
            return _json(401, {"error": "Unauthorized", "message": "Client ID and OAuth token"})
        return _json(200, others.TWITCH_USERS)

    web.add_callback(responses.GET, "https://api.twitch.tv/helix/users", callback=helix)
    back = connect("twitch")
    assert back.status == 302 and back.headers["location"] == "/settings?connected=twitch"
    assert Connection.get("user-1", "twitch").identity == "twitch#141981764"


def test_youtube_exchanges_the_code_at_googles_token_endpoint_and_needs_no_handle(web):
    token_endpoint(web, "https://oauth2.googleapis.com/token", "youtube", "body", BEARER)
    channel = {"items": [{"id": "UC_x5XG1OV2P6uZZ5FSM9Ttw", "snippet": {"title": "No handle"}}]}
    web.get("https://www.googleapis.com/youtube/v3/channels", json=channel)
    back = connect("youtube")
    assert back.status == 302 and back.headers["location"] == "/settings?connected=youtube"
    connection = Connection.get("user-1", "youtube")
    assert connection.identity == "youtube#UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert connection.handle is None


def test_a_google_account_without_a_channel_is_told_so(web):
    token_endpoint(web, "https://oauth2.googleapis.com/token", "youtube", "body", BEARER)
    web.get("https://www.googleapis.com/youtube/v3/channels", json={"items": []})
    back = connect("youtube")
    assert back.status == 422 and back.json["type"] == "/problems/no-account"
    assert list(Connection.query("user-1")) == []


def test_vimeo_authenticates_our_client_with_http_basic(web):
    token_endpoint(web, "https://api.vimeo.com/oauth/access_token", "vimeo", "basic", BEARER)
    web.get("https://api.vimeo.com/me", json=others.VIMEO_ME)
    back = connect("vimeo")
    assert back.status == 302 and back.headers["location"] == "/settings?connected=vimeo"
    assert Connection.get("user-1", "vimeo").identity == "vimeo#152184"


# ------------------------------------------------------------------ refresh

SOUNDCLOUD_TOKEN = "https://secure.soundcloud.com/oauth/token"
LIKES = "https://api.soundcloud.com/me/likes/tracks"


def single_use_refresh(mock: Any) -> list[str]:
    """SoundCloud's token endpoint: each refresh token works once (``spent`` lists them)."""
    spent: list[str] = []
    live = {"r1"}

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        presented = _form(request).get("refresh_token", "")
        if presented not in live:
            return _json(400, {"error": "invalid_grant"})
        live.discard(presented)
        spent.append(presented)
        fresh = f"r{len(spent) + 1}"
        live.add(fresh)
        return _json(
            200,
            {
                "access_token": f"a{len(spent) + 1}",
                "refresh_token": fresh,
                "token_type": "bearer",
                "expires_in": 3600,
            },
        )

    mock.add_callback(responses.POST, SOUNDCLOUD_TOKEN, callback=answer)
    return spent


def soundcloud_connection(refresh_token: str = "r1") -> Connection:
    token = {
        "access_token": "a1",
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_at": time.time() - 60,  # expired: the next request refreshes it first
    }
    connection = Connection(
        "user-1",
        "soundcloud",
        identity="soundcloud#soundcloud:users:1",
        handle="me",
        state="active",
        auto_flattr=True,
        cursor=json.dumps(["soundcloud:tracks:0"]),
        token=crypto.seal(token, "user-1/soundcloud"),
        next_poll_at=0,
    )
    connection.save()
    return connection


def poll() -> dict[str, Any]:
    return invoke("connections", "job_handler", {"job": "poll-connections"})


def test_a_refused_refresh_marks_the_connection_needs_reauth(web):
    single_use_refresh(web)
    soundcloud_connection(refresh_token="revoked")
    summary = poll()
    assert summary["needs_reauth"] == 1 and summary["failed"] == 0
    assert Connection.get("user-1", "soundcloud").state == "needs_reauth"


def test_a_crash_after_a_refresh_loses_nothing_the_new_token_was_stored_first(web):
    spent = single_use_refresh(web)
    soundcloud_connection()
    web.get(LIKES, status=503)  # the request the refresh was for fails: the Lambda's poll fails
    assert poll()["failed"] == 1
    assert spent == ["r1"]
    web.replace(
        responses.GET,
        LIKES,
        json={"collection": [fediverse.soundcloud_track(7, "flume")], "next_href": None},
        # SoundCloud's documented scheme, with the token the refresh gave and we stored.
        match=[responses.matchers.header_matcher({"Authorization": "OAuth a2"})],
    )
    Connection.get("user-1", "soundcloud").update(actions=[Connection.next_poll_at.set(0)])
    summary = poll()  # with the stored token; r1 would now be refused
    assert summary["flattrs"] == 1 and summary["needs_reauth"] == 0
    assert Connection.get("user-1", "soundcloud").state == "active"


def test_a_refreshed_token_is_stored_even_when_dynamodb_refuses_once(web, monkeypatch):
    from pynamodb.exceptions import UpdateError

    single_use_refresh(web)
    soundcloud_connection()
    web.get(
        LIKES,
        json={"collection": [], "next_href": None},
        match=[responses.matchers.header_matcher({"Authorization": "OAuth a2"})],
    )
    real_update = Connection.update
    refusals = iter([True])

    def throttled_once(self: Connection, *args: Any, **kwargs: Any) -> Any:
        if next(refusals, False):
            raise UpdateError("ProvisionedThroughputExceededException")
        return real_update(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "update", throttled_once)
    assert poll()["failed"] == 0
    stored = Connection.get("user-1", "soundcloud")
    assert crypto.open_sealed(stored.token, "user-1/soundcloud")["refresh_token"] == "r2"


# ------------------------------------------------------------------ limits


@responses.activate
def test_githubs_secondary_limit_waits_as_told():
    github = CONNECTABLE["github"]
    responses.get(
        "https://api.github.com/user",
        status=403,
        headers={"Retry-After": "77"},
        json={"message": "You have exceeded a secondary rate limit."},
    )
    with pytest.raises(RateLimited) as limited:
        github.identity(requests.Session())
    assert limited.value.retry_after == 77


def test_mastodon_budgets_each_server_apart():
    mastodon = CONNECTABLE["mastodon"]
    assert mastodon.at("chaos.social").budget_key == "mastodon@chaos.social"
    assert mastodon.at("mastodon.social").budget_key == "mastodon@mastodon.social"
    assert mastodon.app_limits and CONNECTABLE["soundcloud"].app_limits == ()


# ------------------------------------------------------------------ revocation


def test_twitch_revokes_the_access_token(web):
    client_id, _ = client_of("twitch")

    def revoke(request: Any) -> tuple[int, dict[str, str], str]:
        form = _form(request)
        ok = form.get("token") == "at-1" and form.get("client_id") == client_id
        return (200, {}, "") if ok else _json(400, {"message": "Invalid token"})

    web.add_callback(responses.POST, "https://id.twitch.tv/oauth2/revoke", callback=revoke)
    assert CONNECTABLE["twitch"].revoke({"access_token": "at-1", "refresh_token": "rt-1"})


def test_google_vimeo_and_soundcloud_revoke_where_they_document_it(web):
    web.post("https://oauth2.googleapis.com/revoke", status=200)
    web.delete(
        "https://api.vimeo.com/tokens",
        status=204,
        match=[responses.matchers.header_matcher({"Authorization": "Bearer at-1"})],
    )
    web.post(
        "https://secure.soundcloud.com/sign-out",
        status=200,
        match=[responses.matchers.json_params_matcher({"access_token": "at-1"})],
    )
    token = {"access_token": "at-1", "refresh_token": "rt-1"}
    assert CONNECTABLE["youtube"].revoke(token)
    assert CONNECTABLE["vimeo"].revoke(token)
    assert CONNECTABLE["soundcloud"].revoke(token)


@pytest.mark.parametrize(("status", "revoked"), [(204, True), (422, True), (404, False)])
def test_github_revocation_404_is_not_success(web, status, revoked):
    client_id, _ = client_of("github")
    web.delete(f"https://api.github.com/applications/{client_id}/grant", status=status)
    assert CONNECTABLE["github"].revoke({"access_token": "gho_x"}) is revoked


# ------------------------------------------------------------------ handles and ids


def test_flickr_likes_are_keyed_by_nsid_and_put_the_path_alias_on_record(web):
    """Flickr gives the owner's path alias only when asked (``extras=path_alias``); the
    flattr goes to the NSID, and the alias → NSID pair is recorded, so the account can
    claim what URLs naming ``flickr.com/photos/nasa`` earned."""
    from functions.core.ownership import aliases

    def favourites(request: Any) -> tuple[int, dict[str, str], str]:
        query = dict(parse_qs(request.url.split("?", 1)[1]))
        answer = fediverse.flickr_favourites([("9001", "35067687@N04", int(time.time()))])
        if "path_alias" in query.get("extras", [""])[0]:
            answer["photos"]["photo"][0]["pathalias"] = "nasa"
        return 200, {}, json.dumps(answer)

    web.add_callback(responses.GET, "https://api.flickr.com/services/rest", callback=favourites)
    Connection(
        "user-1",
        "flickr",
        identity="flickr#21207597@N07",
        handle="21207597@n07",
        state="active",
        auto_flattr=True,
        cursor=str(int(time.time()) - 3600),
        token=crypto.seal({"oauth_token": "t", "oauth_token_secret": "s"}, "user-1/flickr"),
        next_poll_at=0,
    ).save()
    summary = poll()
    assert summary["flattrs"] == 1, summary
    assert aliases.first_holder("flickr:nasa") == "flickr:35067687@n04"

"""Handles settled to account ids (issue 16): a URL that names an account only by its
handle (github.com/octocat, mastodon.social/@Gargron, twitch.tv/twitchdev, a Flickr
alias) waits while the lookup worker asks the platform for the account's id; money is then
keyed by the id, as a connection proves it, and the (handle, id) pair is put on record.
A handle the platform does not know, or a platform we hold no key for, keeps the handle's
own key.

The platforms are not reachable here: their answers are the documented shapes of
``local/recorded/handles.py``, served with ``responses``; host names resolve through
a stub (public addresses)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import responses

from functions.common import clock
from functions.common.settings import settings
from functions.core.ownership import aliases
from functions.core.platforms.flickr import Flickr
from functions.core.platforms.github import GitHub
from functions.core.platforms.twitch import Twitch
from local.queues import drain
from local.recorded import handles
from tests.conftest import call
from tests.integration.claim_helpers import connect
from tests.integration.net_helpers import public_web
from tests.integration.track_helpers import attend, report

PUBLIC = {
    "api.github.com": "140.82.121.6",
    "mastodon.social": "151.101.1.91",
    "example.social": "93.184.215.30",
    "social.example.social": "93.184.215.31",
    "id.twitch.tv": "151.101.2.167",
    "api.twitch.tv": "151.101.2.168",
    "api.flickr.com": "13.227.219.10",
}


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(OWNER_LOOKUPS="on", HANDLE_LOOKUPS="on")
    with public_web(monkeypatch, PUBLIC) as mock:
        yield mock


def app_key(platform: str) -> None:
    """Our app's key on ``platform`` (the stack has a made-up one: made known here)."""
    boto3.client("secretsmanager", region_name="eu-west-1").put_secret_value(
        SecretId=f"flattr/oauth/{platform}",
        SecretString=json.dumps({"client_id": f"{platform}-app", "client_secret": "s3cret"}),
    )


def no_app_key(platform: str) -> None:
    boto3.client("secretsmanager", region_name="eu-west-1").delete_secret(
        SecretId=f"flattr/oauth/{platform}", ForceDeleteWithoutRecovery=True
    )


def flattr(url: str, user: str = "user-1") -> dict[str, Any]:
    (made,) = attend(report(url, 60, clock.now()), user=user).json["flattrs"]
    return made["recipient"]


def settled(url: str, user: str = "user-1") -> str:
    """Flattr ``url``: it waits for its handle's lookup; the worker settles it."""
    assert flattr(url, user)["platform"] == "pending"
    assert drain(settings().owner_lookups_queue_url, "track", "events_handler") == 1
    items = call("GET", "/v1/flattrs", user=user, query="month=2031-06").json["items"]
    return str(items[0]["recipient"]["key"])


def test_a_github_login_is_settled_to_its_account_id_which_a_connection_claims(web):
    app_key("github")
    asked = web.get(f"{GitHub().api_url}/users/octocat", json=handles.GITHUB_USER)
    assert settled("https://github.com/Octocat/Hello-World/issues/1") == "github:583231"
    # Asked once, as our app (5,000 an hour), and the pair put on record.
    (request,) = [c.request for c in web.calls]
    basic = base64.b64encode(b"github-app:s3cret").decode()
    assert request.headers["Authorization"] == f"Basic {basic}"
    assert aliases.first_holder("github:octocat") == "github:583231"
    # People see the login the account was last seen with, not its number.
    items = call("GET", "/v1/flattrs", query="month=2031-06").json["items"]
    assert items[0]["recipient"]["display_name"] == "octocat"
    # The answer is kept: another reader's flattr of the login goes to the id at once.
    assert flattr("https://gist.github.com/octocat/abc", user="user-2")["key"] == "github:583231"
    assert asked.call_count == 1
    # The account's connection proves that key (its id), whatever its login is now.
    connect("creator", "github", "583231", "octocat-renamed")
    proven = call("POST", "/v1/claims", {"recipient": "github:583231"}, user="creator")
    assert proven.status == 200, proven.raw


def test_a_login_github_does_not_know_keeps_its_own_key(web):
    web.get(f"{GitHub().api_url}/users/gone-away", json=handles.GITHUB_NOT_FOUND, status=404)
    assert settled("https://github.com/gone-away/tools") == "github:gone-away"


def test_a_spent_github_rate_limit_is_tried_again_later_not_taken_for_nobody(web):
    """GitHub answers a spent limit with 403 and ``x-ratelimit-remaining: 0``: not "no
    such login" (which would key the money by the login for the day)."""
    web.get(
        f"{GitHub().api_url}/users/octocat",
        json={"message": "API rate limit exceeded"},
        status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000"},
    )
    assert flattr("https://github.com/octocat")["platform"] == "pending"
    assert drain(settings().owner_lookups_queue_url, "track", "events_handler") == 0
    items = call("GET", "/v1/flattrs", query="month=2031-06").json["items"]
    assert items[0]["recipient"]["platform"] == "pending"  # still waiting: asked again


def test_a_mastodon_handle_is_settled_through_webfinger_to_its_servers_account_id(web):
    web.get(
        "https://mastodon.social/.well-known/webfinger",
        json=handles.webfinger("Gargron", "mastodon.social", "mastodon.social"),
        match=[
            responses.matchers.query_param_matcher({"resource": "acct:gargron@mastodon.social"})
        ],
    )
    web.get(
        "https://mastodon.social/api/v1/accounts/lookup",
        json=handles.mastodon_account("1", "Gargron", "mastodon.social"),
    )
    key = settled("https://mastodon.social/@Gargron/111")
    assert key == "mastodon:1@mastodon.social"  # as a connection proves it: <id>@<server>
    assert aliases.first_holder("mastodon:@gargron@mastodon.social") == key


def test_a_handle_on_a_domain_whose_server_is_elsewhere_is_asked_of_that_server(web):
    """``@alice@example.social`` lives on social.example.social: WebFinger on the handle's
    domain names the actor there, and that server knows her id."""
    web.get(
        "https://example.social/.well-known/webfinger",
        json=handles.webfinger("alice", "example.social", "social.example.social"),
    )
    web.get(
        "https://social.example.social/api/v1/accounts/lookup",
        json=handles.mastodon_account("77", "alice", "social.example.social"),
        match=[responses.matchers.query_param_matcher({"acct": "alice"})],
    )
    key = settled("https://mastodon.social/@alice@example.social")
    assert key == "mastodon:77@social.example.social"


def test_a_twitch_login_is_settled_with_our_apps_token_fetched_once(web):
    app_key("twitch")
    token = web.post("https://id.twitch.tv/oauth2/token", json=handles.TWITCH_TOKEN)
    web.get(
        f"{Twitch().api_url}/helix/users",
        json=handles.TWITCH_USERS,
        match=[responses.matchers.query_param_matcher({"login": "twitchdev"})],
    )
    web.get(
        f"{Twitch().api_url}/helix/users",
        json=handles.TWITCH_NO_USERS,
        match=[responses.matchers.query_param_matcher({"login": "nobody_here"})],
    )
    assert settled("https://www.twitch.tv/TwitchDev") == "twitch:141981764"
    helix = [c.request for c in web.calls if "helix" in c.request.url]
    assert helix[0].headers["Client-Id"] == "twitch-app"
    assert helix[0].headers["Authorization"] == f"Bearer {handles.TWITCH_TOKEN['access_token']}"
    assert settled("https://twitch.tv/nobody_here", user="user-2") == "twitch:nobody_here"
    assert token.call_count == 1  # kept until it expires


def test_without_our_apps_key_a_twitch_login_keeps_its_own_key_and_nothing_is_asked(web):
    no_app_key("twitch")
    assert settled("https://www.twitch.tv/twitchdev") == "twitch:twitchdev"
    assert len(web.calls) == 0


def test_a_flickr_alias_is_settled_to_its_nsid_and_an_nsid_needs_no_lookup(web):
    app_key("flickr")
    web.get(f"{Flickr().api_url}/services/rest", json=handles.FLICKR_USER)
    assert settled("https://www.flickr.com/photos/stewart/123") == "flickr:12037949754@n01"
    (request,) = [c.request for c in web.calls]
    assert "method=flickr.urls.lookupUser" in request.url and "api_key=flickr-app" in request.url
    direct = flattr("https://www.flickr.com/photos/12037949754@N01/456", user="user-2")
    assert direct["key"] == "flickr:12037949754@n01"


def test_with_handle_lookups_off_a_handle_keeps_its_key_at_once(web, setenv):
    setenv(HANDLE_LOOKUPS="off")
    assert flattr("https://github.com/octocat/hello")["key"] == "github:octocat"
    assert drain(settings().owner_lookups_queue_url, "track", "events_handler") == 0
    assert len(web.calls) == 0

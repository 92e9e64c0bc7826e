"""POST/GET/DELETE /v1/flattrs and GET /v1/resolve."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest

from functions.common import clock
from functions.core.models import Flattr, Recipient
from tests.conftest import call
from tests.integration.track_helpers import at_base, attend, explicit, my_flattrs, report

URL = "https://github.com/octocat/Hello-World"


@pytest.fixture
def now(aws):
    return at_base()


def test_explicit_flattr_201_then_200_with_the_same_flattr(now):
    event = str(uuid.uuid4())
    first = explicit(URL, event_id=event, title="Hello World")
    assert first.status == 201
    assert first.json["source"] == "button" and first.json["title"] == "Hello World"
    assert first.json["recipient"]["key"] == "github:octocat"
    again = explicit(URL, event_id=event)
    assert again.status == 200 and again.json == first.json


def test_second_explicit_flattr_of_the_page_on_the_same_day_returns_the_first(now):
    first = explicit(URL)
    second = explicit(URL + "/?utm_source=x")  # the same page once normalised
    assert second.status == 200 and second.json["id"] == first.json["id"]
    clock.advance(86400)
    assert explicit(URL).status == 201  # a new day
    assert len(my_flattrs()) == 2


def test_explicit_flattr_refusals_name_the_url(now):
    for url, reason in (
        ("ftp://x.example/", "not_http"),
        ("https://github.com/settings", "no_owner"),
    ):
        answer = explicit(url)
        assert answer.status == 422
        assert answer.json["errors"] == [{"field": "body.url", "message": reason}]


def test_own_recipient_is_refused(now):
    Recipient("github:octocat", claimed_by="user-1").save()
    answer = explicit(URL, user="user-1")
    assert answer.status == 422 and answer.json["errors"][0]["message"] == "own_recipient"
    assert explicit(URL, user="user-2").status == 201


def test_list_is_newest_first_with_paging_and_receiver_filter(now):
    Recipient("github:claimed", claimed_by="creator").save()
    for i in range(5):
        explicit(f"https://example{i}.org/")
        clock.advance(60)
    explicit("https://github.com/claimed/x")
    items = my_flattrs()
    assert [f["recipient"]["key"] for f in items][:2] == ["github:claimed", "web:example4.org"]
    page = call("GET", "/v1/flattrs", query="limit=2")
    assert len(page.json["items"]) == 2 and page.json["cursor"]
    rest = call("GET", "/v1/flattrs", query=f"limit=100&cursor={page.json['cursor']}")
    assert len(rest.json["items"]) == 4
    assert [f["recipient"]["key"] for f in my_flattrs(query="receiver=claimed")] == [
        "github:claimed"
    ]
    assert len(my_flattrs(query="receiver=unclaimed")) == 5
    assert my_flattrs(query="month=2031-05") == []
    assert my_flattrs(user="someone-else") == []


def test_a_cursor_of_another_user_or_garbage_is_422(now):
    for i in range(3):
        explicit(f"https://example{i}.org/")
    cursor = call("GET", "/v1/flattrs", query="limit=1").json["cursor"]
    assert call("GET", "/v1/flattrs", query=f"cursor={cursor}", user="other").status == 422
    assert call("GET", "/v1/flattrs", query="cursor=garbage!!").status == 422
    assert call("GET", "/v1/flattrs", query="limit=101").status == 422
    assert call("GET", "/v1/flattrs", query="month=2031-13").status == 422


def test_delete_a_flattr_of_the_current_month(now):
    flattr = explicit(URL).json
    assert call("DELETE", f"/v1/flattrs/{flattr['id']}", user="user-2").status == 404
    assert call("DELETE", f"/v1/flattrs/{flattr['id']}").status == 204
    assert my_flattrs() == []
    assert call("DELETE", f"/v1/flattrs/{flattr['id']}").status == 404


def test_a_flattr_of_a_past_month_cannot_be_taken_back(now):
    flattr = attend(report("https://example.com/a", 60, now - timedelta(minutes=2))).json[
        "flattrs"
    ][0]
    clock.move_to(now.replace(month=7, day=2))
    answer = call("DELETE", f"/v1/flattrs/{flattr['id']}")
    assert answer.status == 409 and answer.json["type"] == "/problems/month-closed"


def test_resolve_is_public_and_follows_the_contract(now):
    answer = call("GET", "/v1/resolve", user=None, query="url=https://github.com/Someone?si=1")
    assert answer.status == 200
    assert answer.json == {
        "url": "https://github.com/Someone",
        "flattrable": True,
        "reason": None,
        "recipient": {
            "key": "github:someone",
            "platform": "github",
            "display_name": "someone",
            "claimed": False,
        },
        "goes_to_creator": True,
        "pending": False,
        "retry_after": None,
    }
    # A YouTube video's channel is looked up by the worker: until then the answer says
    # so, with a retry hint.
    handle = call(
        "GET", "/v1/resolve", user=None, query="url=https://M.YouTube.com/watch?v=abcdefghijk"
    )
    assert handle.json["pending"] is True and handle.json["retry_after"] == 5
    assert handle.json["recipient"]["platform"] == "pending"
    Recipient("web:example.com", claimed_by="creator").save()
    site = call("GET", "/v1/resolve", user=None, query="url=https://www.example.com/x").json
    assert site["recipient"]["claimed"] is True and site["goes_to_creator"] is False
    refused = call("GET", "/v1/resolve", user=None, query="url=https://github.com/settings").json
    assert refused["flattrable"] is False and refused["reason"] == "no_owner"
    missing = call("GET", "/v1/resolve", user=None)
    assert missing.status == 422 and missing.json["errors"][0]["field"] == "query.url"


def test_declared_site_goes_to_the_declared_creator(now):
    Recipient("web:declared.example", declared_user="creator-9").save()
    flattr = explicit("https://declared.example/post").json
    assert flattr["recipient"]["key"] == "user:creator-9" and flattr["recipient"]["claimed"]


def test_a_secret_in_a_flattred_url_is_never_stored_or_shown(now):
    url = "https://example.com/story?p=42&sessiontoken=SECRET-1&email=ada%40example.org"
    answer = explicit(url)
    assert answer.status == 201, answer.raw
    assert answer.json["url"] == "https://example.com/story?p=42"
    stored = [f.url for f in Flattr.query("user-1")]
    assert stored == ["https://example.com/story?p=42"]
    resolved = call("GET", "/v1/resolve", user=None, query=f"url={quote(url)}")
    assert "SECRET" not in resolved.raw.decode() and "ada" not in resolved.raw.decode()

"""The Flattr REST API v2 for apps (issue 33, step 2; contract: api.md "Apps"): its
resources held to the shapes, codes and headers of its documentation
(``flattr/developers.flattr.net``: ``content/api`` and the examples of ``lib/flattr.rb``,
whose field names are written out below), an app's flattr under the usual rules, scopes,
revocation, and the hourly limits."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from functions.common import clock
from functions.core.models import Recipient
from tests.conftest import call
from tests.integration.app_helpers import FORM, token_for
from tests.integration.track_helpers import explicit, limits, my_flattrs

# The documentation's examples: the fields of each object (lib/flattr.rb).
USER = {"type", "resource", "link", "username", "firstname", "lastname", "avatar", "about",
        "city", "country", "url"}  # fmt: skip
MINI_USER = {"type", "resource", "link", "username"}
THING = {"type", "resource", "link", "id", "url", "title", "image", "flattrs", "owner",
         "created_at", "tags", "description", "hidden"}  # fmt: skip
MINI_THING = {"type", "resource", "link", "id", "url", "title", "image", "flattrs"}
FLATTR = {"type", "thing", "owner", "created_at"}
FLATTR_CREATE = {"message", "description", "thing"}
ERROR = {"error", "error_description", "error_uri"}
RATE_HEADERS = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-current",
                "x-ratelimit-reset"}  # fmt: skip

EPISODE = "https://github.com/octocat/podcast"


def v2(method: str, path: str, token: str | None = None, body=None, query: str = "", **kw):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return call(method, path, body, user=None, query=query, headers=headers, **kw)


def flattr_form(token: str, url: str):
    raw = urlencode({"url": url}).encode()
    headers = {**FORM, "authorization": f"Bearer {token}"}
    return call("POST", "/rest/v2/flattr", user=None, raw=raw, headers=headers)


@pytest.fixture
def listener(app) -> str:
    """A token of the app "Pod Player" for the person "listener", who may flattr."""
    return token_for(app, "listener", "flattr")


def test_an_app_flattrs_a_url_as_v2_answers_and_it_counts_once_a_day(listener):
    made = v2("POST", "/rest/v2/flattr", listener, {"url": EPISODE})
    assert made.status == 200, made.raw
    assert set(made.json) == FLATTR_CREATE and made.json["message"] == "ok"
    assert set(made.json["thing"]) >= MINI_THING and made.json["thing"]["url"] == EPISODE
    assert made.json["thing"]["flattrs"] == 1
    assert set(made.headers) >= RATE_HEADERS
    again = flattr_form(listener, EPISODE)  # a form body, as many v2 clients send
    assert again.status == 200, again.raw
    assert again.json["thing"]["id"] == made.json["thing"]["id"]
    mine = my_flattrs("listener")
    assert [(f["url"], f["source"], f["app"]) for f in mine] == [(EPISODE, "button", "Pod Player")]


def test_an_auto_submit_url_flattrs_its_url(listener):
    auto = "https://flattr.com/submit/auto?" + urlencode({"user_id": "someone", "url": EPISODE})
    made = v2("POST", "/rest/v2/flattr", listener, {"url": auto})
    assert made.status == 200, made.raw
    assert made.json["thing"]["url"] == EPISODE


@pytest.mark.parametrize(
    ("token", "status", "error"),
    [(None, 401, "unauthorized"), ("fa_not-a-token", 401, "unauthorized")],
)
def test_flattring_needs_a_live_token(app, token, status, error):
    refused = v2("POST", "/rest/v2/flattr", token, {"url": EPISODE})
    assert (refused.status, refused.json["error"]) == (status, error)
    assert set(refused.json) == ERROR
    assert refused.headers["content-type"].startswith("application/json")


def test_a_token_without_the_flattr_scope_reads_but_may_not_flattr(app):
    reader = token_for(app, "listener", "extendedread")
    assert v2("GET", "/rest/v2/user", reader).status == 200
    refused = v2("POST", "/rest/v2/flattr", reader, {"url": EPISODE})
    assert (refused.status, refused.json["error"]) == (403, "insufficient_scope")
    assert my_flattrs("listener") == []


def test_own_pages_unflattrable_ones_and_bad_bodies_get_v2_errors(listener):
    Recipient("github:octocat", claimed_by="listener").save()
    own = v2("POST", "/rest/v2/flattr", listener, {"url": EPISODE})
    assert (own.status, own.json["error"]) == (403, "flattr_owner")
    for body in ({"url": "not a url"}, {}, {"url": 7}):
        bad = v2("POST", "/rest/v2/flattr", listener, body)
        assert (bad.status, bad.json["error"]) == (400, "invalid_parameters"), body
    listed = v2("POST", "/rest/v2/flattr", listener, ["https://example.org/"])
    assert (listed.status, listed.json["error"]) == (400, "invalid_request")


def test_an_apps_flattrs_count_toward_the_daily_cap(monkeypatch, listener):
    with limits(monkeypatch, MAX_FLATTRS_PER_DAY="1"):
        explicit("https://example.org/first", user="listener")
        capped = v2("POST", "/rest/v2/flattr", listener, {"url": EPISODE})
    assert (capped.status, capped.json["error"]) == (403, "flattr_limit")


def test_lookup_answers_404_then_302_to_the_thing_with_or_without_a_slash(listener):
    missing = v2("GET", "/rest/v2/things/lookup", query=urlencode({"url": EPISODE}))
    assert missing.status == 404
    assert missing.json["message"] == "not_found"
    assert missing.json["description"] == "No thing was found"
    v2("POST", "/rest/v2/flattr", listener, {"url": EPISODE})
    for path in ("/rest/v2/things/lookup", "/rest/v2/things/lookup/"):
        found = v2("GET", path, query=urlencode({"url": EPISODE + "?utm_source=feed"}))
        assert found.status == 302, (path, found.raw)
        assert found.json == {"message": "found", "location": found.headers["location"]}
        assert found.headers["location"].split("/rest/v2/")[1].startswith("things/")
    auto = "https://flattr.com/submit/auto?" + urlencode({"url": EPISODE, "user_id": "x"})
    assert v2("GET", "/rest/v2/things/lookup", query=urlencode({"url": auto})).status == 302


def test_a_thing_as_v2_shows_it_to_the_public_and_to_the_flattrer(app, listener):
    Recipient("github:octocat", claimed_by="creator").save()
    assert call("PATCH", "/v1/me", {"username": "octo"}, user="creator").status == 200
    thing_id = v2("POST", "/rest/v2/flattr", listener, {"url": EPISODE}).json["thing"]["id"]
    other = token_for(app, "second", "flattr")
    again = v2("POST", f"/rest/v2/things/{thing_id}/flattr", other)
    assert again.status == 200 and again.json["thing"]["flattrs"] == 2, again.raw
    public = v2("GET", f"/rest/v2/things/{thing_id}")
    assert public.status == 200 and set(public.json) >= THING and "flattred" not in public.json
    assert public.json["id"] == thing_id and public.json["flattrs_user_count"] == 2
    assert set(public.json["owner"]) == MINI_USER and public.json["owner"]["username"] == "octo"
    seen = v2("GET", f"/rest/v2/things/{thing_id}/", listener)  # a trailing slash too
    assert seen.status == 200 and seen.json["flattred"] is True
    both = v2("GET", f"/rest/v2/things/{thing_id},{thing_id + 1}")
    assert [t["id"] for t in both.json] == [thing_id]


def test_what_is_not_there_is_v2s_404(aws):
    for path in ("/rest/v2/things/nothing_here", "/rest/v2/things/12345", "/rest/v2/users/nobody",
                 "/rest/v2/no/such/resource"):  # fmt: skip
        missing = v2("GET", path)
        assert missing.status == 404 and set(missing.json) == ERROR, path
        assert missing.json["error"] == "not_found"


def test_the_authenticated_user_shows_the_email_only_with_its_scope(app):
    call("PATCH", "/v1/me", {"username": "listens", "display_name": "Lis"}, user="listener")
    plain = v2("GET", "/rest/v2/user", token_for(app, "listener", "flattr"))
    assert plain.status == 200 and set(plain.json) == USER, plain.raw
    assert plain.json["username"] == "listens" and plain.json["firstname"] == "Lis"
    extended = v2("GET", "/rest/v2/user", token_for(app, "listener", "extendedread")).json
    assert "email" not in extended and isinstance(extended["registered_at"], int)
    with_email = v2("GET", "/rest/v2/user/", token_for(app, "listener", "email")).json
    assert with_email["email"] == "user@example.org"
    public = v2("GET", "/rest/v2/users/listens")
    assert public.status == 200 and set(public.json) == USER
    assert v2("GET", "/rest/v2/user").status == 401


def test_my_flattrs_as_v2_lists_them_newest_first_a_page_at_a_time(listener):
    for n in range(3):
        v2("POST", "/rest/v2/flattr", listener, {"url": f"https://github.com/octocat/ep{n}"})
        clock.advance(60)
    listed = v2("GET", "/rest/v2/user/flattrs", listener, query="count=2&page=1")
    assert listed.status == 200, listed.raw
    assert [set(f) - {"app"} for f in listed.json] == [FLATTR, FLATTR]
    assert [f["thing"]["url"][-3:] for f in listed.json] == ["ep2", "ep1"]
    assert listed.json[0]["app"] == "Pod Player" and set(listed.json[0]["thing"]) >= MINI_THING
    second = v2("GET", "/rest/v2/user/flattrs", listener, query="count=2&page=2&full=False")
    assert [f["thing"]["url"][-3:] for f in second.json] == ["ep0"]
    bad = v2("GET", "/rest/v2/user/flattrs", listener, query="count=many")
    assert (bad.status, bad.json["error"]) == (400, "invalid_parameters")


def test_a_revoked_app_fails_at_once(app, listener):
    assert v2("GET", "/rest/v2/user", listener).status == 200
    assert call("DELETE", f"/v1/me/apps/{app['client_id']}", user="listener").status == 204
    gone = v2("GET", "/rest/v2/user", listener)
    assert (gone.status, gone.json["error"]) == (401, "unauthorized")


def test_the_hourly_limit_is_told_in_headers_and_then_refused(monkeypatch, listener):
    from functions.common.limits import Limit
    from functions.track import restv2

    monkeypatch.setattr(restv2, "PER_PERSON", Limit("v2", 3, window=3600))
    seen = [v2("GET", "/rest/v2/user", listener) for _ in range(3)]
    assert [s.headers["x-ratelimit-remaining"] for s in seen] == ["2", "1", "0"]
    assert [s.headers["x-ratelimit-current"] for s in seen] == ["1", "2", "3"]
    over = v2("GET", "/rest/v2/user", listener)
    assert (over.status, over.json["error"]) == (403, "rate_limit_exceeded")
    assert over.headers["x-ratelimit-remaining"] == "0"
    told = v2("GET", "/rest/v2/rate_limit", listener)
    assert told.status == 200 and not RATE_HEADERS & set(told.headers)  # not itself limited
    assert told.json["hourly_limit"] == 3 and told.json["remaining_hits"] == 0
    assert set(told.json) == {"hourly_limit", "remaining_hits", "current_hits",
                              "reset_time_in_seconds", "reset_time"}  # fmt: skip
    assert v2("GET", "/rest/v2/things/lookup", query="url=https://a.example/").status == 404


def test_browsers_may_call_it_from_any_origin_with_a_token(listener):
    """v2 "supports CORS for all requests": a preflight is answered, every answer (an error
    too) may be read by any origin, its rate headers and Location included."""
    pre = call("OPTIONS", "/rest/v2/flattr", user=None, headers={"origin": "https://app.example"})
    assert pre.status == 204 and pre.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in pre.headers["access-control-allow-headers"]
    for answer in (v2("GET", "/rest/v2/user", listener), v2("GET", "/rest/v2/user")):
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "X-RateLimit-Remaining" in answer.headers["access-control-expose-headers"]


def test_a_json_suffix_names_the_default_format(listener):
    assert v2("GET", "/rest/v2/user.json", listener).json["type"] == "user"

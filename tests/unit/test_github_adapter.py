"""The GitHub adapter against recorded response shapes, served with ``responses``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from functions.core.platforms.base import NeedsReauth, RateLimited
from functions.core.platforms.github import GitHub
from local.recorded import github as recorded

API = "https://api.github.com"
STARRED = f"{API}/user/starred"


@pytest.fixture
def adapter(monkeypatch):
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    return GitHub()


@responses.activate
def test_identity_is_the_stable_id(adapter):
    responses.get(f"{API}/user", json=recorded.USER)
    identity = adapter.identity(requests.Session())
    assert (identity.stable_id, identity.handle) == ("583231", "octocat")


@responses.activate
def test_likes_follow_pages_and_map_owners(adapter):
    responses.get(
        STARRED,
        json=recorded.PAGE_1,
        headers={"Link": recorded.NEXT_LINK},
        match=[
            responses.matchers.query_param_matcher(
                {"sort": "created", "direction": "desc", "per_page": "100"}
            )
        ],
    )
    responses.get(
        STARRED, json=recorded.PAGE_2, match=[responses.matchers.query_param_matcher({"page": "2"})]
    )
    page = adapter.likes(requests.Session(), cursor=None)
    assert [(like.item_id, like.owner_key) for like in page.likes] == [
        ("3", "github:30"),
        ("2", "github:20"),
        ("1", "github:10"),
    ]
    assert page.likes[0].url == "https://github.com/Torvalds/linux"
    assert page.cursor == "2026-11-20T10:00:00Z"
    assert responses.calls[0].request.headers["Accept"] == "application/vnd.github.star+json"


@responses.activate
def test_the_cursor_stops_at_the_last_seen_star(adapter):
    responses.get(STARRED, json=recorded.PAGE_1, headers={"Link": recorded.NEXT_LINK})
    page = adapter.likes(requests.Session(), cursor="2026-11-19T09:00:00Z")
    assert [like.item_id for like in page.likes] == ["3"]
    assert page.cursor == "2026-11-20T10:00:00Z"
    assert len(responses.calls) == 1  # no second page once older stars appear


@responses.activate
def test_an_empty_page_keeps_the_cursor(adapter):
    responses.get(STARRED, json=[])
    page = adapter.likes(requests.Session(), cursor="2026-11-19T09:00:00Z")
    assert page.likes == [] and page.cursor == "2026-11-19T09:00:00Z"


@responses.activate
def test_401_means_the_connection_needs_reauth(adapter):
    responses.get(STARRED, json=recorded.UNAUTHORIZED, status=401)
    with pytest.raises(NeedsReauth):
        adapter.likes(requests.Session(), cursor=None)


@responses.activate
def test_429_and_exhausted_quota_honour_the_waits(adapter):
    responses.get(STARRED, json=recorded.RATE_LIMITED, status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as limited:
        adapter.likes(requests.Session(), cursor=None)
    assert limited.value.retry_after == 120
    responses.replace(
        responses.GET,
        STARRED,
        json=recorded.RATE_LIMITED,
        status=403,
        headers={"x-ratelimit-remaining": "0", "Retry-After": "30"},
    )
    with pytest.raises(RateLimited) as quota:
        adapter.likes(requests.Session(), cursor=None)
    assert quota.value.retry_after == 30


def test_base_urls_can_point_at_a_local_provider(setenv):
    setenv(GITHUB_API_URL="http://127.0.0.1:9/api/", GITHUB_WEB_URL="http://127.0.0.1:9")
    adapter = GitHub()
    assert adapter.api_url == "http://127.0.0.1:9/api"
    assert adapter.authorize_url() == "http://127.0.0.1:9/login/oauth/authorize"


def starred_fake(mock, stars: list[dict]) -> None:
    """GitHub's starred list: newest first, 100 a page, ``Link: rel="next"`` by page
    number; ``stars`` may grow between polls (new stars land on page 1)."""

    def answer(request):
        query = dict(parse_qsl(urlsplit(request.url).query))
        page = int(query.get("page", "1"))
        ordered = sorted(stars, key=lambda s: s["starred_at"], reverse=True)
        chunk = ordered[(page - 1) * 100 : page * 100]
        headers = {}
        if page * 100 < len(ordered):
            base = "https://api.github.com/user/starred?sort=created&direction=desc&per_page=100"
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next"'
        return 200, headers, json.dumps(chunk)

    mock.add_callback(responses.GET, "https://api.github.com/user/starred", callback=answer)


def star_at(index: int) -> dict:
    at = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=index)
    return recorded.star(index, f"owner{index}", f"repo{index}", at.strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_a_burst_larger_than_one_poll_is_carried_to_the_next_not_dropped(adapter):
    stars = [star_at(i) for i in range(2_500)]
    cursor = star_at(-1)["starred_at"]  # every star is newer than the cursor
    seen: list[str] = []
    with responses.RequestsMock() as mock:
        starred_fake(mock, stars)
        for poll in range(5):
            page = adapter.likes(requests.Session(), cursor=cursor)
            seen += [like.item_id for like in page.likes]
            cursor = page.cursor
            if poll == 0:
                assert len(page.likes) == 1_000 and cursor.startswith("{")  # carried
                stars += [star_at(3_000 + i) for i in range(5)]  # new stars meanwhile
    expected = {str(s["repo"]["id"]) for s in stars}
    assert set(seen) == expected  # none lost
    assert cursor == max(s["starred_at"] for s in stars)  # done: a plain cursor again

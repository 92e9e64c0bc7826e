"""Mastodon, Bluesky, Tumblr, SoundCloud and Flickr on recorded shapes: identity, paging,
cursor and owner mapping, a refused token and a 429. Each like's owner is the same
recipient key the track resolver gives the liked page's URL (one definition per platform).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from functions.core.ownership.urls import normalise, recipient_key
from functions.core.platforms.base import NeedsReauth, RateLimited
from functions.core.platforms.bluesky import Bluesky, tid
from functions.core.platforms.flickr import Flickr
from functions.core.platforms.mastodon import Mastodon
from functions.core.platforms.soundcloud import SoundCloud
from functions.core.platforms.tumblr import Tumblr
from local.recorded import fediverse as shapes

SOCIAL = "https://mastodon.social"
FAVOURITES = f"{SOCIAL}/api/v1/favourites"


def resolver_key(url: str) -> str:
    """The key the URL's shape names (a handle's own, where the resolver would settle it
    to the account's id: likes keep the handle, as the platform's answer names it)."""
    page = normalise(url)
    owner = page.owner or page.fallback_owner
    assert page.platform is not None and owner is not None
    return recipient_key(page.platform, owner)


# ------------------------------------------------------------------ Mastodon


@responses.activate
def test_mastodon_identity_is_the_account_id_on_its_server():
    responses.get(f"{SOCIAL}/api/v1/accounts/verify_credentials", json=shapes.MASTODON_ACCOUNT)
    found = Mastodon().at("mastodon.social").identity(requests.Session())
    assert (found.stable_id, found.handle) == ("14715@mastodon.social", "@trwnh@mastodon.social")


@responses.activate
def test_mastodon_adapter_on_another_server_asks_that_server():
    responses.get(
        "https://fosstodon.org/api/v1/accounts/verify_credentials", json=shapes.MASTODON_ACCOUNT
    )
    found = Mastodon().at("fosstodon.org").identity(requests.Session())
    assert found.stable_id == "14715@fosstodon.org"


@responses.activate
def test_mastodon_first_poll_only_finds_now_then_pages_newer_favourites():
    adapter = Mastodon().at("mastodon.social")
    responses.get(
        FAVOURITES,
        json=[shapes.mastodon_status("108", "old", "mastodon.social")],
        headers={"Link": shapes.mastodon_links("mastodon.social", "500", "900")},
        match=[responses.matchers.query_param_matcher({"limit": "1"})],
    )
    first = adapter.likes(requests.Session(), cursor=None)
    assert first.likes == [] and first.cursor == "900"

    newer = [
        shapes.mastodon_status("111", "Gargron", "mastodon.social"),
        shapes.mastodon_status("110", "bob", "chaos.social"),
        shapes.mastodon_status("109", "carol", "tiny.example.net"),
    ]
    responses.get(
        FAVOURITES,
        json=newer,
        headers={"Link": shapes.mastodon_links("mastodon.social", "901", "903")},
        match=[responses.matchers.query_param_matcher({"limit": "40", "min_id": "900"})],
    )
    responses.get(
        FAVOURITES,
        json=[],
        match=[responses.matchers.query_param_matcher({"limit": "40", "min_id": "903"})],
    )
    second = adapter.likes(requests.Session(), cursor=first.cursor)
    assert [like.owner_key for like in second.likes] == [
        "mastodon:@gargron@mastodon.social",
        "mastodon:@bob@chaos.social",
        "mastodon:@carol@tiny.example.net",  # a server the resolver does not list
    ]
    assert second.likes[0].owner_key == resolver_key("https://mastodon.social/@Gargron/111")
    assert second.likes[0].item_id == newer[0]["uri"]
    assert second.cursor == "903"


@responses.activate
def test_mastodon_nothing_new_keeps_the_cursor():
    responses.get(FAVOURITES, json=[])
    page = Mastodon().at("mastodon.social").likes(requests.Session(), cursor="903")
    assert page.likes == [] and page.cursor == "903"


# ------------------------------------------------------------------ Bluesky


def test_tids_sort_by_time_and_have_thirteen_characters():
    start = datetime(2026, 11, 1, tzinfo=UTC)
    tids = [tid(start + timedelta(microseconds=n * 997)) for n in range(200)]
    assert tids == sorted(tids) and {len(t) for t in tids} == {13}
    assert tid(datetime(2023, 1, 1, tzinfo=UTC)) < tid(start)


@responses.activate
def test_bluesky_likes_come_from_public_records_newer_than_the_cursor():
    cursor = tid(datetime(2026, 11, 10, tzinfo=UTC))
    newer = [tid(datetime(2026, 11, 20, tzinfo=UTC)), tid(datetime(2026, 11, 15, tzinfo=UTC))]
    older = tid(datetime(2026, 11, 5, tzinfo=UTC))
    records = f"{shapes.PDS}/xrpc/com.atproto.repo.listRecords"
    responses.get(f"https://plc.directory/{shapes.ALICE_DID}", json=shapes.DID_DOCUMENT)
    responses.get(
        records,
        json={
            "records": [
                shapes.bluesky_like(newer[0], shapes.BOB_DID, "3kpost1", "2026-11-20T00:00:00Z")
            ],
            "cursor": newer[0],
        },
        match=[
            responses.matchers.query_param_matcher(
                {"repo": shapes.ALICE_DID, "collection": "app.bsky.feed.like", "limit": "100"}
            )
        ],
    )
    responses.get(
        records,
        json={
            "records": [
                shapes.bluesky_like(newer[1], shapes.BOB_DID, "3kpost2", "2026-11-15T00:00:00Z"),
                shapes.bluesky_like(older, shapes.BOB_DID, "3kpost0", "2026-11-05T00:00:00Z"),
            ],
            "cursor": older,
        },
        match=[responses.matchers.query_param_matcher({"cursor": newer[0]}, strict_match=False)],
    )
    page = Bluesky().poll(requests.Session(), cursor, shapes.ALICE_DID)
    assert [like.item_id.rsplit("/", 1)[-1] for like in page.likes] == ["3kpost1", "3kpost2"]
    like = page.likes[0]
    assert like.url == f"https://bsky.app/profile/{shapes.BOB_DID}/post/3kpost1"
    assert like.owner_key == resolver_key(like.url) == f"bluesky:{shapes.BOB_DID}"
    assert like.liked_at == datetime(2026, 11, 20, tzinfo=UTC)
    assert page.cursor == newer[0]


@responses.activate
def test_bluesky_first_poll_only_finds_now():
    responses.get(f"https://plc.directory/{shapes.ALICE_DID}", json=shapes.DID_DOCUMENT)
    newest = tid(datetime(2026, 11, 20, tzinfo=UTC))
    responses.get(
        f"{shapes.PDS}/xrpc/com.atproto.repo.listRecords",
        json={
            "records": [shapes.bluesky_like(newest, shapes.BOB_DID, "p", "2026-11-20T00:00:00Z")]
        },
    )
    page = Bluesky().poll(requests.Session(), None, shapes.ALICE_DID)
    assert page.likes == [] and page.cursor == newest


# ------------------------------------------------------------------ Tumblr

TUMBLR = "https://api.tumblr.com/v2"


@responses.activate
def test_tumblr_identity_is_the_primary_blog():
    responses.get(f"{TUMBLR}/user/info", json=shapes.TUMBLR_USER_INFO)
    found = Tumblr().identity(requests.Session())
    assert (found.stable_id, found.handle) == ("t:dg8Zl9C2rr2TkKzpEYyAHw", "derekg")


def tumblr_fake(mock, posts: list[dict], newest_first: bool) -> None:
    """Tumblr's likes: 20 an answer, bounded by ``after`` or ``before`` (one of them, as
    its documentation allows), in an order it does not document: both are played."""

    def answer(request):
        query = dict(parse_qsl(urlsplit(request.url).query))
        assert len({"after", "before", "offset"} & query.keys()) <= 1, query
        if "after" in query:
            chosen = [p for p in posts if p["liked_timestamp"] > int(query["after"])]
        else:
            chosen = [p for p in posts if p["liked_timestamp"] < int(query["before"])]
        ascending = sorted(chosen, key=lambda p: p["liked_timestamp"])
        if "after" in query and not newest_first:
            page = ascending[:20]  # the oldest after the bound first
        else:
            page = list(reversed(ascending))[:20]  # the newest first
        return 200, {}, json.dumps(shapes.tumblr_likes(*page))

    mock.add_callback(responses.GET, f"{TUMBLR}/user/likes", callback=answer)


@pytest.mark.parametrize("newest_first", [True, False])
def test_tumblr_likes_after_the_cursor_whatever_order_tumblr_answers(newest_first):
    posts = [
        shapes.tumblr_post(str(600 + i), "staff", 1_700_000_000 + 10 * i, subdomain=i % 2 == 0)
        for i in range(60)
    ]
    cursor = 1_700_000_000 + 10 * 14  # 45 likes are newer
    with responses.RequestsMock() as mock:
        tumblr_fake(mock, posts, newest_first)
        page = Tumblr().likes(requests.Session(), cursor=str(cursor))
    assert [like.item_id for like in page.likes] == [str(600 + i) for i in range(15, 60)]
    assert {like.owner_key for like in page.likes} == {"tumblr:staff"}
    assert page.likes[1].owner_key == resolver_key(page.likes[1].url)
    assert page.cursor == str(1_700_000_000 + 10 * 59)


# ------------------------------------------------------------------ SoundCloud

SOUNDCLOUD = "https://api.soundcloud.com"


@responses.activate
def test_soundcloud_identity_is_the_urn():
    responses.get(f"{SOUNDCLOUD}/me", json=shapes.SOUNDCLOUD_ME)
    found = SoundCloud().identity(requests.Session())
    assert (found.stable_id, found.handle) == ("soundcloud:users:3207", "jwagener")


@responses.activate
def test_soundcloud_snapshot_then_new_likes_until_a_known_one():
    likes_url = f"{SOUNDCLOUD}/me/likes/tracks"
    responses.get(
        likes_url,
        json={"collection": [shapes.soundcloud_track(1, "a"), shapes.soundcloud_track(2, "b")]},
    )
    first = SoundCloud().likes(requests.Session(), cursor=None)
    assert first.likes == []
    assert json.loads(first.cursor) == ["soundcloud:tracks:1", "soundcloud:tracks:2"]
    responses.reset()
    responses.get(
        likes_url,
        json={
            "collection": [shapes.soundcloud_track(9, "Skrillex")],
            "next_href": f"{likes_url}?cursor=p2",
        },
        match=[
            responses.matchers.query_param_matcher({"linked_partitioning": "true", "limit": "50"})
        ],
    )
    responses.get(
        likes_url,
        json={
            "collection": [
                shapes.soundcloud_track(8, "flume"),
                shapes.soundcloud_track(1, "a"),
                shapes.soundcloud_track(2, "b"),
            ],
            "next_href": f"{likes_url}?cursor=p3",
        },
        match=[responses.matchers.query_param_matcher({"cursor": "p2"})],
    )
    second = SoundCloud().likes(requests.Session(), cursor=first.cursor)
    assert [(like.item_id, like.owner_key) for like in second.likes] == [
        ("soundcloud:tracks:9", "soundcloud:skrillex"),
        ("soundcloud:tracks:8", "soundcloud:flume"),
    ]
    assert second.likes[0].owner_key == resolver_key(second.likes[0].url)
    assert json.loads(second.cursor)[:3] == [
        "soundcloud:tracks:9",
        "soundcloud:tracks:8",
        "soundcloud:tracks:1",
    ]
    assert len(responses.calls) == 2  # page 3 is never read: we met the known likes


@responses.activate
def test_soundcloud_a_relike_on_top_does_not_hide_the_new_likes_below_it():
    likes_url = f"{SOUNDCLOUD}/me/likes/tracks"
    snapshot = json.dumps([f"soundcloud:tracks:{n}" for n in (5, 4, 3, 2, 1)])
    order = [2, 9, 8, 7, 5, 4, 3, 1]  # 2 liked again moves to the top; 9, 8, 7 are new
    responses.get(
        likes_url,
        json={"collection": [shapes.soundcloud_track(n, f"u{n}") for n in order]},
    )
    page = SoundCloud().likes(requests.Session(), cursor=snapshot)
    assert [like.item_id for like in page.likes] == [
        "soundcloud:tracks:9",
        "soundcloud:tracks:8",
        "soundcloud:tracks:7",
    ]
    assert json.loads(page.cursor)[:4] == [f"soundcloud:tracks:{n}" for n in (9, 8, 7, 5)]


def test_soundcloud_carries_a_burst_past_its_page_cap_and_takes_each_like_once():
    likes_url = f"{SOUNDCLOUD}/me/likes/tracks"
    old = [f"soundcloud:tracks:{n}" for n in range(5, 0, -1)]
    liked = [10_000 - n for n in range(620)] + [5, 4, 3, 2, 1]  # newest first

    def answer(request):
        query = dict(parse_qsl(urlsplit(request.url).query))
        start = int(query.get("cursor", "0"))  # linked_partitioning: an opaque position
        chunk = liked[start : start + 50]
        following = start + 50 < len(liked)
        body = {
            "collection": [shapes.soundcloud_track(n, f"u{n}") for n in chunk],
            "next_href": f"{likes_url}?linked_partitioning=true&cursor={start + 50}"
            if following
            else None,
        }
        return 200, {}, json.dumps(body)

    taken: list[str] = []
    cursor = json.dumps(old)
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, likes_url, callback=answer)
        for _ in range(3):
            page = SoundCloud().likes(requests.Session(), cursor=cursor)
            taken += [like.item_id for like in page.likes]
            cursor = page.cursor
    assert len(taken) == 620 and len(set(taken)) == 620  # each once, none lost
    assert json.loads(cursor)[0] == "soundcloud:tracks:10000"  # done: a plain snapshot


# ------------------------------------------------------------------ Flickr

REST = "https://api.flickr.com/services/rest"


def test_flickr_identity_comes_from_the_token_answer():
    token = {"oauth_token": "t", "oauth_token_secret": "s", "user_nsid": "21207597@N07"}
    found = Flickr().identity_from_token(token, requests.Session())
    assert (found.stable_id, found.handle) == ("21207597@N07", "21207597@n07")


@responses.activate
def test_flickr_favourites_since_the_cursor_over_pages():
    responses.get(
        REST,
        json=shapes.flickr_favourites(
            [
                ("5001", "35034347371@N01", 1_700_000_500),
                ("5000", "12037949754@N01", 1_700_000_400),
            ],
            page=1,
            pages=2,
        ),
        match=[responses.matchers.query_param_matcher({"page": "1"}, strict_match=False)],
    )
    responses.get(
        REST,
        json=shapes.flickr_favourites(
            [("4000", "44124348109@N01", 1_700_000_050)], page=2, pages=2
        ),
        match=[
            responses.matchers.query_param_matcher(
                {"page": "2", "min_fave_date": "1700000001", "method": "flickr.favorites.getList"},
                strict_match=False,
            )
        ],
    )
    page = Flickr().likes(requests.Session(), cursor="1700000000")
    assert [(like.item_id, like.owner_key) for like in page.likes] == [
        ("5001", "flickr:35034347371@n01"),
        ("5000", "flickr:12037949754@n01"),
        ("4000", "flickr:44124348109@n01"),
    ]
    assert page.likes[0].owner_key == resolver_key(page.likes[0].url)
    assert page.cursor == "1700000500"


def test_flickr_carries_favourites_past_the_page_cap(monkeypatch):
    from functions.core.platforms import flickr

    monkeypatch.setattr(flickr, "MAX_PAGES", 1)
    pages = {
        "1": [("5001", "a@N01", 1_700_000_500), ("5000", "b@N01", 1_700_000_400)],
        "2": [("4000", "c@N01", 1_700_000_050)],
    }

    def answer(request):
        page = dict(parse_qsl(urlsplit(request.url).query))["page"]
        return 200, {}, json.dumps(shapes.flickr_favourites(pages[page], page=int(page), pages=2))

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, REST, callback=answer)
        first = Flickr().likes(requests.Session(), cursor="1700000000")
        second = Flickr().likes(requests.Session(), cursor=first.cursor)
    assert [like.item_id for like in first.likes] == ["5001", "5000"]
    assert [like.item_id for like in second.likes] == ["4000"]  # carried, not dropped
    assert second.cursor == "1700000500"


@responses.activate
def test_flickr_bad_token_in_a_200_answer_needs_reauth():
    responses.get(REST, json=shapes.FLICKR_BAD_TOKEN)
    with pytest.raises(NeedsReauth):
        Flickr().likes(requests.Session(), cursor="1")


# ------------------------------------------------------------------ refusals, everywhere


@responses.activate
@pytest.mark.parametrize(
    ("adapter", "url", "cursor"),
    [
        (Mastodon().at("mastodon.social"), FAVOURITES, "900"),
        (Tumblr(), f"{TUMBLR}/user/likes", "1"),
        (SoundCloud(), f"{SOUNDCLOUD}/me/likes/tracks", "[]"),
        (Flickr(), REST, "1"),
    ],
)
def test_401_needs_reauth_and_429_waits_retry_after(adapter, url, cursor):
    responses.get(url, status=401, json={"error": "invalid_token"})
    with pytest.raises(NeedsReauth):
        adapter.likes(requests.Session(), cursor)
    responses.replace(responses.GET, url, status=429, headers={"Retry-After": "120"}, json={})
    with pytest.raises(RateLimited) as limited:
        adapter.likes(requests.Session(), cursor)
    assert limited.value.retry_after == 120


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "120"}, 120),
        ({"Retry-After": "Sun, 22 Nov 2026 10:02:00 GMT"}, 120),
        ({"X-RateLimit-Reset": "1795341720"}, 120),  # epoch seconds (GitHub)
        ({"RateLimit-Reset": "120"}, 120),  # seconds to go (IETF draft)
        ({"X-RateLimit-Reset": "2026-11-22T10:02:00.000Z"}, 120),  # ISO time (Mastodon)
        ({}, 60),
    ],
)
def test_every_way_platforms_say_when_to_come_back(headers, seconds, monkeypatch):
    from functions.common import clock
    from functions.core.platforms import base

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    response = requests.Response()
    response.headers.update(headers)
    assert base._retry_after(response) == seconds

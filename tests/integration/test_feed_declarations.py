"""Feeds declare who is paid for their entries (issue 34, items 1 and 2): a page's head links
its feed (``rel="alternate"``); the feed's ``<podcast:funding>`` naming a page of ours, or a
payment link whose auto-submit ``user_id`` names a user who proved the page theirs, decides
the page's recipient and its entry's other URLs (the episode's file on another host). Read by
the lookup worker (page authors on, as in a deployment), never in a report's path; a feed
that is huge, not XML, or carries a DTD (entity expansion, external entities), or that
redirects to a private address, declares nothing.

Feeds are the recorded shapes of ``local/recorded/feeds.py``, served with ``responses`` from
hosts a stub resolver maps (no internet is reached)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from functions.common.settings import settings
from functions.core.models import Recipient
from local.queues import drain
from local.recorded import feeds as recorded
from tests.conftest import call
from tests.integration.net_helpers import public_web
from tests.integration.track_helpers import explicit

EPISODE = "https://tidetables.example/episodes/2"
FILE = "https://media.podcdn.example/tide/ep2.mp3"
FEED = "https://tidetables.example/feed.xml"
POST = "https://writers.blogs.example/allotment/beans"
ATOM_FEED = "https://notes.example/allotment.atom"
HOSTS = {
    "tidetables.example": "93.184.215.30",
    "media.podcdn.example": "93.184.215.31",
    "writers.blogs.example": "93.184.215.32",
    "notes.example": "93.184.215.33",
    "inside.tidetables.example": "10.0.0.7",
}


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(PAGE_AUTHORS="on", OWNER_LOOKUPS="on")
    with public_web(monkeypatch, HOSTS) as mock:
        yield mock


def serve(web, url: str, body: str, content_type: str = "text/html; charset=utf-8") -> None:
    web.get(url, body=body, content_type=content_type)


def settled(url: str, user: str = "listener") -> str:
    made = explicit(url, user=user)
    assert made.status == 201, made.raw
    drain(settings().owner_lookups_queue_url, "track", "events_handler")
    items = call("GET", "/v1/flattrs", user=user).json["items"]
    return next(f["recipient"]["key"] for f in items if f["url"] == url)


def podcast(web) -> None:
    serve(web, EPISODE, recorded.page_linking(FEED, "Neap tides"))
    rss = recorded.PODCAST_RSS.format(site=settings().public_url, feed=FEED)
    serve(web, FEED, rss, "application/rss+xml")


def test_a_podcasts_funding_link_to_our_page_pays_the_creator_for_episode_and_file(web):
    assert call("PATCH", "/v1/me", {"username": "tidecaster"}, user="caster").status == 200
    podcast(web)
    assert settled(EPISODE) == "user:caster"
    # The episode's file names no feed: it is known from the feed read for its page.
    calls = len(web.calls)
    from_the_app = explicit(FILE, user="second-listener")
    assert from_the_app.json["recipient"]["key"] == "user:caster"
    assert len(web.calls) == calls  # answered at once, nothing read again


def test_a_funding_link_naming_nobody_of_ours_leaves_the_page_to_its_domain(web):
    podcast(web)  # /u/tidecaster: nobody has that name here
    assert settled(EPISODE) == "web:tidetables.example"


def test_a_payment_link_counts_for_a_user_who_proved_the_site(web):
    assert call("PATCH", "/v1/me", {"username": "beanwriter"}, user="writer").status == 200
    Recipient("web:notes.example", claimed_by="writer").save()  # the feed's domain, verified
    serve(web, POST, recorded.page_linking(ATOM_FEED, "Winter beans"))
    atom = recorded.ATOM_PAYMENT.format(feed=ATOM_FEED, user="beanwriter")
    serve(web, ATOM_FEED, atom, "application/atom+xml")
    assert settled(POST) == "user:writer"


def test_a_payment_link_naming_a_user_who_proved_nothing_is_ignored(web):
    # Anyone can take a username: "beanwriter" here proved neither site.
    assert call("PATCH", "/v1/me", {"username": "beanwriter"}, user="squatter").status == 200
    serve(web, POST, recorded.page_linking(ATOM_FEED, "Winter beans"))
    atom = recorded.ATOM_PAYMENT.format(feed=ATOM_FEED, user="beanwriter")
    serve(web, ATOM_FEED, atom, "application/atom+xml")
    assert settled(POST) == "web:blogs.example"


@pytest.mark.parametrize(
    "feed",
    [
        recorded.LAUGHS,
        recorded.EXTERNAL,
        "<rss><channel><title>unclosed</channel>",
        "not xml at all",
        "<rss><channel>" + "<item><title>x</title></item>" * 60_000 + "</channel></rss>",
    ],
    ids=["entity-expansion", "external-entity", "malformed", "not-xml", "over-1-MB"],
)
def test_a_feed_that_cannot_be_read_safely_declares_nothing(web, feed):
    assert call("PATCH", "/v1/me", {"username": "tidecaster"}, user="caster").status == 200
    serve(web, EPISODE, recorded.page_linking(FEED))
    bad = feed.replace(
        "</channel>", f'<podcast:funding url="{settings().public_url}/u/tidecaster"/></channel>'
    )
    serve(web, FEED, bad, "application/rss+xml")
    assert settled(EPISODE) == "web:tidetables.example"


def test_a_feed_redirecting_to_a_private_address_is_not_followed(web):
    assert call("PATCH", "/v1/me", {"username": "tidecaster"}, user="caster").status == 200
    serve(web, EPISODE, recorded.page_linking(FEED))
    web.get(FEED, status=301, headers={"Location": "https://inside.tidetables.example/feed"})
    rss = recorded.PODCAST_RSS.format(site=settings().public_url, feed=FEED)
    serve(web, "https://inside.tidetables.example/feed", rss, "application/rss+xml")
    assert settled(EPISODE) == "web:tidetables.example"
    assert "inside" not in " ".join(c.request.url for c in web.calls)


def test_money_already_waiting_for_the_domain_stays_there(web, setenv):
    assert call("PATCH", "/v1/me", {"username": "tidecaster"}, user="caster").status == 200
    setenv(PAGE_AUTHORS="off")
    before = explicit(EPISODE, user="early-listener")
    assert before.json["recipient"]["key"] == "web:tidetables.example"
    setenv(PAGE_AUTHORS="on")
    podcast(web)
    assert settled(EPISODE) == "user:caster"
    items = call("GET", "/v1/flattrs", user="early-listener").json["items"]
    assert [f["recipient"]["key"] for f in items] == ["web:tidetables.example"]

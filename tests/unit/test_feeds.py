"""Feeds read as plain functions (issue 34, item 2): the feeds a page links, what a podcast's
RSS and an Atom feed declare for the channel and for each entry, and what is refused. The
feeds are the recorded shapes of ``local/recorded/feeds.py``."""

from __future__ import annotations

from functions.core.ownership.feeds import (
    auto_submit_user,
    feed_links,
    parse_feed,
)
from local.recorded import feeds as recorded

SITE = "https://flattr.example"


def test_a_page_links_its_feeds_by_rel_alternate_of_a_feed_type():
    head = recorded.page_linking("/feed.xml") + '<link rel="alternate" hreflang="de" href="/de">'
    assert feed_links(head, "https://pod.example/episodes/2") == ["https://pod.example/feed.xml"]


def test_a_podcasts_rss_names_its_funding_for_the_channel_and_its_episodes_urls():
    feed = parse_feed(recorded.PODCAST_RSS.format(site=SITE, feed="https://t.example/f").encode())
    assert feed is not None
    assert feed.channel.funding == ("https://patreon.example/tidetables", f"{SITE}/u/tidecaster")
    assert feed.covered == [
        "https://tidetables.example/episodes/2",
        "https://media.podcdn.example/tide/ep2.mp3",
        "https://tidetables.example/episodes/1",
        "https://media.podcdn.example/tide/ep1.mp3",
    ]
    same = feed.declared_for("https://media.podcdn.example/tide/ep1.mp3", lambda u: u)
    assert same.funding == feed.channel.funding


def test_an_atom_entrys_payment_link_names_its_user():
    atom = recorded.ATOM_PAYMENT.format(feed="https://n.example/a.atom", user="beanwriter")
    feed = parse_feed(atom.encode())
    assert feed is not None and feed.channel.payment_users == ()
    post = "https://writers.blogs.example/allotment/beans"
    assert feed.declared_for(post, lambda u: u).payment_users == ("beanwriter",)


def test_auto_submit_urls_on_any_host():
    assert auto_submit_user("https://flattr.com/submit/auto?user_id=ann&url=https%3A%2F%2Fa.b") == (
        "ann",
        "https://a.b",
    )
    assert auto_submit_user(f"{SITE}/submit/auto?url=x") is None  # no user named
    assert auto_submit_user("https://flattr.com/thing/1") is None


def test_what_is_not_a_safe_feed_is_none():
    for text in (recorded.LAUGHS, recorded.EXTERNAL, "<html/>", "<rss/>", "nope"):
        assert parse_feed(text.encode()) is None, text
    assert parse_feed(b"<rss><channel/></rss>" + b" " * (1024 * 1024)) is None

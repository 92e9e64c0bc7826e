"""Who a page's head declares as its author (pure: the page's text in, a key out)."""

from __future__ import annotations

import pytest

from functions.core.ownership.declared import declared_author


def head(*tags: str, body: str = "") -> str:
    return (
        "<!doctype html><html><head><title>A post</title>" + "".join(tags) + "</head><body>" + body
    )


@pytest.mark.parametrize(
    ("tags", "author"),
    [
        (
            ['<meta name="fediverse:creator" content="@Alice@Example.Social">'],
            "mastodon:@alice@example.social",
        ),
        (
            ['<meta name="fediverse:creator" content="alice@example.social">'],
            "mastodon:@alice@example.social",
        ),
        (['<link rel="author" href="https://github.com/octocat">'], "github:octocat"),
        (
            ['<link rel="me" href="https://mastodon.social/@Gargron">'],
            "mastodon:@gargron@mastodon.social",
        ),
        (
            [
                '<link rel="me noopener" href="https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw">'
            ],
            "youtube:UCuAXFkgsw1L7xaCfnd5JJOw",
        ),
        (['<meta name="flattr:id" content="github:octocat">'], "github:octocat"),
        (['<meta name="flattr:id" content="user:0b7e1c9a">'], "user:0b7e1c9a"),
        # An address: its key needs our secret, so the worker makes it (``emails.py``).
        (
            ['<meta name="flattr:id" content="mailto:Alice@Example.org">'],
            "mailto:alice@example.org",
        ),
        (
            ['<meta name="flattr:id" content="MAILTO:alice@example.org?subject=hi">'],
            "mailto:alice@example.org",
        ),
        # What is not a recipient is not one: an unknown platform, a broken address, a
        # handle that is no handle, a rel=author to a plain site, a platform's own page.
        (['<meta name="flattr:id" content="myspace:tom">'], None),
        (['<meta name="flattr:id" content="mailto:alice@">'], None),
        (['<meta name="flattr:id" content="mailto:">'], None),
        (['<meta name="fediverse:creator" content="@alice">'], None),
        (['<link rel="author" href="https://alice.example.org/about">'], None),
        (['<link rel="author" href="https://github.com/settings">'], None),
        ([], None),
    ],
)
def test_what_a_head_declares(tags, author):
    assert declared_author(head(*tags)) == author


def test_flattr_id_first_then_fediverse_then_author_then_me():
    everything = [
        '<link rel="me" href="https://mastodon.social/@me">',
        '<link rel="author" href="https://github.com/author">',
        '<meta name="fediverse:creator" content="@fedi@example.social">',
        '<meta name="flattr:id" content="github:chosen">',
    ]
    assert declared_author(head(*everything)) == "github:chosen"
    assert declared_author(head(*everything[:3])) == "mastodon:@fedi@example.social"
    assert declared_author(head(*everything[:2])) == "github:author"
    assert declared_author(head(*everything[:1])) == "mastodon:@me@mastodon.social"


def test_only_the_head_counts_not_what_a_comment_in_the_body_says():
    page = head(body='<meta name="fediverse:creator" content="@mallory@evil.example">')
    assert declared_author(page) is None

"""Pages on one machine (issue 32, item 2): a page published on the stack's own web
(``POST /_local/pages``) is what the service reads at that address, through the same
guarded fetches as in AWS: a domain verified by its ``flattr:id`` meta tag, and a page's
declared author receiving its flattrs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Client, eventually, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_domain_is_verified_by_a_meta_tag_on_a_published_page(stack: Client):
    _, token = stack.sign_in("meta-owner@example.org")
    added = stack.request("POST", "/v1/domains", {"domain": "meta-site.org"}, token=token)
    assert added.status in (200, 201), added.body
    early = stack.request("POST", "/v1/domains/meta-site.org/verify", token=token)
    assert early.status == 422, early.body  # nothing published yet: nothing found
    page = f'<html><head><meta name="flattr:id" content="{added.json["token"]}"></head></html>'
    published = stack.request(
        "POST", "/_local/pages", {"url": "https://meta-site.org/", "html": page}
    )
    assert published.status == 200, published.body
    verified = stack.request("POST", "/v1/domains/meta-site.org/verify", token=token)
    assert verified.status == 200, verified.body
    assert verified.json["verified"] is True


@pytest.fixture(scope="module")
def authors_read() -> Iterator[Client]:
    """A stack that reads pages' declared authors and repositories' funding files (off in
    the other journeys' stacks, whose pages' flattrs go to their sites and owners at once)."""
    with running_stack(PAGE_AUTHORS="on", OWNER_LOOKUPS="on", FUNDING_FILES="on") as stack:
        yield stack


def test_a_pages_declared_author_receives_its_flattrs(authors_read: Client):
    stack = authors_read
    url = "https://essays-on-trees.net/2026/oaks"
    page = '<html><head><meta name="fediverse:creator" content="@tooter@social.example">'
    assert stack.request("POST", "/_local/pages", {"url": url, "html": page}).status == 200
    user, token = stack.sign_in("tree-reader@example.org")
    stack.request("POST", "/_local/balance", {"user_id": user, "amount": {"amount": "10"}})
    made = stack.request(
        "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": url}, token=token
    )
    assert made.status == 201, made.body

    def the_author() -> str | None:
        (flattr,) = stack.request("GET", "/v1/flattrs", token=token).json["items"]
        return flattr["recipient"]["key"] if flattr["recipient"]["platform"] == "mastodon" else None

    assert eventually(the_author) == "mastodon:@tooter@social.example"


def test_a_repositorys_funding_file_routes_its_flattrs(authors_read: Client):
    """Issue 34, item 3, on one machine: a FUNDING.yml published where GitHub serves a
    repository's files names the account its flattrs go to."""
    stack = authors_read
    funding = "github: [crab-maintainer]\npatreon: crabs\n"
    file = "https://raw.githubusercontent.com/crab-org/shell/HEAD/.github/FUNDING.yml"
    assert stack.request("POST", "/_local/pages", {"url": file, "html": funding}).status == 200
    _, token = stack.sign_in("repo-fan@example.org")
    made = stack.request(
        "POST",
        "/v1/flattrs",
        {"event_id": str(uuid.uuid4()), "url": "https://github.com/crab-org/shell"},
        token=token,
    )
    assert made.status == 201, made.body

    def the_maintainer() -> str | None:
        (flattr,) = stack.request("GET", "/v1/flattrs", token=token).json["items"]
        return None if flattr["recipient"]["platform"] == "pending" else flattr["recipient"]["key"]

    assert eventually(the_maintainer) == "github:crab-maintainer"


def test_a_podcasts_feed_routes_an_episodes_flattr_to_its_creator(authors_read: Client):
    """Issue 34, item 2, on one machine: an episode's page links its feed, whose
    ``<podcast:funding>`` points at a creator's page here; the episode's flattr goes to them."""
    stack = authors_read
    caster, caster_token = stack.sign_in("caster@example.org")
    named = stack.request("PATCH", "/v1/me", {"username": "seacaster"}, token=caster_token)
    assert named.status == 200, named.body
    feed = "https://sea-pod.example/feed.xml"
    episode = "https://sea-pod.example/episodes/9"
    rss = (
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f'<title>Sea</title><podcast:funding url="{stack.base}/u/seacaster">'
        "Flattr</podcast:funding>"
        f"<item><title>Nine</title><link>{episode}</link></item></channel></rss>"
    )
    head = f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed}"></head>'
    for url, body in ((feed, rss), (episode, head)):
        assert stack.request("POST", "/_local/pages", {"url": url, "html": body}).status == 200
    _, token = stack.sign_in("sea-listener@example.org")
    made = stack.request(
        "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": episode}, token=token
    )
    assert made.status == 201, made.body

    def the_creator() -> str | None:
        (flattr,) = stack.request("GET", "/v1/flattrs", token=token).json["items"]
        return None if flattr["recipient"]["platform"] == "pending" else flattr["recipient"]["key"]

    assert eventually(the_creator) == f"user:{caster}"


def test_a_page_nobody_published_is_not_found_and_bad_input_is_a_4xx(stack: Client):
    assert stack.request("GET", "/_fake/web/nowhere.example.org/").status == 404
    bad = stack.request("POST", "/_local/pages", {"url": "ftp://x.org/", "html": "<p>"})
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "url"

"""A web page's declared author (its head's ``fediverse:creator``, ``rel=author``,
``flattr:id``) receives its flattrs, for web pages only and unless a creator verified the
domain; read once a URL a day by the lookup worker, never in a report's path.

Page heads are served with ``responses`` from public-looking hosts that a stub resolver
maps (no page on the internet is reached); the lookup is on here (``PAGE_AUTHORS``), as
in a deployment, and off in the other tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import responses

from functions.common import clock
from functions.common.settings import settings
from functions.core.models import Recipient
from functions.core.ownership import lookups
from local.queues import drain
from tests.conftest import call
from tests.integration.net_helpers import public_web
from tests.integration.payout_helpers import EUR, add_user, run_job
from tests.integration.track_helpers import attend, dynamodb_calls, report

POST = "https://www.alicewrites.net/2031/06/on-gardens"
# Normalised, the URL has no www: the site answers there with a redirect to www.
APEX = "https://alicewrites.net/2031/06/on-gardens"
FEDIVERSE_HEAD = (
    "<!doctype html><html><head><title>On gardens</title>"
    '<meta name="fediverse:creator" content="@alice@example.social">'
    "</head><body><p>Words.</p></body></html>"
)
PLAIN_HEAD = "<!doctype html><html><head><title>On gardens</title></head><body>Words."


HOSTS = {
    "alicewrites.net": "93.184.215.20",
    "www.alicewrites.net": "93.184.215.20",
    "inside.alicewrites.net": "10.1.2.3",
}


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(PAGE_AUTHORS="on", OWNER_LOOKUPS="on")
    with public_web(monkeypatch, HOSTS) as mock:
        yield mock


def html(web: responses.RequestsMock, url: str, body: str, status: int = 200) -> None:
    if url == POST:
        web.get(APEX, status=301, headers={"Location": POST})
    web.get(url, body=body, status=status, content_type="text/html; charset=utf-8")


def work_the_queue() -> int:
    return drain(settings().owner_lookups_queue_url, "track", "events_handler")


def recipients(user: str = "user-1") -> list[str]:
    items = call("GET", "/v1/flattrs", user=user, query="month=2031-06").json["items"]
    return [f["recipient"]["key"] for f in items]


def test_a_page_that_names_its_fediverse_author_pays_that_account(web):
    html(web, POST, FEDIVERSE_HEAD)
    made = attend(report(POST, 60, clock.now())).json["flattrs"]
    assert made[0]["recipient"]["platform"] == "pending" and len(web.calls) == 0
    assert work_the_queue() == 1
    assert recipients() == ["mastodon:@alice@example.social"]
    # Read once a day: another reader's flattr goes there at once, nothing fetched again.
    again = attend(report(POST, 60, clock.now()), user="user-2").json["flattrs"]
    assert again[0]["recipient"]["key"] == "mastodon:@alice@example.social"
    assert [c.request.url for c in web.calls] == [APEX, POST]  # one read, through www


def test_a_page_that_declares_nothing_pays_its_domain(web):
    html(web, POST, PLAIN_HEAD)
    attend(report(POST, 60, clock.now()))
    assert work_the_queue() == 1
    assert recipients() == ["web:alicewrites.net"]


def test_a_domain_verified_by_a_creator_wins_over_the_page(web):
    Recipient("web:alicewrites.net", claimed_by="alice-here").save()
    html(web, POST, FEDIVERSE_HEAD)
    made = attend(report(POST, 60, clock.now())).json["flattrs"]
    assert made[0]["recipient"]["key"] == "web:alicewrites.net"
    assert work_the_queue() == 0 and len(web.calls) == 0


def test_a_platform_page_is_the_platforms_rules_never_its_head(web):
    made = attend(report("https://github.com/octocat", 60, clock.now())).json["flattrs"]
    assert made[0]["recipient"]["key"] == "github:octocat"
    assert work_the_queue() == 0


def test_a_redirect_off_the_site_is_not_followed(web):
    web.get(APEX, status=302, headers={"Location": "https://github.com/login"})
    attend(report(POST, 60, clock.now()))
    assert work_the_queue() == 1
    assert recipients() == ["web:alicewrites.net"] and len(web.calls) == 1


def test_a_page_on_a_private_address_is_not_fetched_and_pays_its_domain(web):
    page = "https://inside.alicewrites.net/admin"
    html(web, page, FEDIVERSE_HEAD)
    attend(report(page, 60, clock.now()))
    assert work_the_queue() == 1
    assert recipients() == ["web:alicewrites.net"] and len(web.calls) == 0


def test_a_page_that_cannot_be_read_falls_back_to_its_domain_at_the_split(web):
    add_user("user-1", budget=5 * EUR, paid_in=5 * EUR)
    html(web, POST, "", status=503)
    attend(report(POST, 60, clock.now() - timedelta(minutes=1)))
    assert work_the_queue() == 0  # tried again later
    clock.move_to(clock.now().replace(month=7, day=1, hour=6, minute=31))
    assert run_job("monthly-split")["ready"] is True
    assert recipients() == ["web:alicewrites.net"]
    assert lookups.waiting("2031-06") == []


def test_a_request_reads_its_page_days_their_authors_and_sites_in_one_request(web):
    pages = [f"https://site{i}.example/post" for i in range(3)]
    with dynamodb_calls() as counts:
        attend(*[report(page, 10, clock.now()) for page in pages])
    # With the directory's records of the sites, cached a minute.
    assert counts["BatchGetItem activity+lookups+recipients"] == 1
    assert counts["BatchGetItem"] == 1
    with dynamodb_calls() as again:  # answered "nobody" is kept; not answered yet is not
        attend(*[report(page, 10, clock.now() + timedelta(seconds=30)) for page in pages])
    assert again["BatchGetItem activity+lookups"] == 1 and again["BatchGetItem"] == 1

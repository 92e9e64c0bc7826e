"""Flattrs to an email address (issue 16): a page's ``flattr:id`` names ``mailto:`` an
address; its flattrs go to ``email:<keyed hash>``, named by the address's Gravatar
profile; the unclaimed-money email goes to the address (kept only sealed); a single-use
link sent to it proves it, and what waits moves to whoever proved it.

Page heads and Gravatar's answers are served with ``responses`` from public-looking hosts
that a stub resolver maps (nothing on the internet is reached); Gravatar's shapes are
written from its documentation (``local/recorded/gravatar.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import responses

from functions.claim.models import ProvenEmail
from functions.common import clock
from functions.common.settings import settings
from functions.core.ownership import emails
from functions.core.ownership.models import LookupItem
from local.queues import drain
from local.recorded.gravatar import ADDRESS, AVATAR_PNG, NOT_FOUND, PROFILE, SHA256
from tests.conftest import call
from tests.integration.claim_helpers import email_job, outbox
from tests.integration.deletion_helpers import finish_deletions
from tests.integration.net_helpers import public_web
from tests.integration.payout_helpers import EUR, add_user, run_job
from tests.integration.track_helpers import attend, report

POST = "https://alicewrites.net/2031/06/on-gardens"
HEAD = (
    "<!doctype html><html><head><title>On gardens</title>"
    '<meta name="flattr:id" content="mailto:Alice@Example.org">'
    "</head><body><p>Words.</p></body></html>"
)


HOSTS = {
    "alicewrites.net": "93.184.215.20",
    "api.gravatar.com": "192.0.78.19",
    "gravatar.com": "192.0.78.20",
}


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(PAGE_AUTHORS="on", OWNER_LOOKUPS="on")
    with public_web(monkeypatch, HOSTS) as mock:
        mock.get(POST, body=HEAD, content_type="text/html; charset=utf-8")
        yield mock


def gravatar(web: responses.RequestsMock, found: bool = True) -> None:
    web.get(
        f"{emails.GRAVATAR_PROFILES}{SHA256}",
        json=PROFILE if found else NOT_FOUND,
        status=200 if found else 404,
    )
    if found:
        web.get(f"{emails.GRAVATAR_AVATARS}{SHA256}", body=AVATAR_PNG, content_type="image/png")
    else:
        web.get(f"{emails.GRAVATAR_AVATARS}{SHA256}", status=404)


def flattr_the_post(user: str = "user-1") -> None:
    made = attend(report(POST, 60, clock.now()), user=user).json["flattrs"]
    assert made[0]["recipient"]["platform"] == "pending"  # the page is read by the worker
    drain(settings().owner_lookups_queue_url, "track", "events_handler")


def flattrs(user: str = "user-1") -> list[dict[str, Any]]:
    return call("GET", "/v1/flattrs", user=user, query="month=2031-06").json["items"]


def stored_lookups() -> str:
    """Every item of the lookups table, as DynamoDB holds it."""
    table = LookupItem.Meta.table_name
    items = boto3.client("dynamodb", region_name="eu-west-1").scan(TableName=table)["Items"]
    return json.dumps(items, default=str)


def test_a_page_naming_an_address_pays_it_under_its_gravatar_name(web):
    gravatar(web)
    flattr_the_post()
    key = emails.email_key(ADDRESS)
    (made,) = flattrs()
    assert made["recipient"] == {
        "key": key,
        "platform": "email",
        "display_name": "Alice Writer",
        "claimed": False,
    }
    # Kept: the address sealed, the name and the image; never the address in the clear,
    # Gravatar's unkeyed hash, or a URL that holds it.
    kept = stored_lookups()
    assert "Alice Writer" in kept
    for secret in (ADDRESS, ADDRESS.split("@")[0] + "@", SHA256, "gravatar.com"):
        assert secret not in kept.lower()
    assert emails.address_of(key) == ADDRESS
    page = call("GET", f"/v1/recipients/{key}", user=None).json
    assert page["avatar"] == f"/v1/recipients/{key}/avatar"
    image = call("GET", page["avatar"], user=None)
    assert image.status == 200 and image.raw == AVATAR_PNG
    assert image.headers["content-type"] == "image/png"
    asked = [urlsplit(c.request.url) for c in web.calls]
    assert [a.hostname for a in asked] == ["alicewrites.net", "api.gravatar.com", "gravatar.com"]
    assert parse_qs(asked[2].query) == {"s": ["80"], "d": ["404"]}


def test_an_address_without_a_gravatar_profile_is_shown_as_an_address(web):
    gravatar(web, found=False)
    flattr_the_post()
    key = emails.email_key(ADDRESS)
    assert flattrs()[0]["recipient"]["display_name"] == "an email address"
    assert call("GET", f"/v1/recipients/{key}", user=None).json["avatar"] is None
    assert call("GET", f"/v1/recipients/{key}/avatar", user=None).status == 404


def test_the_address_is_written_to_and_a_single_use_link_sent_to_it_proves_it(web):
    gravatar(web)
    add_user("user-1", budget=5 * EUR, paid_in=5 * EUR)
    flattr_the_post()
    key = emails.email_key(ADDRESS)
    clock.move_to(clock.now().replace(month=7, day=1, hour=0, minute=30))
    assert run_job("monthly-split")["ready"] is True  # nothing waits: settled already
    email_job()  # the catalogue is rebuilt, the notice sent
    waiting = call("GET", f"/v1/recipients/{key}", user=None).json["waiting"]
    assert waiting == {"amount": "4.500000", "currency": "EUR"}  # 5 EUR less the 10 % fee
    (notice,) = outbox(ADDRESS)
    assert "waits for you" in notice["subject"]
    assert "A page named this address as the receiver" in notice["text"]

    sent = call("POST", "/v1/emails", {"address": " ALICE@example.org "}, user="alice")
    assert sent.status == 202 and sent.json == {"recipient": key, "sent": True}
    proof = next(m for m in outbox(ADDRESS) if m["subject"].startswith("Confirm"))
    (link,) = [link for link in proof["links"] if "/creator/email?token=" in link]
    token = parse_qs(urlsplit(link).query)["token"][0]

    # Only the person who asked can use it, and only once.
    assert call("POST", "/v1/emails/verify", {"token": token}, user="mallory").status == 404
    proven = call("POST", "/v1/emails/verify", {"token": token}, user="alice")
    assert proven.status == 200
    assert proven.json["moved"] == waiting
    assert proven.json["recipient"]["claimed"] is True
    again = call("POST", "/v1/emails/verify", {"token": token}, user="alice")
    assert again.status == 404 and again.json["type"] == "/problems/not-found"

    assert emails.address_of(key) is None  # claimed: the sealed address went
    assert call("GET", f"/v1/recipients/{key}", user=None).json["waiting"] is None
    mine = call("GET", "/v1/emails", user="alice").json["items"]
    assert [(m["recipient"]["key"], m["recipient"]["claimed"]) for m in mine] == [(key, True)]
    assert call("GET", "/v1/me/balance", user="alice").json["earnings"] == waiting

    exported = call("GET", "/v1/me/export", user="alice").json
    assert [p["recipient"] for p in exported["proven_addresses"]] == [key]
    assert ADDRESS not in json.dumps(exported)
    assert call("DELETE", "/v1/me", user="alice").status == 204
    finish_deletions()
    assert list(ProvenEmail.scan()) == []


def test_a_proof_link_is_no_claim_link_and_a_claim_needs_the_proof(web):
    gravatar(web)
    flattr_the_post()
    key = emails.email_key(ADDRESS)
    call("POST", "/v1/emails", {"address": ADDRESS}, user="alice")
    (proof,) = outbox(ADDRESS)
    token = parse_qs(urlsplit(proof["links"][0]).query)["token"][0]
    assert call("GET", f"/v1/claims/{token}", user=None).status == 404
    refused = call("POST", "/v1/claims", {"recipient": key}, user="alice")
    assert refused.status == 403 and refused.json["type"] == "/problems/ownership-not-proven"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/emails", {"address": "not an address"}, "body.address"),
        ("/v1/emails", {"address": "a@b"}, "body.address"),
        ("/v1/emails", {}, "body.address"),
        ("/v1/emails/verify", {"token": "short"}, "body.token"),
        ("/v1/emails/verify", {"token": "x" * 20 + "!"}, "body.token"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(aws, path, body, field):
    answer = call("POST", path, body, user="alice")
    assert answer.status == 422
    assert field in json.dumps(answer.json)
    assert outbox() == []

"""Domains: proven by a TXT record (answered on loopback by the local stack's DNS server,
``local/nameserver.py``) or by the ``flattr:id`` meta tag (the site played by ``responses``,
its name resolved by a stub); SSRF cases refused; on success the site's escrow moves."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import responses

from functions.claim.models import DomainClaim
from functions.common import safe_http
from functions.core import ledger
from functions.core.models import Escrow
from local.nameserver import NameServer
from tests.conftest import call
from tests.integration.claim_helpers import escrow_for, stub_resolver
from tests.integration.payout_helpers import assert_ledger_checks


@pytest.fixture
def dns_stub(setenv) -> Iterator[NameServer]:
    stub = NameServer()
    setenv(DNS_NAMESERVER=stub.address)
    yield stub
    stub.stop()


@pytest.fixture
def web(aws, dns_stub, monkeypatch):
    monkeypatch.setattr(safe_http, "RESOLVER", stub_resolver)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def add(domain: str, user: str = "creator"):
    return call("POST", "/v1/domains", body={"domain": domain}, user=user)


def verify(domain: str, user: str = "creator"):
    return call("POST", f"/v1/domains/{domain}/verify", user=user)


def test_adding_a_domain_gives_a_token_and_both_ways_to_publish_it(web):
    answer = add("https://www.Octo.dev/about")
    assert answer.status == 201, answer.raw
    body = answer.json
    assert body["domain"] == "octo.dev" and body["verified"] is False
    assert body["dns"] == {
        "name": "_flattr.octo.dev",
        "type": "TXT",
        "value": f"flattr-verify={body['token']}",
    }
    assert body["meta"] == f'<meta name="flattr:id" content="{body["token"]}">'
    assert add("octo.dev").json["token"] == body["token"]  # asking again: same token
    listed = call("GET", "/v1/domains", user="creator").json["items"]
    assert listed == [body]  # a page shows them again after a reload
    assert call("GET", "/v1/domains", user="someone-else").json["items"] == []


def test_a_txt_record_proves_the_domain_and_its_escrow_moves(web, dns_stub):
    escrow_for("web:octo.dev", ("ada", 1))
    token = add("octo.dev").json["token"]
    assert verify("octo.dev").status == 422  # not published yet
    dns_stub.records["_flattr.octo.dev"] = ["v=spf1 -all", f"flattr-verify={token}"]
    answer = verify("octo.dev")
    assert answer.status == 200, answer.raw
    assert answer.json["verified"] is True and answer.json["method"] == "dns"
    assert answer.json["moved"]["amount"] == "4.500000"
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 4_500_000
    assert list(Escrow.query("web:octo.dev")) == []
    assert_ledger_checks()


def test_the_meta_tag_proves_the_domain(web):
    token = add("octo.dev").json["token"]
    web.get(
        "https://octo.dev/",
        body=f'<html><head><meta name="flattr:id" content="{token}"></head></html>',
    )
    answer = verify("octo.dev")
    assert answer.status == 200, answer.raw
    assert answer.json["method"] == "meta"


def test_a_meta_tag_naming_the_user_proves_it_too(web):
    add("octo.dev")
    web.get("https://octo.dev/", body='<meta name="flattr:id" content="creator">')
    assert verify("octo.dev").json["method"] == "meta"


def test_someone_elses_token_proves_nothing(web, dns_stub):
    other = add("octo.dev", user="other").json["token"]
    add("octo.dev")
    dns_stub.records["_flattr.octo.dev"] = [f"flattr-verify={other}"]
    assert verify("octo.dev").status == 422
    assert verify("octo.dev", user="other").status == 200
    assert verify("octo.dev").status == 422
    assert add("octo.dev").status == 409  # verified by someone else


@pytest.mark.parametrize("domain", ["intranet.example", "metadata.example"])
def test_a_site_on_a_private_address_is_never_fetched(web, domain):
    add(domain)
    assert verify(domain).status == 422
    assert len(web.calls) == 0


def test_a_redirect_to_another_host_is_not_followed(web):
    token = add("octo.dev").json["token"]
    web.get("https://octo.dev/", status=301, headers={"Location": "https://blog.example.org/"})
    web.get("https://blog.example.org/", body=f'<meta name="flattr:id" content="{token}">')
    assert verify("octo.dev").status == 422
    assert [c.request.url for c in web.calls] == ["https://octo.dev/"]


def test_a_redirect_within_the_host_is_followed(web):
    token = add("octo.dev").json["token"]
    web.get("https://octo.dev/", status=302, headers={"Location": "/home"})
    web.get("https://octo.dev/home", body=f'<meta name="flattr:id" content="{token}">')
    assert verify("octo.dev").status == 200


def test_a_huge_page_is_cut_off_not_read(web):
    token = add("octo.dev").json["token"]
    padding = "x" * (300 * 1024)
    web.get("https://octo.dev/", body=f'{padding}<meta name="flattr:id" content="{token}">')
    assert verify("octo.dev").status == 422


@pytest.mark.parametrize(
    "domain", ["github.com", "localhost", "10.1.2.3", "not a domain", "https://"]
)
def test_what_is_not_a_domain_of_ones_own_is_a_clear_422(web, domain):
    answer = add(domain)
    assert answer.status == 422, answer.raw
    assert answer.json["errors"][0]["field"] == "body.domain"


def test_verifying_a_domain_never_added_is_404(web):
    assert verify("octo.dev").status == 404


def test_a_claim_of_a_verified_domains_recipient_works_later_too(web, dns_stub):
    token = add("octo.dev").json["token"]
    dns_stub.records["_flattr.octo.dev"] = [f"flattr-verify={token}"]
    assert verify("octo.dev").status == 200
    assert [d.domain for d in DomainClaim.scan() if d.verified_at] == ["octo.dev"]
    answer = call("POST", "/v1/claims", body={"recipient": "web:octo.dev"}, user="creator")
    assert answer.status == 200 and answer.json["moved"]["amount"] == "0.000000"


# ------------------------------------------------------------------ hardening finding 5


@pytest.mark.parametrize(
    "domain",
    [
        "127.1",
        "0177.0.0.1",
        "0x7f.0.0.1",
        "2130706433",
        "\uff11\uff12\uff17.\uff10.\uff10.\uff11",  # full-width digits
        "[::1]",
        "foo.localhost",
        "google.internal",
        "printer.local",
        "x.test",
        "x.invalid",
        "x.onion",
        "1.0.0.127.in-addr.arpa",
        "example.com",
        "localhost",
        "nosuffix",
        "com",
        "co.uk",
    ],
)
def test_only_registrable_public_domains_are_accepted(web, domain):
    answer = add(domain)
    assert answer.status == 422, (domain, answer.raw)
    assert answer.json["errors"][0]["field"] == "body.domain"
    assert list(DomainClaim.scan()) == []


def test_an_international_domain_is_kept_in_punycode(web):
    answer = add("https://Bücher.de/")
    assert answer.status == 201, answer.raw
    assert answer.json["domain"] == "xn--bcher-kva.de"


def test_two_users_verifying_one_domain_at_once_exactly_one_wins(web, dns_stub):
    tokens = {user: add("octo.dev", user=user).json["token"] for user in ("creator", "other")}
    dns_stub.records["_flattr.octo.dev"] = [f"flattr-verify={t}" for t in tokens.values()]
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def run(user: str) -> None:
        barrier.wait()
        statuses[user] = verify("octo.dev", user=user).status

    threads = [threading.Thread(target=run, args=(user,)) for user in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 409], statuses
    assert len([d for d in DomainClaim.scan() if d.verified_at]) == 1

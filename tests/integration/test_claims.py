"""Claiming: ownership proven, escrow moved in the transaction that marks the recipient
claimed, exactly one winner of concurrent claims, 409 for someone else's, crash-safe; the
claim link's JSON and HTML; the donors' digest; the public catalogue."""

from __future__ import annotations

import threading

import pytest
import responses

from functions.claim import claiming, links
from functions.claim.models import DonorNotice
from functions.common import clock
from functions.core import ledger
from functions.core.models import Escrow, Recipient
from tests.conftest import call
from tests.integration.claim_helpers import (
    claim_cut_short,
    connect,
    direct_escrow,
    email_job,
    escrow_for,
    outbox,
)
from tests.integration.payout_helpers import EUR, assert_ledger_checks

OCTO = "github:octocat"


@pytest.fixture
def held(aws):
    """4.50 EUR from ada and 4.50 EUR from bob wait for github:octocat."""
    escrow_for(OCTO, ("ada", 2), ("bob", 3))
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 9 * EUR


def test_claim_moves_all_escrow_at_once_and_the_money_adds_up(held):
    connect("creator", "github", "583231", "octocat")
    answer = call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator")
    assert answer.status == 200, answer.raw
    assert answer.json == {
        "recipient": OCTO,
        "claimed": True,
        "moved": {"amount": "9.000000", "currency": "EUR"},
        "moved_by_currency": [{"amount": "9.000000", "currency": "EUR"}],
    }
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 9 * EUR
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 0
    assert list(Escrow.query(OCTO)) == []
    assert Recipient.get(OCTO).claimed_by == "creator"
    assert {(n.contributor_id, int(n.amount)) for n in DonorNotice.scan()} == {
        ("ada", 4_500_000),
        ("bob", 4_500_000),
    }
    assert_ledger_checks()
    (earned,) = call("GET", "/v1/me/revenue", user="creator").json["items"][0]["recipients"]
    assert (earned["recipient"], earned["flattrs"], earned["supporters"]) == (OCTO, 5, 2)
    again = call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator")
    assert again.status == 200 and again.json["moved"]["amount"] == "0.000000"
    assert_ledger_checks()


def test_claim_without_proof_is_403_and_moves_nothing(held):
    connect("creator", "github", "1", "someone-else")
    answer = call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator")
    assert answer.status == 403 and answer.json["type"] == "/problems/ownership-not-proven"
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 9 * EUR


def test_someone_elses_recipient_is_409(held):
    connect("creator", "github", "583231", "octocat")
    assert call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator").status == 200
    connect("other", "github", "583231", "octocat")  # a stale proof, say
    answer = call("POST", "/v1/claims", body={"recipient": OCTO}, user="other")
    assert answer.status == 409
    assert ledger.balance(ledger.creator_account("other", "EUR")) == 0


@pytest.mark.parametrize("body", [{}, {"recipient": "no-colon"}, {"recipient": 5}])
def test_a_bad_claim_body_names_the_field(aws, body):
    answer = call("POST", "/v1/claims", body=body, user="creator")
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "body.recipient"


def test_of_two_concurrent_claims_exactly_one_wins(aws):
    total = direct_escrow(OCTO, 120)
    outcomes: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def claim(user: str) -> None:
        barrier.wait()
        try:
            outcomes[user] = claiming.move_escrow(OCTO, user).amounts["EUR"]
        except claiming.TakenByAnother:
            outcomes[user] = 409

    threads = [threading.Thread(target=claim, args=(u,)) for u in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values(), key=str) == sorted([total, 409], key=str)
    winner = next(user for user, outcome in outcomes.items() if outcome == total)
    assert Recipient.get(OCTO).claimed_by == winner
    assert ledger.balance(ledger.creator_account(winner, "EUR")) == total
    assert list(Escrow.query(OCTO)) == []
    assert_ledger_checks()


def test_a_claim_larger_than_a_transaction_moves_in_chunks(aws):
    total = direct_escrow(OCTO, 100)
    moved = claiming.move_escrow(OCTO, "creator")
    assert (moved.amounts, moved.rows) == ({"EUR": total}, 100)
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == total
    assert_ledger_checks()


def test_a_claim_cut_short_by_a_crash_is_finished_by_the_daily_job(aws):
    total = direct_escrow(OCTO, 100)
    claim_cut_short(OCTO, "creator")
    assert Recipient.get(OCTO).claimed_by == "creator"  # the first transaction landed
    partly = ledger.balance(ledger.creator_account("creator", "EUR"))
    assert 0 < partly < total
    assert_ledger_checks()
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        summary = email_job()
    assert summary["settled"] == 1
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == total
    assert list(Escrow.query(OCTO)) == []
    assert_ledger_checks()


# ------------------------------------------------------------------ the claim link


def test_claim_link_json_and_page_show_what_waits(held):
    token = links.new_claim_link(OCTO, clock.now())
    view = call("GET", f"/v1/claims/{token}", user=None)
    assert view.status == 200, view.raw
    assert view.json["amount"] == {"amount": "9.000000", "currency": "EUR"}
    assert view.json["supporters"] == 2 and view.json["flattrs"] == 5
    assert view.json["expires_at"] == "2032-01-01T00:00:00Z"
    assert view.json["top_items"][0] == {"url": "https://x.example/0", "flattrs": 2}
    assert view.json["recipient"]["claimed"] is False

    page = call("GET", f"/claim/{token}", user=None)
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.raw.decode()
    assert '<html lang="en">' in html and "<script" not in html
    assert "<style" not in html and 'href="/style.css"' in html  # the CSP holds here too
    assert "9.00 EUR" in html and "01 January 2032" in html
    assert f'href="/creator/claim?token={token}"' in html  # claiming is the website's


def test_the_public_claim_page_claims_nothing_itself(held):
    """The plain page has no form: a claim is ``POST /v1/claims`` with a token, made by
    the website (or any client), never a cookie-less form post."""
    token = links.new_claim_link(OCTO, clock.now())
    assert "<form" not in call("GET", f"/claim/{token}", user=None).raw.decode()
    from local.gateway import match

    assert match("POST", f"/claim/{token}") is None  # no such route any more
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 9 * EUR


def test_unknown_or_expired_claim_links_are_404(held):
    token = links.new_claim_link(OCTO, clock.now())
    clock.advance(61 * 24 * 3600)
    assert call("GET", f"/v1/claims/{token}", user=None).status == 404
    assert call("GET", "/v1/claims/" + "A" * 43, user=None).status == 404
    page = call("GET", "/claim/nope", user=None)
    assert page.status == 404 and "not valid" in page.raw.decode()


def test_a_claim_link_stores_only_the_tokens_hash(held):
    from functions.claim.models import ClaimToken

    token = links.new_claim_link(OCTO, clock.now())
    stored = [item.attribute_values for item in ClaimToken.scan()]
    assert stored and token not in repr(stored)


# ------------------------------------------------------------------ donors told


def test_donors_get_one_digest_for_all_their_claimed_recipients(aws):
    escrow_for(OCTO, ("ada", 2), also="github:hubot")
    connect("creator", "github", "583231", "octocat")
    connect("robot", "github", "480938", "hubot")
    assert call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator").status == 200
    assert (
        call("POST", "/v1/claims", body={"recipient": "github:hubot"}, user="robot").status == 200
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        summary = email_job()
    assert summary["digests"] == 1
    (digest,) = outbox("ada@example.org")
    assert digest["subject"] == "Your flattrs reached 2 creators"
    assert "octocat (GitHub): 3.00 EUR of yours" in digest["text"]
    assert "hubot (GitHub): 1.50 EUR of yours" in digest["text"]
    assert "Your statements: https://" in digest["text"] and "/history" in digest["text"]
    assert list(DonorNotice.scan()) == []
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        assert email_job()["digests"] == 0  # told once


# ------------------------------------------------------------------ the catalogue


def test_the_catalogue_lists_unclaimed_money_top_first_and_searchable(aws):
    escrow_for("web:small.example", ("ada", 1), also="web:big.example")
    direct_escrow("web:big.example", 3, amount=2 * EUR)
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        email_job()
    top = call("GET", "/v1/unclaimed", user=None)
    assert top.status == 200, top.raw
    keys = [item["recipient"]["key"] for item in top.json["items"]]
    assert keys == ["web:big.example", "web:small.example"]
    assert top.json["items"][0]["supporters"] == 4
    found = call("GET", "/v1/unclaimed", user=None, query="q=small")
    assert [i["recipient"]["key"] for i in found.json["items"]] == ["web:small.example"]
    paged = call("GET", "/v1/unclaimed", user=None, query="limit=1")
    assert len(paged.json["items"]) == 1 and paged.json["cursor"]
    rest = call("GET", "/v1/unclaimed", user=None, query=f"limit=1&cursor={paged.json['cursor']}")
    assert [i["recipient"]["key"] for i in rest.json["items"]] == ["web:small.example"]
    trending = call("GET", "/v1/unclaimed", user=None, query="sort=trending")
    assert trending.status == 200
    assert call("GET", "/v1/unclaimed", user=None, query="sort=new").status == 422
    bad = call("GET", "/v1/unclaimed", user=None, query="cursor=bm90IGpzb24")
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "query.cursor"


def test_a_claim_takes_the_recipient_out_of_the_catalogue_at_once(held):
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        email_job()
    listed = call("GET", "/v1/unclaimed", user=None).json["items"]
    assert [i["recipient"]["key"] for i in listed] == [OCTO]
    connect("creator", "github", "583231", "octocat")
    assert call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator").status == 200
    assert call("GET", "/v1/unclaimed", user=None).json["items"] == []  # not at the next run


# ------------------------------------------------------------------ handles are aliases


def connect_through_the_flow(user: str, stable_id: str, handle: str) -> None:
    """A finished GitHub connect flow, stored as the callback stores it."""
    from datetime import timedelta

    from functions.connections import lifecycle
    from functions.connections.models import OAuthState
    from functions.core.platforms.base import Connected, Identity

    pending = OAuthState(
        "h",
        user_id=user,
        platform="github",
        return_to="/",
        code_verifier="-",
        expires_at=clock.now() + timedelta(minutes=5),
    )
    identity = Identity(stable_id=stable_id, handle=handle)
    lifecycle.connect(pending, Connected({"access_token": "t"}, identity), clock.now())


def test_a_handle_taken_over_by_another_account_does_not_bring_the_money_along(held):
    """octocat was account 583231 when the money was held; someone else (account 999)
    takes the released handle and connects: what waits under github:octocat is not
    theirs. Their own id's money is."""
    connect_through_the_flow("first-owner", "583231", "octocat")
    clock.advance(40 * 24 * 3600)
    call("DELETE", "/v1/connections/github", user="first-owner")  # renamed and left
    connect_through_the_flow("newcomer", "999", "octocat")
    refused = call("POST", "/v1/claims", body={"recipient": OCTO}, user="newcomer")
    assert refused.status == 403, refused.raw
    assert claiming.owner_of(OCTO) is None
    connect_through_the_flow("first-owner", "583231", "octocat-renamed")
    claimed = call("POST", "/v1/claims", body={"recipient": OCTO}, user="first-owner")
    assert claimed.status == 200, claimed.raw  # the account the handle named, renamed since


def test_a_handle_nobody_else_held_is_claimable_by_its_account(held):
    connect_through_the_flow("creator", "583231", "octocat")
    claimed = call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator")
    assert claimed.status == 200, claimed.raw


@pytest.mark.parametrize("outcome", ["claims", "declines"])
def test_a_claim_link_says_what_became_of_the_money(held, outcome):
    """Issue 31: "the claim page kept 'Money waits for monalisa €22.50' ... after the money
    had moved". After a claim or a decline, the link's JSON and page say so, not an amount."""
    token = links.new_claim_link(OCTO, clock.now())
    before = call("GET", f"/v1/claims/{token}", user=None).json
    assert before["declined"] is False and before["recipient"]["claimed"] is False
    connect("creator", "github", "583231", "octocat")
    assert call("POST", f"/v1/{outcome}", body={"recipient": OCTO}, user="creator").status == 200
    view = call("GET", f"/v1/claims/{token}", user=None).json
    assert view["amount"]["amount"] == "0.000000"
    assert (view["recipient"]["claimed"], view["declined"]) == (
        (True, False) if outcome == "claims" else (False, True)
    )
    html = call("GET", f"/claim/{token}", user=None).raw.decode()
    assert "Money waits" not in html and "9.00 EUR" not in html and 'id="claim"' not in html
    said = "has claimed this money" if outcome == "claims" else "has refused this money"
    assert f"octocat {said}" in html

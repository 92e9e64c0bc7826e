"""Declining: a creator who proved ownership refuses the money. The escrow goes back to
the givers at once (their statements show it), the recipient leaves the catalogue,
``/v1/resolve`` says ``declined``, no later flattr is made to it, and the split leaves out
the flattrs of the open month; idempotent and crash-safe."""

from __future__ import annotations

import uuid

import pytest
import responses

from functions.claim import declining
from functions.claim.models import CatalogueEntry
from functions.common import clock
from functions.core import ledger
from functions.core.models import Escrow, Recipient
from tests.conftest import call
from tests.integration.claim_helpers import (
    connect,
    crash_after_first_movement,
    email_job,
    escrow_for,
)
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    run_job,
)

OCTO = "github:octocat"
URL = "https://github.com/octocat/hello-world"


@pytest.fixture
def held(aws):
    """4.50 EUR from ada and 4.50 EUR from bob wait for github:octocat (June's split)."""
    escrow_for(OCTO, ("ada", 2), ("bob", 3))
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        email_job()  # builds the catalogue, among other things
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 9 * EUR


def decline(user: str, recipient: str = OCTO):
    return call("POST", "/v1/declines", body={"recipient": recipient}, user=user)


def test_declining_gives_the_escrow_back_to_the_givers_at_once(held):
    before = {c: ledger.balance(ledger.contributor_account(c, "EUR")) for c in ("ada", "bob")}
    connect("creator", "github", "583231", "octocat")
    answer = decline("creator")
    assert answer.status == 200, answer.raw
    assert answer.json == {
        "recipient": OCTO,
        "declined": True,
        "refunded": {"amount": "9.000000", "currency": "EUR"},
        "refunded_by_currency": [{"amount": "9.000000", "currency": "EUR"}],
        "refunded_rows": 2,
    }
    after = {c: ledger.balance(ledger.contributor_account(c, "EUR")) for c in ("ada", "bob")}
    assert {c: after[c] - before[c] for c in after} == {"ada": 4_500_000, "bob": 4_500_000}
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 0
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 0
    assert list(Escrow.query(OCTO)) == []
    assert Recipient.get(OCTO).declined_by == "creator"
    assert_ledger_checks()
    # The givers see it in this month's statement, as money given back.
    month = clock.now().strftime("%Y-%m")
    refunds = call("GET", "/v1/me/statements", user="ada", query=f"month={month}").json["refunds"]
    assert [(r["recipient"], r["month"], r["amount"]["amount"]) for r in refunds] == [
        (OCTO, "2031-06", "4.500000")
    ]
    # Again: nothing more to give back, same answer shape.
    again = decline("creator")
    assert again.status == 200 and again.json["refunded"]["amount"] == "0.000000"
    assert_ledger_checks()


def test_a_declined_recipient_leaves_the_catalogue_and_takes_no_flattrs(held):
    listed = call("GET", "/v1/unclaimed", user=None).json["items"]
    assert OCTO in [item["recipient"]["key"] for item in listed]
    connect("creator", "github", "583231", "octocat")
    assert decline("creator").status == 200
    assert CatalogueEntry.count(OCTO) == 0
    listed = call("GET", "/v1/unclaimed", user=None).json["items"]
    assert OCTO not in [item["recipient"]["key"] for item in listed]

    resolved = call("GET", "/v1/resolve", user=None, query=f"url={URL}").json
    assert resolved["flattrable"] is False and resolved["reason"] == "declined"
    made = call("POST", "/v1/flattrs", body={"event_id": str(uuid.uuid4()), "url": URL}, user="ada")
    assert made.status == 422 and "declined" in made.json["detail"]
    assert_ledger_checks()


def test_the_split_leaves_out_flattrs_to_a_recipient_declined_during_the_month(aws):
    """Flattrs made before the decline, in the open month: the budget is shared over the
    others, nothing is held for the declined recipient."""
    clock.move_to(JUNE)
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    add_flattrs("ada", OCTO, 3)
    add_flattrs("ada", "web:blog.example.org", 1)
    connect("creator", "github", "583231", "octocat")
    assert decline("creator").status == 200
    projected = call("GET", "/v1/me/balance", user="ada").json["projected"]
    assert [p["recipient"]["key"] for p in projected] == ["web:blog.example.org"]
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    run_job("monthly-split", month="2031-06")
    statement = call("GET", "/v1/me/statements", user="ada", query="month=2031-06").json
    assert [p["recipient"]["key"] for p in statement["parts"]] == ["web:blog.example.org"]
    assert statement["parts"][0]["amount"]["amount"] == "4.500000"  # all of it, less the fee
    assert list(Escrow.query(OCTO)) == []
    assert_ledger_checks()


def test_only_a_proven_owner_may_decline_and_never_someone_elses(held):
    connect("stranger", "github", "1", "someone-else")
    refused = decline("stranger")
    assert refused.status == 403 and refused.json["type"] == "/problems/ownership-not-proven"
    connect("creator", "github", "583231", "octocat")
    assert call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator").status == 200
    connect("other", "github", "583231", "octocat")  # a stale proof
    assert decline("other").status == 409
    assert Recipient.get(OCTO).declined_at is None
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 9 * EUR
    bad = call("POST", "/v1/declines", body={"recipient": "nope"}, user="creator")
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "body.recipient"


def test_a_decline_cut_short_by_a_crash_is_finished_by_declining_again(held):
    connect("creator", "github", "583231", "octocat")
    with crash_after_first_movement():
        declining.decline("creator", OCTO)
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 4_500_000  # one row went back
    assert_ledger_checks()
    assert decline("creator").json["refunded"]["amount"] == "4.500000"
    assert ledger.balance(ledger.escrow_account(OCTO, "EUR")) == 0
    assert_ledger_checks()


def test_a_receivers_public_page_says_what_it_is(held):
    page = call("GET", f"/v1/recipients/{OCTO}", user=None)
    assert page.status == 200, page.raw
    assert page.json == {
        "recipient": {
            "key": OCTO,
            "platform": "github",
            "display_name": "octocat",
            "claimed": False,
        },
        "declined": False,
        "waiting": {"amount": "9.000000", "currency": "EUR"},
        "waiting_by_currency": [{"amount": "9.000000", "currency": "EUR"}],
        "supporters": 2,
        "flattrs": 5,
        "home": None,
        "avatar": None,  # an email recipient's Gravatar image only
        "expires_at": "2032-01-01T00:00:00Z",  # June's escrow goes back on 1 January
    }
    site = call("GET", "/v1/recipients/web:blog.example.org", user=None).json
    assert site["home"] == "https://blog.example.org/" and site["waiting"] is None
    connect("creator", "github", "583231", "octocat")
    assert decline("creator").status == 200
    after = call("GET", f"/v1/recipients/{OCTO}", user=None).json
    assert after["declined"] is True and after["waiting"] is None
    bad = call("GET", "/v1/recipients/nocolon", user=None)
    assert bad.status in (400, 422) and bad.json["errors"][0]["field"] == "path.key"

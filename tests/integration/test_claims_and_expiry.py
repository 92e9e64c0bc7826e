"""Claims and expiries together: the ledger check (the operator's `flattr ledger check`)
passes after both, and escrow of a recipient claimed halfway (a crash) is never refunded
by the expiry job: it is the creator's, and the daily email job moves it to them."""

from __future__ import annotations

import responses

from functions.cli import main
from functions.common import clock
from functions.core import ledger
from functions.core.models import Escrow
from tests.conftest import call
from tests.integration.claim_helpers import (
    claim_cut_short,
    connect,
    direct_escrow,
    email_job,
    split_june,
)
from tests.integration.payout_helpers import JUNE, run_job


def test_ledger_check_passes_after_claims_and_expiries(aws, capsys):
    split_june(("ada", "github:octocat", 2), ("ada", "web:never.example", 1))
    connect("creator", "github", "583231", "octocat")
    assert (
        call("POST", "/v1/claims", body={"recipient": "github:octocat"}, user="creator").status
        == 200
    )
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=0, minute=11))
    expired = run_job("expire-escrow")
    assert expired["expired"] == 1  # web:never.example's escrow went back to ada
    assert ledger.balance(ledger.escrow_account("web:never.example", "EUR")) == 0
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 3_000_000
    assert main(["ledger", "check"]) == 0
    assert "invariant holds" in capsys.readouterr().out


def test_escrow_of_a_recipient_claimed_halfway_is_not_refunded(aws):
    total = direct_escrow("github:octocat", 100)
    claim_cut_short("github:octocat", "creator")
    left = len(list(Escrow.query("github:octocat")))
    assert 0 < left < 100
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=0, minute=11))
    expired = run_job("expire-escrow")
    assert expired["expired"] == 0 and expired["kept_for_owner"] == left
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        assert email_job()["settled"] == 1
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == total
    assert main(["ledger", "check"]) == 0


def test_a_claimed_recipient_the_email_job_cannot_settle_is_counted_and_the_rest_settle(
    aws, monkeypatch
):
    """``move_escrow`` raises domain errors, not HTTP problems; the email job, which calls
    it for recipients claimed halfway, reports one that fails and settles the others."""
    from functions.claim import claiming

    for recipient, prefix in (("github:octocat", "o"), ("github:hubot", "h")):
        direct_escrow(recipient, 60, prefix=prefix)
        claim_cut_short(recipient, "creator")
    real_apply = ledger.apply

    def taken_meanwhile(movement: ledger.Movement) -> bool:
        if any(
            leg.account == ledger.escrow_account("github:hubot", "EUR") for leg in movement.legs
        ):
            raise ledger.UpdateRefused(movement.entry_id)  # claimed by another meanwhile
        return real_apply(movement)

    monkeypatch.setattr(claiming.ledger, "apply", taken_meanwhile)
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        summary = email_job()
    assert (summary["settled"], summary["settle_failed"]) == (1, 1)
    assert not list(Escrow.query("github:octocat"))
    assert list(Escrow.query("github:hubot"))
    monkeypatch.setattr(claiming.ledger, "apply", real_apply)
    assert main(["ledger", "check"]) == 0

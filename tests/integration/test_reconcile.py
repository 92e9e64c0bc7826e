"""Reconciliation: every balance transaction of the fake Stripe matched to the ledger
movement it stands for (charges and their fees, refunds, transfers and reversals,
disputes), and the other way round; what does not add up is written down, counted, and
shown by ``flattr payments reconcile``."""

from __future__ import annotations

import uuid

import pytest

from functions.cli import main
from functions.common import clock
from functions.payments.models import PayIn
from local.gateway import invoke
from tests.conftest import call
from tests.integration.payout_helpers import assert_ledger_checks
from tests.integration.stripe_helpers import Stripe
from tests.integration.test_payins import dispute, paid, refund
from tests.integration.test_payouts import earning_creator, onboarded, strong, withdraw


def reconcile() -> dict:
    result = invoke("payments", "job_handler", {"job": "reconcile-stripe"})
    assert isinstance(result, dict)
    return result


def test_money_in_and_out_adds_up_with_stripe(
    stripe: Stripe, capsys: pytest.CaptureFixture
) -> None:
    kept = paid(stripe, "10.00")
    paid(stripe, "5.00")
    assert refund("3.00", str(uuid.uuid4())).status == 201
    dispute(stripe, kept, "lost")
    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    assert withdraw(bea, "10.00").status == 201
    (transfer,) = stripe.fake.transfers
    stripe.fake._control("reverse_transfer", {"transfer": transfer})
    clock.advance(2 * 3600)
    summary = reconcile()
    # 2 charges, 1 refund, 1 dispute adjustment, 1 transfer, 1 reversal.
    assert summary["mismatches"] == 0, summary
    assert summary["matched"] == 6
    assert main(["payments", "reconcile"]) == 0
    assert "everything adds up" in capsys.readouterr().out
    assert reconcile()["mismatches"] == 0  # again, over the same days: the same answer
    assert_ledger_checks()


def test_a_movement_of_ours_with_no_stripe_counterpart_is_found(
    stripe: Stripe, capsys: pytest.CaptureFixture
) -> None:
    payin_id = paid(stripe, "10.00")
    charge = PayIn.get(payin_id).charge_id
    # Stripe has no such charge: its balance never moved for what our ledger credited.
    stripe.fake.balance_transactions[:] = [
        t for t in stripe.fake.balance_transactions if t["source"] != charge
    ]
    assert reconcile()["mismatches"] == 0  # within the hour a movement may still come
    clock.advance(2 * 3600)
    assert reconcile()["mismatches"] == 1
    assert main(["payments", "reconcile"]) == 1
    out = capsys.readouterr().out
    assert f"payin#{payin_id}" in out and "no Stripe counterpart" in out


def test_a_stripe_movement_that_differs_from_the_ledger_is_found(stripe: Stripe) -> None:
    paid(stripe, "10.00")
    charge = stripe.fake.balance_transactions[0]
    charge["fee"] += 1  # Stripe kept a cent more than the ledger recorded
    stranger = dict(charge, id="txn_stranger", source="ch_not_ours", fee=0)
    stripe.fake.balance_transactions.append(stranger)
    summary = reconcile()
    assert summary["mismatches"] == 2
    problems = sorted(m["problem"] for m in shown())
    assert problems[0] == "a charge with no pay-in of ours"
    assert "fee" in problems[1]
    charge["fee"] -= 1  # as the ledger has it after all: that mismatch clears on the next run
    assert reconcile()["mismatches"] == 1
    assert [m["key"] for m in shown()] == ["txn#txn_stranger"]


def shown() -> list[dict]:
    from functions.payments import reconcile as module

    return [{"key": m.key, "problem": m.problem} for m in module.mismatches()]


def test_the_cursor_moves_on_and_two_days_are_looked_at_again(stripe: Stripe) -> None:
    paid(stripe, "10.00")
    assert reconcile()["matched"] == 1
    clock.advance(3 * 86_400)
    paid(stripe, "4.00")
    assert reconcile()["matched"] == 2  # the cursor's two days before are listed again
    clock.advance(3 * 86_400)
    assert reconcile()["matched"] == 1  # the first charge is behind the cursor now
    assert call("GET", "/v1/payins", user="ada").status == 200

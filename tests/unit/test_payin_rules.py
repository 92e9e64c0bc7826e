"""The pay-in's rules as plain functions (``payments/payin_rules.py``): whether Stripe's
answer is the pay-in's at all, and what it moves. The same rules through the webhook
route and worker, on the emulator and the fake Stripe: ``tests/integration/test_payins.py``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.payments.payin_rules import FINAL, STATES, PayInView, foreign, synced

PAYIN = PayInView(payin_id="pay_1", amount_cents=1200, kind="one_off", state="pre", currency="eur")


def intent(status: str = "succeeded", **changes: object) -> dict[str, object]:
    answer: dict[str, object] = {
        "id": "pi_1",
        "status": status,
        "amount": 1200,
        "currency": "eur",
        "metadata": {"payin_id": "pay_1"},
        "latest_charge": {"id": "ch_1", "balance_transaction": {"fee": 43}},
    }
    return answer | changes


def test_a_succeeded_payment_credits_the_pay_in_with_stripes_fee():
    done = synced(PAYIN, intent())
    assert (done.state, done.credit, done.moves) == ("succeeded", True, True)
    assert (done.fee_cents, done.charge_id) == (43, "ch_1")


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"metadata": {"payin_id": "pay_2"}}, "pay-in pay_2's"),
        ({"metadata": {}}, "no pay-in of ours"),
        ({"amount": 1100}, "amount or currency"),
        ({"currency": "usd"}, "amount or currency"),
    ],
)
def test_an_intent_that_is_not_the_pay_ins_moves_nothing(changes, why):
    done = synced(PAYIN, intent(**changes))
    assert done.refused is not None and why in done.refused
    assert not done.credit and not done.moves and done.state == "pre"


def test_an_event_naming_another_checkout_session_moves_nothing():
    payin = replace(PAYIN, checkout_session="cs_1")
    assert synced(payin, intent(), session_id="cs_1").refused is None
    assert "Checkout Session" in str(synced(payin, intent(), session_id="cs_2").refused)


def test_a_monthly_charge_is_its_holders_customers():
    payin = replace(PAYIN, kind="monthly")
    charged = intent(customer="cus_holder")
    assert synced(payin, charged, monthly_customer="cus_holder").refused is None
    assert "holder" in str(synced(payin, charged, monthly_customer="cus_other").refused)
    assert "holder" in str(synced(payin, charged, monthly_customer=None).refused)


def test_a_failed_monthly_charge_waits_for_its_holder_a_one_off_fails():
    assert synced(PAYIN, intent("requires_payment_method")).state == "failed"
    monthly = replace(PAYIN, kind="monthly")
    assert synced(monthly, intent("requires_payment_method")).state == "awaiting_payer_action"


def test_no_fee_until_stripe_has_a_balance_transaction():
    done = synced(PAYIN, intent("processing", latest_charge={"id": "ch_1"}))
    assert (done.state, done.fee_cents, done.credit) == ("pending", 0, False)


@given(
    st.sampled_from(["pre", "pending", "awaiting_payer_action", "succeeded", "failed"]),
    st.sampled_from([*sorted(STATES), "something_new"]),
    st.sampled_from(["one_off", "monthly"]),
)
def test_a_final_pay_in_never_moves_and_only_success_credits(state, status, kind):
    payin = replace(PAYIN, state=state, kind=kind)
    done = synced(payin, intent(status))
    assert done.credit == (done.state == "succeeded")
    if state in FINAL or done.state == state:
        assert not done.moves
    else:
        assert done.moves
    if status == "something_new":
        assert done.state == state  # an unknown status keeps what the pay-in says


def test_foreign_is_none_for_the_pay_ins_own_intent():
    assert foreign(PAYIN, intent(), None, None) is None

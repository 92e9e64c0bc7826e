"""A withdrawal's rules as plain functions (``payments/withdrawal_rules.py``): how much may
leave, and which movements each state stands for. Through Stripe's fake and the ledger on
the emulator: ``tests/integration/test_payouts.py``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.errors import Invalid
from functions.payments.withdrawal_rules import (
    EARNINGS,
    FLIGHT,
    PAID_OUT,
    amount_cents,
    settling_steps,
)


def test_everything_earned_unless_an_amount_is_asked():
    assert amount_cents(2500, None, 1000, "EUR") == 2500
    assert amount_cents(2500, 1200, 1000, "EUR") == 1200


@pytest.mark.parametrize(
    ("available", "asked", "says"),
    [
        (900, None, "at least 10.00 EUR (you have 9.00 EUR)"),
        (2500, 999, "at least"),
        (2500, 2501, "at most 25.00"),
    ],
)
def test_too_little_or_more_than_earned_is_refused_naming_the_amount(available, asked, says):
    with pytest.raises(Invalid) as refused:
        amount_cents(available, asked, 1000, "EUR")
    assert says in refused.value.detail and refused.value.field == "body.amount"


def net(steps: list[tuple[str, str, str]]) -> dict[str, int]:
    """Where one withdrawal's money ends up after its steps, starting reserved in flight."""
    where = {EARNINGS: 0, FLIGHT: 1, PAID_OUT: 0}
    for _, source, target in steps:
        where[source] -= 1
        where[target] += 1
    return where


@given(st.sampled_from(["pre", "in_transit", "paid", "failed", "reversed"]))
def test_each_state_leaves_the_money_in_one_place(state):
    steps = settling_steps(state, reserved=True)
    assert len({step for step, _, _ in steps}) == len(steps)  # each step once
    where = net(steps)
    assert sorted(where.values()) == [0, 0, 1]
    home = {"paid": PAID_OUT, "failed": EARNINGS, "reversed": EARNINGS}.get(state, FLIGHT)
    assert where[home] == 1


def test_a_failure_before_the_reservation_moves_nothing():
    assert settling_steps("failed", reserved=False) == []
    assert settling_steps("pre", reserved=False) == []

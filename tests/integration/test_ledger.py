"""Ledger movements: once only, all or nothing, never below zero."""

from __future__ import annotations

import pytest

from functions.core import ledger
from functions.core.ledger import InsufficientBalance, Leg, Movement
from tests.integration.payout_helpers import assert_ledger_checks, snapshot


def test_a_payment_applies_once(aws):
    assert ledger.pay_in("ada", 3_000_000, "p-1", "EUR") is True
    assert ledger.pay_in("ada", 3_000_000, "p-1", "EUR") is False
    assert ledger.balance(ledger.contributor_account("ada", "EUR")) == 3_000_000
    assert_ledger_checks()


def test_no_account_goes_below_zero(aws):
    ledger.pay_in("ada", 1_000_000, "p-1", "EUR")
    before = snapshot()
    too_much = Movement(
        "m-1",
        "transfer",
        (Leg(ledger.contributor_account("ada", "EUR"), -1_000_001), Leg(ledger.FEES, 1_000_001)),
    )
    with pytest.raises(InsufficientBalance):
        ledger.apply(too_much)
    assert snapshot() == before
    exact = Movement(
        "m-2",
        "transfer",
        (Leg(ledger.contributor_account("ada", "EUR"), -1_000_000), Leg(ledger.FEES, 1_000_000)),
    )
    assert ledger.apply(exact) is True
    assert_ledger_checks()


def test_a_movement_over_100_actions_is_refused_before_writing(aws):
    legs = tuple(Leg(f"creator#{i}", 1) for i in range(60))
    with pytest.raises(ValueError):
        ledger.apply(Movement("big", "transfer", legs))

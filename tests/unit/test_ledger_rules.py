"""The ledger's rules as plain functions (``core/ledger.py``): every movement keeps the
books adding up (``drift``), and the check finds each way they could stop adding up
(``check``), on books kept in memory. Writing movements atomically and once is tested on
the emulator (``tests/integration/test_ledger.py``)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.core import ledger
from functions.core.ledger import BALANCE, Leg, Movement, check, drift, entry_key
from functions.core.models import Escrow, LedgerItem


def books(*movements: Movement) -> tuple[list[LedgerItem], dict[str, int]]:
    """The ledger items ``movements`` leave (an entry per leg, a balance per account), and
    the escrow rows' sums the escrow legs imply."""
    balances: dict[str, int] = defaultdict(int)
    items = []
    for movement in movements:
        for leg in movement.legs:
            key = entry_key(movement.entry_id, leg.ref)
            items.append(LedgerItem(leg.account, key, amount=leg.amount, kind=movement.kind))
            balances[leg.account] += leg.amount
    items += [LedgerItem(account, BALANCE, amount=amount) for account, amount in balances.items()]
    rows = {a: v for a, v in balances.items() if a.startswith("escrow#")}
    return items, rows


def test_a_pay_in_adds_up_with_or_without_the_providers_fee():
    assert not drift(ledger.pay_in_movement("ada", 12_000_000, "pi_1", "EUR").legs)
    with_fee = ledger.pay_in_movement("ada", 12_000_000, "pi_1", "EUR", provider_fee=430_000)
    assert not drift(with_fee.legs)  # the provider's fee is the platform's cost
    assert check(*books(with_fee)).ok
    with pytest.raises(ValueError):
        ledger.pay_in_movement("ada", 0, "pi_2", "EUR")


def test_escrow_going_back_adds_up_and_takes_its_row():
    row = Escrow("github:ada", "2026-06#bob", contributor_id="bob", amount=1_500_000, flattrs=2)
    back = ledger.escrow_refund(row, "2026-12", "expire")
    assert not drift(back.legs)
    assert [(d.recipient, d.month_contributor) for d in back.deletes] == [
        ("github:ada", "2026-06#bob")
    ]
    given = Movement(
        "give", "split", (Leg("contributor#bob", -1_500_000), Leg("escrow#github:ada", 1_500_000))
    )
    items, _ = books(ledger.pay_in_movement("bob", 2_000_000, "pi", "EUR"), given, back)
    assert check(items, {}).ok  # the row is gone, and so is its escrow balance


def test_a_movement_that_does_not_add_up_is_refused_before_anything_is_written():
    lopsided = Movement("x", "split", (Leg("contributor#ada", -5), Leg("creator#bob", 4)))
    assert drift(lopsided.legs) == {"EUR": -1}
    with pytest.raises(ValueError, match="do not add up"):
        ledger.apply(lopsided)  # no emulator here: it never gets as far as DynamoDB


ACCOUNTS = ["contributor#a", "contributor#b", "creator#c", "escrow#web:x", "fees", "paid_out"]


@st.composite
def balanced_movements(draw):
    legs = [
        Leg(draw(st.sampled_from(ACCOUNTS)), draw(st.integers(-(10**9), 10**9)), ref=str(i))
        for i in range(draw(st.integers(1, 4)))
    ]
    legs.append(Leg(ledger.PAID_IN, sum(leg.amount for leg in legs), ref="in"))
    return Movement(f"m{draw(st.integers(0, 10**9))}", "test", tuple(legs))


@given(st.lists(balanced_movements(), max_size=12, unique_by=lambda m: m.entry_id))
def test_books_of_movements_that_add_up_add_up(movements):
    assert not any(drift(m.legs) for m in movements)
    items, rows = books(*movements)
    found = check(items, rows)
    assert not [p for p in found.problems if "paid in" in p or "entries" in p]


def test_the_check_finds_a_balance_its_entries_do_not_make():
    items, rows = books(ledger.pay_in_movement("ada", 5_000_000, "pi", "EUR"))
    items.append(LedgerItem("creator#bob", BALANCE, amount=1))
    problems = check(items, rows).problems
    assert "creator#bob: balance 1 != entries 0" in problems
    assert any("!= paid in" in p for p in problems)


def test_the_check_finds_a_negative_balance_but_sums_a_sharded_one():
    items, _ = books(
        ledger.pay_in_movement("ada", 5, "pi", "EUR"),
        Movement(
            "charge",
            "split",
            (
                Leg("contributor#ada", -5),
                Leg("in_split#2026-11#0001", 7),
                Leg("in_split#2026-11#0002", -2),
            ),
        ),
    )
    assert check(items, {}).ok  # one shard below zero, their sum is not
    overdrawn, _ = books(Movement("x", "t", (Leg("contributor#ada", -5), Leg("fees", 5))))
    assert "contributor#ada: negative balance -5" in check(overdrawn, {}).problems


def test_the_check_finds_escrow_its_rows_do_not_hold():
    held = Movement("h", "split", (Leg("contributor#a", -3), Leg("escrow#web:x", 3)))
    items, _ = books(ledger.pay_in_movement("a", 3, "pi", "EUR"), held)
    assert check(items, {"escrow#web:x": 3}).ok
    assert "escrow#web:x: balance 3 != escrow rows 2" in check(items, {"escrow#web:x": 2}).problems

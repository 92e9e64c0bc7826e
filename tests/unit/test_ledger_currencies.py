"""Money in several currencies (issue 35, step 2): each account holds one currency, a
movement keeps each currency's books adding up, and the check adds no two currencies
together. Plain functions over books kept in memory (``test_ledger_rules.books``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common import currencies
from functions.common.currencies import BOOKS_CURRENCY, CODES
from functions.core import ledger
from functions.core.ledger import Leg, Movement, check, drift
from tests.unit.test_ledger_rules import books

OTHERS = [c for c in CODES if c != BOOKS_CURRENCY]


@given(st.sampled_from(CODES), st.text(min_size=1, max_size=40))
def test_an_accounts_name_says_its_currency(currency, name):
    # Recipient keys hold colons and at signs (mastodon:@a@b): the name must survive.
    named = ledger.account(f"escrow#{name}", currency)
    assert ledger.currency_of(named) == (currency, f"escrow#{name}")


def test_the_books_first_currency_keeps_the_names_it_had():
    # Every account and movement from before there were other currencies stays as it was.
    assert ledger.creator_account("ada", BOOKS_CURRENCY) == "creator#ada"
    assert ledger.qualified("credit-2026-06-web:x", BOOKS_CURRENCY) == "credit-2026-06-web:x"
    usd = ledger.creator_account("ada", "USD")
    assert usd != "creator#ada" and ledger.currency_of(usd) == ("USD", "creator#ada")
    assert ledger.qualified("credit-2026-06-web:x", "USD") == "credit-2026-06-web:x-USD"
    with pytest.raises(ValueError, match="unknown currency"):
        ledger.account("fees", "XXX")


def test_money_never_changes_currency_inside_the_books():
    usd, eur = "USD", BOOKS_CURRENCY
    across = Movement(
        "x",
        "split",
        (Leg(ledger.contributor_account("a", usd), -5), Leg(ledger.creator_account("b", eur), 5)),
    )
    assert drift(across.legs) == {usd: -5, eur: 5}
    with pytest.raises(ValueError, match="do not add up"):
        ledger.apply(across)


def test_each_currency_adds_up_on_its_own_and_a_drift_names_its_currency():
    items, rows = books(
        ledger.pay_in_movement("ada", 3_000_000, "p1", "USD"),
        ledger.pay_in_movement("bob", 2_000_000, "p2", BOOKS_CURRENCY),
    )
    found = check(items, rows)
    assert found.ok
    assert found.totals["USD"] == {"contributor": 3_000_000, "paid_in": 3_000_000}
    assert found.totals[BOOKS_CURRENCY]["paid_in"] == 2_000_000
    # A dollar counted as a euro: both currencies' books stop adding up, each said apart.
    moved = [i for i in items if i.account != ledger.contributor_account("ada", "USD")]
    moved += [
        i.__class__(ledger.contributor_account("ada", BOOKS_CURRENCY), i.sk, amount=i.amount)
        for i in items
        if i.account == ledger.contributor_account("ada", "USD")
    ]
    problems = check(moved, rows).problems
    assert any(p.startswith("USD: in balances 0") for p in problems)
    assert any(p.startswith(f"{BOOKS_CURRENCY}: in balances 5000000") for p in problems)


@st.composite
def movements_in_currencies(draw):
    currency = draw(st.sampled_from(CODES))
    names = ["contributor#a", "creator#c", "escrow#mastodon:@x@y", "fees", "paid_out"]
    legs = [
        Leg(
            ledger.account(draw(st.sampled_from(names)), currency),
            draw(st.integers(-(10**9), 10**9)),
            ref=str(i),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    paid_in = ledger.account(ledger.PAID_IN, currency)
    legs.append(Leg(paid_in, sum(leg.amount for leg in legs), ref="in"))
    return Movement(f"m{draw(st.integers(0, 10**9))}", "test", tuple(legs))


@given(st.lists(movements_in_currencies(), max_size=12, unique_by=lambda m: m.entry_id))
def test_books_of_many_currencies_add_up_in_each(movements):
    assert not any(drift(m.legs) for m in movements)
    items, rows = books(*movements)
    found = check(items, rows)
    assert not [p for p in found.problems if "paid in" in p or "entries" in p]
    used = {ledger.currency_of(leg.account)[0] for m in movements for leg in m.legs}
    assert set(found.totals) == used  # no currency's sums in another's


def test_minimums_scale_with_the_currency():
    assert currencies.scaled(2_000_000, "SEK") == 20_000_000
    assert all(currencies.scaled(2_000_000, c) == 2_000_000 for c in OTHERS if c != "SEK")

"""The pure split: the issue's example, and properties that hold for any input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.payout.split import split_month, store_parts, stored_parts

EUR = 1_000_000


def test_the_example_from_the_issue():
    # 10 EUR paid in, a 5 EUR budget, 1, 2 and 4 flattrs to three recipients.
    split = split_month(
        5 * EUR, 10 * EUR, {"web:a.example": 1, "web:b.example": 2, "web:c.example": 4}, 1000
    )
    assert split.charge == 5 * EUR
    assert split.fee == 500_000
    assert sum(p.amount for p in split.parts) == 4_500_000
    # 4.5 EUR * k / 7: 642857.14, 1285714.28, 2571428.57 -> the remainder of 1 goes to
    # the largest fraction (c, .57).
    assert {p.recipient: p.amount for p in split.parts} == {
        "web:a.example": 642_857,
        "web:b.example": 1_285_714,
        "web:c.example": 2_571_429,
    }


def test_charge_is_the_balance_when_it_is_below_the_budget():
    split = split_month(5 * EUR, 3 * EUR, {"x": 1}, 1000)
    assert (split.charge, split.fee, split.parts[0].amount) == (3 * EUR, 300_000, 2_700_000)


def test_no_flattrs_no_charge_and_no_balance_unfunded():
    assert split_month(5 * EUR, 10 * EUR, {}, 1000).charge == 0
    unfunded = split_month(5 * EUR, 0, {"x": 2, "y": 1}, 1000)
    assert not unfunded.funded
    assert [(p.recipient, p.flattrs, p.amount) for p in unfunded.parts] == [
        ("x", 2, 0),
        ("y", 1, 0),
    ]


def test_fee_rounds_down():
    assert split_month(19, 19, {"x": 1}, 1000).fee == 1  # 1.9 -> 1


def test_ties_go_to_the_smaller_key():
    split = split_month(2, 2, {"b": 1, "a": 1, "c": 1}, 0)
    assert {p.recipient: p.amount for p in split.parts} == {"a": 1, "b": 1, "c": 0}


@pytest.mark.parametrize(
    "bad", [(-1, 0, {}, 0), (0, -1, {}, 0), (1, 1, {"x": -1}, 0), (1, 1, {}, 10_001)]
)
def test_refuses_negative_input(bad):
    with pytest.raises(ValueError):
        split_month(*bad)


amounts = st.integers(min_value=0, max_value=10**12)
flattr_counts = st.dictionaries(
    st.text(alphabet="abcdefgh:", min_size=1, max_size=6), st.integers(1, 50), max_size=30
)


@given(amounts, amounts, flattr_counts, st.integers(0, 10_000))
def test_parts_always_add_up_exactly(budget, balance, counts, fee):
    split = split_month(budget, balance, counts, fee)
    assert split.fee + sum(p.amount for p in split.parts) == split.charge
    assert split.charge == (min(budget, balance) if counts else 0)
    assert all(p.amount >= 0 for p in split.parts)


@given(amounts, amounts, flattr_counts, st.integers(0, 10_000))
def test_no_recipient_gets_more_than_its_exact_share_rounded_up(budget, balance, counts, fee):
    split = split_month(budget, balance, counts, fee)
    total = sum(counts.values())
    for part in split.parts:
        exact_numerator = split.distributable * part.flattrs
        floor = exact_numerator // total
        ceiling = -(-exact_numerator // total)
        assert floor <= part.amount <= ceiling


@given(amounts, amounts, flattr_counts, st.integers(0, 10_000), st.randoms())
def test_the_result_does_not_depend_on_the_order_of_the_flattrs(budget, balance, counts, fee, rnd):
    items = list(counts.items())
    rnd.shuffle(items)
    assert split_month(budget, balance, dict(items), fee) == split_month(
        budget, balance, counts, fee
    )


def test_many_recipients_share_a_cent():
    counts = {f"r{i:03d}": 1 for i in range(300)}
    split = split_month(100, 100, counts, 0)
    assert sorted(p.amount for p in split.parts).count(1) == 100
    assert random.Random(1).choice(split.parts).amount in (0, 1)


def test_statement_parts_read_in_both_stored_forms():
    split = split_month(1_000, 1_000, {"web:a.example": 1, "github:1": 3}, 0)
    stored = store_parts(split, {"github:1": "creator"})
    assert stored == [["github:1", 3, 750, 0], ["web:a.example", 1, 250, 1]]
    named = [
        {"recipient": "github:1", "flattrs": 3, "amount": 750, "held": False},
        {"recipient": "web:a.example", "flattrs": 1, "amount": 250, "held": True},
    ]
    assert stored_parts({"parts": stored}) == stored_parts({"parts": named})
    assert stored_parts({"parts": stored})[1] == ("web:a.example", 1, 250, True)
    assert stored_parts(None) == []


# ---------------------------------------------------------------- pledges (issue 35)

from functions.payout.split import Pledge, paid_parts, store_pledges  # noqa: E402


def test_pledges_are_paid_first_with_the_fee_then_the_rest_over_flattrs():
    # rules.md: a 3.00 pledge gives 2.70 at 10 %; the rest of the 5.00 charge over flattrs.
    split = split_month(
        5 * EUR, 10 * EUR, {"web:a.example": 1}, 1000, [Pledge("github:x", 3 * EUR)]
    )
    assert split.charge == 5 * EUR
    assert [(p.recipient, p.amount) for p in split.pledges] == [("github:x", 2_700_000)]
    assert [(p.recipient, p.amount) for p in split.parts] == [("web:a.example", 1_800_000)]
    assert split.fee == 500_000 and split.dropped == ()


def test_pledges_alone_charge_only_the_pledges():
    split = split_month(5 * EUR, 10 * EUR, {}, 1000, [Pledge("github:x", 3 * EUR)])
    assert (split.charge, split.fee, split.parts) == (3 * EUR, 300_000, ())
    assert split.pledges[0].amount == 2_700_000


def test_the_newest_pledges_that_do_not_fit_are_dropped_each_whole():
    pledged = [Pledge("old", 2 * EUR), Pledge("middle", 2 * EUR), Pledge("new", 2 * EUR)]
    split = split_month(10 * EUR, 5 * EUR, {"web:a.example": 1}, 0, pledged)
    assert [p.recipient for p in split.pledges] == ["old", "middle"]
    assert split.dropped == ("new",)
    assert split.parts[0].amount == 1 * EUR  # what is left of the 5.00 over the flattrs
    broke = split_month(10 * EUR, 0, {"web:a.example": 1}, 0, pledged)
    assert not broke.funded and broke.dropped == ("new", "middle", "old")


def test_a_recipient_with_a_pledge_and_flattrs_is_paid_as_one_supporter():
    split = split_month(5 * EUR, 5 * EUR, {"github:x": 2}, 0, [Pledge("github:x", 2 * EUR)])
    details = {"parts": store_parts(split, {}), "pledges": store_pledges(split, {})}
    (part,) = paid_parts(details)
    assert (part.recipient, part.flattrs, part.amount, part.held) == ("github:x", 2, 5 * EUR, True)


pledge_lists = st.lists(
    st.builds(Pledge, st.sampled_from(["p:a", "p:b", "web:c", "x"]), st.integers(1, 10**9)),
    max_size=6,
)


@given(amounts, amounts, flattr_counts, st.integers(0, 10_000), pledge_lists)
def test_with_pledges_everything_still_adds_up_exactly(budget, balance, counts, fee, pledged):
    split = split_month(budget, balance, counts, fee, pledged)
    paid = sum(p.amount for p in split.parts) + sum(p.amount for p in split.pledges)
    assert split.fee + paid == split.charge <= min(budget, balance)
    assert len(split.pledges) + len(split.dropped) == len(pledged)
    kept = pledged[: len(split.pledges)]  # the oldest kept, each whole (less its fee)
    assert [p.amount for p in split.pledges] == [q.amount - q.amount * fee // 10_000 for q in kept]
    assert all(p.amount >= 0 for p in split.parts)

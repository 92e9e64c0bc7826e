"""A claim's chunk as a plain decision (``claim/claiming.claim_movement``): from the escrow
rows read, what one transaction moves. Claiming against the emulator (concurrent claims,
chunks, a crash mended): ``tests/integration/test_claims.py``."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from functions.claim.claiming import CHUNK, claim_movement
from functions.claim.models import DonorNotice
from functions.core import ledger
from functions.core.models import LATER, Escrow, MonthStat

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def row(contributor: str, month: str, amount: int, flattrs: int = 1) -> Escrow:
    return Escrow(
        "github:ada",
        f"{month}#{contributor}",
        contributor_id=contributor,
        amount=amount,
        flattrs=flattrs,
    )


rows_strategy = st.lists(
    st.builds(
        row,
        contributor=st.sampled_from([f"c{i}" for i in range(60)]),
        # Escrow lives at most seven months: a chunk's rows come from seven at most.
        month=st.sampled_from([f"2026-{m:02d}" for m in range(5, 12)]),
        amount=st.integers(1, 10**8),
        flattrs=st.integers(1, 50),
    ),
    max_size=CHUNK,
    unique_by=lambda r: r.month_contributor,
)


@given(rows_strategy)
def test_a_chunk_moves_its_rows_money_once_within_one_transaction(rows):
    moved = claim_movement("github:ada", "ada", rows, NOW)
    assert not ledger.drift(moved.legs)
    assert moved.actions() <= ledger.MAX_ACTIONS  # CHUNK rows always fit one transaction
    assert {(d.recipient, d.month_contributor) for d in moved.deletes} == {
        (r.recipient, r.month_contributor) for r in rows
    }
    if rows:
        creator = next(leg for leg in moved.legs if leg.account == "creator#ada")
        assert creator.amount == sum(int(r.amount) for r in rows)
        assert creator.supporters == len({r.contributor_id for r in rows})
        assert creator.flattrs == sum(int(r.flattrs) for r in rows)


@given(rows_strategy)
def test_each_donor_gets_one_notice_of_what_they_gave(rows):
    moved = claim_movement("github:ada", "ada", rows, NOW)
    notices = {
        u.item.contributor_id: u.item.amount
        for u in moved.updates
        if isinstance(u.item, DonorNotice)
    }
    given: dict[str, int] = {}
    for r in rows:
        given[r.contributor_id] = given.get(r.contributor_id, 0) + int(r.amount)
    assert notices == given


@given(rows_strategy)
def test_the_public_stats_count_the_claim_in_each_month_that_held_it(rows):
    """Stats of a split month count its held money claimed later, and the creator paid,
    in the claim's own transaction (exactly once, as the money moves)."""
    moved = claim_movement("github:ada", "ada", rows, NOW)
    stats = [u for u in moved.updates if isinstance(u.item, MonthStat)]
    claimed = {u.item.month: u.actions for u in stats if u.item.part == LATER}
    markers = {u.item.month for u in stats if u.item.part == "creator#ada"}
    held: dict[str, int] = {}
    for r in rows:
        held[r.given_in()] = held.get(r.given_in(), 0) + int(r.amount)
    assert set(claimed) == markers == set(held)
    for month, (action,) in claimed.items():
        path, value = action.values
        assert str(path) == "claimed" and value.value == {"N": str(held[month])}
    assert len(stats) == 2 * len(held)


def test_the_same_rows_are_the_same_chunk_and_other_rows_another():
    rows = [row("bob", "2026-10", 5), row("cat", "2026-11", 7)]
    first = claim_movement("github:ada", "ada", rows, NOW).entry_id
    again = claim_movement("github:ada", "ada", list(rows), NOW).entry_id
    other = claim_movement("github:ada", "ada", rows[:1], NOW).entry_id
    assert first == again != other  # a retry of the same read applies once


def test_a_claim_with_no_rows_left_only_marks_the_recipient():
    moved = claim_movement("github:ada", "ada", [], NOW)
    assert moved.legs == () and moved.deletes == ()
    (marks,) = moved.updates
    assert marks.item.recipient == "github:ada"

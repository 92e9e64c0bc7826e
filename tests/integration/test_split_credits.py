"""The split in two passes: contributors charged into the month's in-split account, then
each recipient credited once for the month; and the shards planned per month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.common import clock
from functions.core import flattrs, ledger
from functions.core.models import Escrow, LedgerItem, MonthSplit
from functions.payout import credits, monthly
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    claim,
    run_job,
    snapshot,
)

FANS = 30
CROWD = credits.ROWS_PER_CREDIT + 24  # more escrow rows than one credit holds


@pytest.fixture
def june(aws):
    clock.move_to(JUNE)
    add_user("creator")
    claim("github:octocat", "creator")
    for index in range(FANS):
        add_user(f"fan{index:02d}", budget=2 * EUR, paid_in=2 * EUR)
        add_flattrs(f"fan{index:02d}", "github:octocat", 1)
    for index in range(CROWD):
        add_user(f"crowd{index:03d}", budget=1 * EUR, paid_in=1 * EUR)
        add_flattrs(f"crowd{index:03d}", "web:popular.example", 2)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))


def slips(month: str) -> list[LedgerItem]:
    return [
        item
        for partition in range(flattrs.shards_of(month))
        for item in LedgerItem.query(credits.slip_account(month, partition))
    ]


def in_split(month: str) -> int:
    shards = range(flattrs.shards_of(month))
    return sum(ledger.balance(ledger.in_split_account(month, shard, "EUR")) for shard in shards)


def test_a_recipient_is_credited_once_a_month_however_many_gave(june):
    run_job("monthly-split", month="2031-06")
    (entry,) = ledger.entries(ledger.creator_account("creator", "EUR"), kind="split")
    fee = 2 * EUR // 10
    assert (int(entry.amount), entry.ref) == (FANS * (2 * EUR - fee), "github:octocat")
    assert (int(entry.flattrs), int(entry.supporters)) == (FANS, FANS)
    held = ledger.entries(ledger.escrow_account("web:popular.example", "EUR"), kind="split")
    assert sorted(int(e.supporters) for e in held) == [24, credits.ROWS_PER_CREDIT]
    rows = list(Escrow.query("web:popular.example"))
    assert len(rows) == CROWD and {int(r.flattrs) for r in rows} == {2}
    assert ledger.balance(ledger.FEES) == FANS * fee + CROWD * (EUR // 10)
    assert in_split("2031-06") == 0 and slips("2031-06") == []
    assert_ledger_checks()


def test_between_the_passes_the_money_is_in_split_and_adds_up(june):
    flattrs.close_month("2031-06")
    shards = range(flattrs.shards_of("2031-06"))
    charged = sum(monthly.split_shard("2031-06", shard).of("EUR").charged for shard in shards)
    assert charged == FANS * 2 * EUR + CROWD * EUR
    assert in_split("2031-06") == charged and slips("2031-06")
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 0
    assert list(Escrow.scan()) == []
    assert_ledger_checks()  # the statements are the entries of the debits
    for partition in shards:
        credits.credit_partition("2031-06", partition)
    assert in_split("2031-06") == 0 and slips("2031-06") == []
    done = snapshot()
    # A re-run of both passes writes the slips again, credits nothing, and deletes them.
    for shard in shards:
        assert monthly.split_shard("2031-06", shard).of("EUR").charged == 0
    assert slips("2031-06")
    applied = [credits.credit_partition("2031-06", p)["credits"] for p in shards]
    assert sum(applied) == 0 and snapshot() == done
    assert_ledger_checks()


def test_a_recipient_claimed_between_a_crash_and_the_rerun_keeps_its_held_parts(june):
    """Statements say where each part went: a re-run credits what they say."""
    flattrs.close_month("2031-06")
    shards = range(flattrs.shards_of("2031-06"))
    for shard in shards:
        monthly.split_shard("2031-06", shard)
    claim("web:popular.example", "creator")  # after the first pass, before the credit
    run_job("monthly-split", month="2031-06")
    assert len(list(Escrow.query("web:popular.example"))) == CROWD
    assert_ledger_checks()


def test_shards_are_planned_from_contributors_two_months_ahead(aws):
    clock.move_to(datetime(2031, 7, 1, 1, tzinfo=UTC))
    assert flattrs.shards_for(1_000) == 4 and flattrs.shards_for(20_001) == 8
    assert flattrs.shards_for(10_000_000) == 2048
    assert flattrs.plan_shards("2031-06", 20_001) == "2031-08"
    assert flattrs.plan_shards("2031-06", 10_000_000) is None  # planned once
    assert flattrs.plan_shards("2031-05", 1) is None  # July has begun: never re-planned
    assert int(MonthSplit.get("plan#2031-08").shards) == 8
    flattrs.clear_caches()
    assert flattrs.shards_of("2031-08") == 8 and flattrs.shards_of("2031-07") == 64
    # A flattr of August is written with its shard among August's eight.
    shard_keys = {flattrs.split_key(f"someone{n}", "2031-08").split("#")[1] for n in range(200)}
    assert shard_keys == {f"{s:03d}" for s in range(8)}
    # The close job hands the state machine August's shards and its concurrency.
    flattrs.close_month("2031-08")
    clock.move_to(datetime(2031, 9, 1, 1, tzinfo=UTC))
    closed = run_job("split-close", request={"month": "2031-08"})
    assert closed["shards"] == list(range(8)) and closed["concurrency"] == 8


def test_the_split_plans_the_month_after_next(june):
    run_job("monthly-split", month="2031-06")
    assert int(MonthSplit.get("plan#2031-08").shards) == flattrs.shards_for(FANS + CROWD)


def test_a_month_split_in_one_pass_before_is_credited_nothing_again(june):
    """A statement of the one-pass split (named fields, no in-split shard: its money went to
    its recipients with it) makes no slip: an operator's re-run of such a month pays
    nobody twice."""
    from functions.payout.monthly import statement_key

    flattrs.close_month("2031-06")
    old = LedgerItem(
        *statement_key("fan00", "2031-06"),
        kind="statement",
        month="2031-06",
        amount=2 * EUR,
        details={
            "fee": 200_000,
            "funded": True,
            "parts": [
                {"recipient": "github:octocat", "flattrs": 1, "amount": 1_800_000, "held": False}
            ],
        },
    )
    old.save()
    run_job("monthly-split", month="2031-06")
    (entry,) = ledger.entries(ledger.creator_account("creator", "EUR"), kind="split")
    assert int(entry.supporters) == FANS - 1  # every fan but the one split before
    assert (
        ledger.balance(ledger.contributor_account("fan00", "EUR")) == 2 * EUR
    )  # not charged again
    assert in_split("2031-06") == 0

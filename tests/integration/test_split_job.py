"""The monthly split job: the issue's example, escrow and expiry, re-runs and crashes."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from moto import mock_aws

from functions.common import clock, storage
from functions.common.settings import settings
from functions.core import flattrs, ledger
from functions.core.models import Escrow, MonthSplit
from local.provision import provision
from tests.conftest import _clear_caches, call
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_pledge,
    add_user,
    assert_ledger_checks,
    claim,
    run_job,
    snapshot,
)


def issue_example() -> None:
    """10 EUR paid in, a 5 EUR budget, 1, 2 and 4 flattrs to three recipients, one claimed."""
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    add_user("creator")
    claim("github:octocat", "creator")
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("ada", "github:octocat", 2)
    add_flattrs("ada", "web:c.example", 4)


@pytest.fixture
def june(aws):
    clock.move_to(JUNE)


def test_the_issue_example(june):
    issue_example()
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    summary = run_job("monthly-split", month="2031-06")
    assert (
        summary["contributors"] == 1
        and summary["currencies"]["EUR"]["charged"] == 5 * EUR
        and summary["currencies"]["EUR"]["fees"] == 500_000
    )

    assert ledger.balance(ledger.contributor_account("ada", "EUR")) == 5 * EUR
    assert ledger.balance(ledger.FEES) == 500_000
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 1_285_714
    assert ledger.balance(ledger.escrow_account("web:a.example", "EUR")) == 642_857
    assert ledger.balance(ledger.escrow_account("web:c.example", "EUR")) == 2_571_429
    assert 1_285_714 + 642_857 + 2_571_429 == 4_500_000
    (row,) = Escrow.query("web:c.example")
    assert (row.contributor_id, row.expires_month, int(row.flattrs)) == ("ada", "2032-01", 4)
    assert_ledger_checks()

    statement = call("GET", "/v1/me/statements", user="ada", query="month=2031-06").json
    assert statement["status"] == "split"
    assert statement["charge"] == {"amount": "5.000000", "currency": "EUR"}
    assert statement["fee"]["amount"] == "0.500000"
    parts = {p["recipient"]["key"]: (p["amount"]["amount"], p["held"]) for p in statement["parts"]}
    assert parts == {
        "github:octocat": ("1.285714", False),
        "web:a.example": ("0.642857", True),
        "web:c.example": ("2.571429", True),
    }
    revenue = call("GET", "/v1/me/revenue", user="creator").json
    assert revenue["items"][0]["month"] == "2031-06"
    assert revenue["items"][0]["total"]["amount"] == "1.285714"
    (part,) = revenue["items"][0]["recipients"]
    assert (part["recipient"], part["flattrs"], part["supporters"]) == ("github:octocat", 2, 1)
    unclaimed = call("GET", "/v1/me/unclaimed", user="ada").json["items"]
    assert [(u["recipient"]["key"], u["amount"]["amount"]) for u in unclaimed] == [
        ("web:c.example", "2.571429"),
        ("web:a.example", "0.642857"),
    ]
    assert unclaimed[0]["expires_at"] == "2032-01-01T00:00:00Z"


def test_escrow_comes_back_after_six_months(june):
    issue_example()
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    run_job("monthly-split", month="2031-06")
    clock.move_to(JUNE.replace(year=2031, month=12, day=31, hour=23, minute=59))
    assert run_job("expire-escrow")["expired"] == 0  # the last minute of the 6th month
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=0, minute=10))
    assert run_job("expire-escrow")["expired"] == 2
    assert run_job("expire-escrow")["expired"] == 0  # and only once
    assert ledger.balance(ledger.contributor_account("ada", "EUR")) == 5 * EUR + 642_857 + 2_571_429
    assert list(Escrow.scan()) == []
    assert_ledger_checks()
    refunds = call("GET", "/v1/me/statements", user="ada", query="month=2032-01").json["refunds"]
    assert sorted((r["recipient"], r["month"], r["amount"]["amount"]) for r in refunds) == [
        ("web:a.example", "2031-06", "0.642857"),
        ("web:c.example", "2031-06", "2.571429"),
    ]


def test_rerunning_a_month_changes_nothing(june):
    issue_example()
    add_user("bob", budget=3 * EUR, paid_in=1 * EUR)
    add_flattrs("bob", "web:a.example", 3)
    run_job("monthly-split", month="2031-06")
    before = snapshot()
    again = run_job("monthly-split", month="2031-06")
    assert again["already_split"] == 2 and again["currencies"]["EUR"]["charged"] == 0
    assert snapshot() == before
    assert_ledger_checks()


def test_unfunded_flattrs_are_recorded_not_paid(june):
    add_user("broke", budget=5 * EUR)
    add_flattrs("broke", "web:a.example", 2)
    summary = run_job("monthly-split", month="2031-06")
    assert summary["unfunded"] == 1 and summary["currencies"]["EUR"]["charged"] == 0
    statement = call("GET", "/v1/me/statements", user="broke", query="month=2031-06").json
    assert statement["funded"] is False and statement["charge"]["amount"] == "0.000000"
    assert [p["flattrs"] for p in statement["parts"]] == [2]
    assert list(Escrow.scan()) == []
    assert_ledger_checks()


def test_a_closed_month_refuses_flattrs_and_take_backs(june):
    from tests.integration.track_helpers import explicit

    flattr = explicit("https://example.com/x").json
    run_job("monthly-split", month="2031-06")
    assert call("DELETE", f"/v1/flattrs/{flattr['id']}").status == 409
    assert flattrs.split_state("2031-06") == "split"


def test_contributor_with_more_recipients_than_a_transaction_holds(june):
    add_user("fan", budget=10 * EUR, paid_in=10 * EUR)
    for index in range(70):
        add_flattrs("fan", f"web:site{index:02d}.example", 1 + index % 3)
    run_job("monthly-split", month="2031-06")
    in_split = [ledger.balance(ledger.in_split_account("2031-06", s, "EUR")) for s in range(64)]
    assert sum(in_split) == 0 and any(in_split)  # shards summed: none kept, some below 0
    escrowed = sum(int(row.amount) for row in Escrow.scan())
    assert escrowed + ledger.balance(ledger.FEES) == 10 * EUR
    statement = call("GET", "/v1/me/statements", user="fan", query="month=2031-06").json
    assert len(statement["parts"]) == 70
    assert_ledger_checks()


def test_balance_shows_the_projected_split(june):
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("ada", "web:b.example", 3)
    balance = call("GET", "/v1/me/balance", user="ada").json
    assert balance["balance"]["amount"] == "10.000000"
    assert balance["monthly_budget"]["amount"] == "5.000000"
    assert balance["month"] == "2031-06" and balance["flattrs"] == 4
    projected = {p["recipient"]["key"]: p["amount"]["amount"] for p in balance["projected"]}
    assert projected == {"web:a.example": "1.125000", "web:b.example": "3.375000"}
    assert balance["shortfall"]["amount"] == "0.000000" and balance["funded"] is True


@pytest.mark.parametrize(
    ("paid_in", "shortfall", "funded", "first"),
    [
        (2 * EUR, "3.000000", True, "0.450000"),  # 2 EUR split over 4 flattrs (10 % fee)
        (0, "5.000000", False, "0.000000"),  # nothing to split: the flattrs go unfunded
    ],
)
def test_balance_says_how_far_it_falls_short_of_the_budget(june, paid_in, shortfall, funded, first):
    """Issue 31, item 2: the dashboard, the money page and the popup say it from here."""
    add_user("ada", budget=5 * EUR, paid_in=paid_in)
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("ada", "web:b.example", 3)
    balance = call("GET", "/v1/me/balance", user="ada").json
    assert balance["shortfall"] == {"amount": shortfall, "currency": "EUR"}
    assert balance["funded"] is funded
    parts = {p["recipient"]["key"]: p["amount"]["amount"] for p in balance["projected"]}
    assert parts["web:a.example"] == first


def test_a_month_without_flattrs_is_not_unfunded(june):
    add_user("ada", budget=5 * EUR, paid_in=0)
    balance = call("GET", "/v1/me/balance", user="ada").json
    assert balance["flattrs"] == 0 and balance["funded"] is True
    assert balance["shortfall"]["amount"] == "5.000000"


# ---------------------------------------------------------------- crashes


class Crash(Exception):
    pass


@contextmanager
def crashing_after(k: int, *, before_commit: bool):
    """The k-th ledger transaction crashes the job, before or just after it commits."""
    from functions.core import ledger as ledger_module

    original = ledger_module.transact_write
    count = {"n": 0}
    lock = threading.Lock()

    class CrashingTransaction:
        def __init__(self) -> None:
            self.inner = original()

        def __enter__(self):
            return self.inner.__enter__()

        def __exit__(self, *exc):
            with lock:  # the split's workers commit from several threads
                count["n"] += 1
                mine = count["n"]
            if mine == k and before_commit and exc[0] is None:
                raise Crash(f"before commit {k}")
            result = self.inner.__exit__(*exc)
            if mine == k and not before_commit and exc[0] is None:
                raise Crash(f"after commit {k}")
            return result

    ledger_module.transact_write = CrashingTransaction  # type: ignore[assignment]
    try:
        yield count
    finally:
        ledger_module.transact_write = original


def crash_scenario() -> None:
    """June planned with four shards (each run of the job reads every shard)."""
    MonthSplit("plan#2031-06", state="plan", changed_at=clock.now(), shards=4).save()
    issue_example()
    add_user("fan", budget=10 * EUR, paid_in=7 * EUR)
    for index in range(5):  # recipients the issue example's contributor also has, and not
        add_flattrs("fan", f"web:site{index:02d}.example", 1 + index % 4)
    add_flattrs("fan", "web:c.example", 2)
    claim("web:site03.example", "creator")
    add_user("broke")
    add_flattrs("broke", "web:a.example", 1)
    # Pledges (issue 35): one to a claimed recipient the fan also flattrs (one credit), one
    # from a patron who flattrs nothing, to an unclaimed recipient nobody else pays.
    add_pledge("fan", "github:octocat", 2 * EUR)
    add_user("patron", budget=5 * EUR, paid_in=10 * EUR)
    add_pledge("patron", "web:patronised.example", 3 * EUR)
    # Dollars (issue 35): to a claimed and an unclaimed recipient others pay in euros, and
    # a pledge, so every credit and escrow row has a twin in the other currency.
    add_user("yank", budget=4 * EUR, paid_in=6 * EUR, currency="USD")
    add_flattrs("yank", "web:c.example", 1)
    add_flattrs("yank", "web:site03.example", 2)
    add_pledge("yank", "github:octocat", 1 * EUR, currency="USD")


@contextmanager
def fresh_account():
    with mock_aws():
        storage.reset()
        _clear_caches()
        clock.reset()
        clock.move_to(JUNE)
        provision(settings(), user_pool=False)
        yield


def clean_run() -> tuple[list, int]:
    with fresh_account():
        crash_scenario()
        with crashing_after(10**9, before_commit=False) as count:
            run_job("monthly-split", month="2031-06")
        assert_ledger_checks()
        return snapshot(), count["n"]


def test_a_crash_at_any_point_then_a_rerun_ends_as_a_clean_run():
    expected, transactions = clean_run()
    # Pay-ins are outside the job: four contributors charged (the patron for a pledge
    # alone), nine recipients credited in euros and three in dollars, and the fees in each
    # (the unfunded contributor's statement is no transaction).
    assert transactions == 4 + (9 + 3) + 2
    for k in range(1, transactions + 1):
        for before_commit in (True, False):
            with fresh_account():
                crash_scenario()
                with pytest.raises(Crash), crashing_after(k, before_commit=before_commit):
                    run_job("monthly-split", month="2031-06")
                assert_ledger_checks()  # money adds up even mid-way
                run_job("monthly-split", month="2031-06")
                assert_ledger_checks()
                assert snapshot() == expected, (k, before_commit)

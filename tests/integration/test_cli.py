"""The operator CLI: payout run (dry and real), ledger check, and drift detection."""

from __future__ import annotations

import pytest

from functions.cli import main
from functions.common import clock
from functions.common.models import LedgerItem
from functions.core import ledger
from tests.integration.payout_helpers import EUR, JUNE, add_flattrs, add_user, snapshot


@pytest.fixture
def scenario(aws):
    clock.move_to(JUNE)
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("ada", "web:b.example", 2)


def test_dry_run_prints_totals_and_writes_nothing(scenario, capsys):
    before = snapshot()
    assert main(["payout", "run", "--month", "2031-06", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 contributors, 3 flattrs" in out
    assert "5.000000 EUR" in out and "0.500000 EUR" in out
    assert "reconciliation: money in 5.000000 = money out 5.000000: ok" in out
    assert snapshot() == before


def test_run_then_check(scenario, capsys):
    assert main(["payout", "run", "--month", "2031-06"]) == 0
    out = capsys.readouterr().out
    assert "invariant holds" in out
    assert ledger.balance(ledger.FEES) == 500_000
    assert main(["ledger", "check"]) == 0


def test_check_exits_non_zero_on_drift(scenario, capsys):
    LedgerItem(ledger.creator_account("thief"), ledger.BALANCE, amount=1).save()
    assert main(["ledger", "check"]) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out and "creator#thief" in out


def test_bad_month_is_a_usage_error(scenario):
    with pytest.raises(SystemExit) as exit_info:
        main(["payout", "run", "--month", "June"])
    assert exit_info.value.code == 2

"""The operator CLI: payout run (dry and real), ledger check, and drift detection."""

from __future__ import annotations

import pytest

from functions.cli import main
from functions.common import clock
from functions.core import ledger
from functions.core.models import LedgerItem
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
    assert "reconciliation EUR: money in 5.000000 = money out 5.000000: ok" in out
    assert snapshot() == before


def test_run_then_check(scenario, capsys):
    assert main(["payout", "run", "--month", "2031-06"]) == 0
    out = capsys.readouterr().out
    assert "invariant holds" in out
    assert ledger.balance(ledger.FEES) == 500_000
    assert main(["ledger", "check"]) == 0


def test_check_exits_non_zero_on_drift(scenario, capsys):
    LedgerItem(ledger.creator_account("thief", "EUR"), ledger.BALANCE, amount=1).save()
    assert main(["ledger", "check"]) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out and "creator#thief" in out


def test_bad_month_is_a_usage_error(scenario):
    with pytest.raises(SystemExit) as exit_info:
        main(["payout", "run", "--month", "June"])
    assert exit_info.value.code == 2


def add_search_flattr(contributor: str, url: str, at) -> str:
    from functions.core import flattrs

    flattr_id = flattrs.flattr_id_for(at, f"{contributor}|{url}")
    flattrs.new_flattr(
        contributor, flattr_id, "web:google.com", url, "attention", at, title=f"{url} - Search"
    ).save()
    return flattr_id


def test_purge_searches_removes_the_terms_of_stored_search_flattrs(aws, capsys):
    """Issue 29, finding 7: flattrs of search result pages made before they were refused
    are purged: deleted in a month not split, cut to the origin in a split month (the
    money record stays, so the ledger still adds up)."""
    from datetime import timedelta

    from functions.core.models import Flattr

    clock.move_to(JUNE)
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    may = JUNE - timedelta(days=31)
    add_flattrs("ada", "web:a.example", 1, at=may)
    add_search_flattr("ada", "https://google.com/search?q=my+diagnosis", may)
    clock.move_to(JUNE + timedelta(days=1))
    assert main(["payout", "run", "--month", "2031-05"]) == 0
    add_flattrs("ada", "web:a.example", 1)
    add_search_flattr("ada", "https://example.org/?s=my+diagnosis", JUNE)
    before = snapshot()
    capsys.readouterr()

    assert main(["flattrs", "purge-searches"]) == 0
    assert "scanned 4: of search pages, 1 deleted (months not split), 1 cut" in (
        capsys.readouterr().out
    )
    stored = sorted((f.month, f.url, f.title) for f in Flattr.scan())
    assert stored == [
        ("2031-05", "https://google.com/", None),
        ("2031-05", "https://x.example/0", None),
        ("2031-06", "https://x.example/0", None),
    ]
    assert "diagnosis" not in repr([f.attribute_values for f in Flattr.scan()])
    assert snapshot() == before and ledger.check_invariant().ok
    assert main(["flattrs", "purge-searches"]) == 0
    assert "0 deleted (months not split), 0 cut" in capsys.readouterr().out

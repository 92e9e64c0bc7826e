"""Helpers for the payout tests: flattrs written straight to storage, jobs, snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from functions.common.storage import ensure_bound
from functions.core import flattrs, ledger
from functions.core.models import Escrow, LedgerItem, Recipient, User
from local.gateway import invoke

EUR = 1_000_000
JUNE = datetime(2031, 6, 10, 12, tzinfo=UTC)


def add_user(
    user_id: str, budget: int = 5 * EUR, paid_in: int = 0, currency: str | None = None
) -> None:
    """A contributor; ``currency``: theirs (none: the books' first, as before there were
    others), the budget and what is paid in being in it."""
    ensure_bound()
    User(
        user_id,
        email=f"{user_id}@example.org",
        monthly_budget=budget,
        created_at=JUNE,
        currency=currency,
    ).save()
    if paid_in:
        ledger.pay_in(user_id, paid_in, f"{user_id}-initial", currency or "EUR")


def add_flattrs(contributor: str, recipient: str, count: int, at: datetime = JUNE) -> None:
    ensure_bound()
    for index in range(count):
        when = at + timedelta(minutes=index)
        flattr_id = flattrs.flattr_id_for(when, f"{contributor}|{recipient}|{index}")
        flattrs.new_flattr(
            contributor, flattr_id, recipient, f"https://x.example/{index}", "button", when
        ).save()


def add_pledge(
    contributor: str, recipient: str, amount: int, at: datetime = JUNE, currency: str = "EUR"
) -> str:
    """A pledge made at ``at``, as ``POST /v1/pledges`` makes it; answers its id."""
    from functions.payout import pledges

    ensure_bound()
    return pledges.make(contributor, recipient, amount, at, currency).pledge.pledge_id


def claim(recipient: str, creator: str) -> None:
    Recipient(recipient, claimed_by=creator).save()


def run_job(name: str, **event: Any) -> dict[str, Any]:
    result = invoke("payout", "job_handler", {"job": name, **event})
    assert isinstance(result, dict)
    return result


def snapshot() -> list[tuple[Any, ...]]:
    """Every ledger and escrow item, without timestamps, in a stable order."""
    rows: list[tuple[Any, ...]] = []
    for item in LedgerItem.scan():
        values = item.attribute_values
        values.pop("created_at", None)
        rows.append(("ledger", item.account, item.sk, repr(sorted(values.items()))))
    for row in Escrow.scan():
        rows.append(
            (
                "escrow",
                row.recipient,
                row.month_contributor,
                repr(sorted(row.attribute_values.items())),
            )
        )
    return sorted(rows)


def assert_ledger_checks() -> None:
    check = ledger.check_invariant()
    assert check.ok, check.problems

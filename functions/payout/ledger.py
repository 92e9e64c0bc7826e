"""The ledger: balances and the entries that moved them, changed only together.

Every movement is an entry with a deterministic id. Its legs are written in the
same DynamoDB transaction as the balance updates, each leg on the condition that
it does not exist yet, so a retried movement can never apply twice.
See ``docs/data-model.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from functions.common import clock
from functions.common.models import LedgerItem
from functions.common.storage import ensure_bound, transact_write

BALANCE = "balance"
PAID_IN = "paid_in"
PAID_OUT = "paid_out"
FEES = "fees"


def contributor_account(user_id: str) -> str:
    return f"contributor#{user_id}"


def creator_account(user_id: str) -> str:
    return f"creator#{user_id}"


@dataclass(frozen=True)
class Movement:
    entry_id: str
    kind: str
    legs: Mapping[str, int]
    month: str | None = None


def apply(movement: Movement) -> bool:
    """Apply ``movement`` once. Returns False if it was already applied."""
    ensure_bound()
    now = clock.now()
    try:
        with transact_write() as transaction:
            for account, amount in movement.legs.items():
                transaction.save(
                    LedgerItem(
                        account,
                        f"entry#{movement.entry_id}",
                        amount=amount,
                        kind=movement.kind,
                        month=movement.month,
                        created_at=now,
                    ),
                    condition=LedgerItem.sk.does_not_exist(),
                )
                transaction.update(
                    LedgerItem(account, BALANCE),
                    actions=[LedgerItem.amount.add(amount)],
                )
    except TransactWriteError as error:
        if error.cancellation_reasons and any(
            reason is not None and reason.code == "ConditionalCheckFailed"
            for reason in error.cancellation_reasons
        ):
            return False
        raise
    return True


def balance(account: str) -> int:
    ensure_bound()
    try:
        return int(LedgerItem.get(account, BALANCE).amount)
    except DoesNotExist:
        return 0


def pay_in(user_id: str, micros: int, payment_id: str) -> bool:
    """Money paid in by a contributor (a payment provider's id makes it idempotent)."""
    if micros <= 0:
        raise ValueError("a payment must be positive")
    return apply(
        Movement(
            entry_id=f"payin-{payment_id}",
            kind="pay_in",
            legs={contributor_account(user_id): micros, PAID_IN: micros},
        )
    )

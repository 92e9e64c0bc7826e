"""The ledger: balances and the entries that moved them, changed only together.

Every movement has a deterministic id. Its legs (one entry item per leg) are written
in the same DynamoDB transaction as the balance updates, each on the condition that
it does not exist yet, so a retried movement can never apply twice. See
``docs/ledger.md`` for accounts and the invariant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model

from functions.common import clock
from functions.common.storage import ensure_bound, transact_write
from functions.core.models import LATER, Escrow, LedgerItem, MonthStat

BALANCE = "balance"
PAID_IN = "paid_in"
PAID_OUT = "paid_out"
REFUNDED = "refunded"  # unspent balance given back to contributors' payment methods
# What lost disputes cost the platform beyond the contributor's frozen balance (money that
# was already split: creators are never clawed back). Outside the invariant, as provider fees.
DISPUTE_LOSSES = "dispute_losses"
FEES = "fees"
# What the payment provider kept of pay-ins: the platform's cost, outside the money that
# is in the system (the contributor is credited the gross).
PROVIDER_FEES = "provider_fees"
MAX_ACTIONS = 100  # DynamoDB's limit on one transaction


def contributor_account(user_id: str) -> str:
    return f"contributor#{user_id}"


def creator_account(user_id: str) -> str:
    return f"creator#{user_id}"


def escrow_account(recipient: str) -> str:
    return f"escrow#{recipient}"


def frozen_account(user_id: str) -> str:
    """A contributor's balance frozen by an open dispute: not spendable by the split."""
    return f"frozen#{user_id}"


def refunding_account(refund_id: str) -> str:
    """A refund in flight: the money left the balance, Stripe has not confirmed yet."""
    return f"refunding#{refund_id}"


def withdrawing_account(withdrawal_id: str) -> str:
    """A withdrawal in flight: out of the creator's earnings, not yet transferred by Stripe."""
    return f"withdrawing#{withdrawal_id}"


def in_split_account(month: str, shard: int) -> str:
    """One write shard of ``month``'s "in split" account: charged from contributors, not
    yet credited to recipients (zero, summed over its shards, once the month is split).
    A partition's credits come out of every shard's charges, so one shard alone may go
    below zero; the check sums them."""
    return f"in_split#{month}#{shard:04d}"


SHARDED_PREFIXES = ("in_split#",)  # accounts kept as write shards of one balance

# Accounts whose balances hold money that is in the system: their sum is what was paid in.
IN_SYSTEM_PREFIXES = (
    "contributor#",
    "creator#",
    "escrow#",
    "in_split#",
    "holding#",  # large splits in flight before the split had its credit pass (always 0 now)
    "refunding#",
    "frozen#",
    "withdrawing#",
)


class InsufficientBalance(Exception):
    """A movement would take more from an account than it holds; nothing was written."""


@dataclass(frozen=True)
class Leg:
    account: str
    amount: int
    ref: str = ""  # tells apart legs of one movement on the same account (e.g. recipients)
    flattrs: int | None = None
    supporters: int | None = None  # on a creator's leg: how many contributors it came from


@dataclass(frozen=True)
class Movement:
    entry_id: str
    kind: str
    legs: tuple[Leg, ...]
    month: str | None = None
    puts: tuple[Model, ...] = field(default=())  # written with it, each only if new
    deletes: tuple[Model, ...] = field(default=())  # removed with it, each only if present
    discards: tuple[Model, ...] = field(default=())  # removed with it if present at all
    # Other items changed with it, each under its own condition (a claim marks its recipient).
    updates: tuple[Update, ...] = field(default=())

    def actions(self) -> int:
        accounts = {leg.account for leg in self.legs}
        return (
            len(self.legs)
            + len(accounts)
            + len(self.puts)
            + len(self.deletes)
            + len(self.discards)
            + len(self.updates)
        )


@dataclass(frozen=True)
class Update:
    item: Model
    actions: tuple[Any, ...]
    condition: Any = None


class UpdateRefused(Exception):
    """A condition of one of the movement's ``updates`` failed; nothing was written."""


# Accounts whose money has left the system (with what is in it, they make what was paid in).
OUT_OF_SYSTEM = (FEES, PAID_OUT, REFUNDED)


def drift(legs: Iterable[Leg]) -> int:
    """How far ``legs`` would move the books from adding up (0 for every movement): money
    in the system plus money out of it must stay what was paid in. Accounts outside the
    books (the provider's fees, dispute losses: the platform's costs) do not count."""
    moved = 0
    for leg in legs:
        if leg.account.startswith(IN_SYSTEM_PREFIXES) or leg.account in OUT_OF_SYSTEM:
            moved += leg.amount
        elif leg.account == PAID_IN:
            moved -= leg.amount
    return moved


def entry_key(entry_id: str, ref: str) -> str:
    return f"entry#{entry_id}#{ref}"


def apply(movement: Movement) -> bool:
    """Apply ``movement`` once, atomically. Returns False if it was already applied."""
    if movement.actions() > MAX_ACTIONS:
        raise ValueError(f"{movement.entry_id}: more than {MAX_ACTIONS} actions")
    if drift(movement.legs):
        raise ValueError(f"{movement.entry_id}: its legs do not add up")
    ensure_bound()
    now = clock.now()
    totals: dict[str, int] = defaultdict(int)
    for leg in movement.legs:
        totals[leg.account] += leg.amount
    try:
        with transact_write() as transaction:
            for leg in movement.legs:
                transaction.save(
                    LedgerItem(
                        leg.account,
                        entry_key(movement.entry_id, leg.ref),
                        amount=leg.amount,
                        kind=movement.kind,
                        month=movement.month,
                        ref=leg.ref or None,
                        flattrs=leg.flattrs,
                        supporters=leg.supporters,
                        created_at=now,
                    ),
                    condition=LedgerItem.sk.does_not_exist(),
                )
            for account, amount in sorted(totals.items()):
                # Money leaves an account only if it is there: no balance goes negative
                # (a write shard's balance is its account's only summed with the others).
                guarded = amount < 0 and not account.startswith(SHARDED_PREFIXES)
                transaction.update(
                    LedgerItem(account, BALANCE),
                    actions=[LedgerItem.amount.add(amount)],
                    condition=(LedgerItem.amount >= -amount) if guarded else None,
                )
            for item in movement.puts:
                key = item._hash_key_attribute()
                transaction.save(item, condition=key.does_not_exist())
            for item in movement.deletes:
                key = item._hash_key_attribute()
                transaction.delete(item, condition=key.exists())
            for item in movement.discards:
                transaction.delete(item)
            for update in movement.updates:
                transaction.update(
                    update.item, actions=list(update.actions), condition=update.condition
                )
    except TransactWriteError as error:
        _refused(movement, len(totals), error)
        return False  # its entries or rows exist already: applied before
    return True


def _refused(movement: Movement, accounts: int, error: TransactWriteError) -> None:
    """Raise what a cancelled transaction means, unless it was applied before."""
    reasons = error.cancellation_reasons or []
    failed = [
        i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"
    ]
    balances = range(len(movement.legs), len(movement.legs) + accounts)
    first_update = movement.actions() - len(movement.updates)
    if any(i >= first_update for i in failed):
        raise UpdateRefused(movement.entry_id) from error
    if failed and all(i in balances for i in failed):
        raise InsufficientBalance(movement.entry_id) from error
    if not failed:
        raise error


def debit_to_split(contributor_id: str, charge: int, statement: LedgerItem) -> bool:
    """The split's one transaction per contributor: ``charge`` from their balance into
    the in-split shard ``statement.ref``, and their statement, which is the entry of both
    legs (see ``check_invariant``). False if the statement exists: applied before."""
    ensure_bound()
    if charge <= 0 or not str(statement.ref).startswith("in_split#"):
        raise ValueError("a debit to the split takes a charge and its in-split shard")
    try:
        with transact_write() as transaction:
            transaction.save(statement, condition=LedgerItem.sk.does_not_exist())
            transaction.update(
                LedgerItem(contributor_account(contributor_id), BALANCE),
                actions=[LedgerItem.amount.add(-charge)],
                condition=LedgerItem.amount >= charge,
            )
            transaction.update(
                LedgerItem(str(statement.ref), BALANCE), actions=[LedgerItem.amount.add(charge)]
            )
    except TransactWriteError as error:
        codes = [r.code if r is not None else None for r in error.cancellation_reasons or []]
        if codes[:1] == ["ConditionalCheckFailed"]:
            return False
        if codes[1:2] == ["ConditionalCheckFailed"]:
            raise InsufficientBalance(statement.account) from error
        raise
    return True


def escrow_refund(row: Escrow, month: str, why: str) -> Movement:
    """One escrow row back to the contributor who gave it (``why``: ``expire`` when
    nobody claimed it in time, ``decline`` when its creator refused it). The row goes in
    the same step, only if still there, so it is given back at most once whoever asks;
    the public stats of the month that held it count it given back in that step too."""
    given_in = row.given_in()
    return Movement(
        f"{why}-{row.recipient}-{row.month_contributor}",
        "refund",
        (
            Leg(escrow_account(row.recipient), -int(row.amount), ref=row.contributor_id),
            Leg(
                contributor_account(row.contributor_id),
                int(row.amount),
                ref=f"{row.recipient}#{given_in}",
                flattrs=int(row.flattrs),
            ),
        ),
        month,
        deletes=(Escrow(row.recipient, row.month_contributor),),
        updates=(Update(MonthStat(given_in, LATER), (MonthStat.returned.add(int(row.amount)),)),),
    )


def balance(account: str) -> int:
    ensure_bound()
    try:
        return int(LedgerItem.get(account, BALANCE).amount)
    except DoesNotExist:
        return 0


def entries(account: str, kind: str | None = None) -> list[LedgerItem]:
    ensure_bound()
    items = LedgerItem.query(account, LedgerItem.sk.startswith("entry#"))
    return [item for item in items if kind is None or item.kind == kind]


def entry_exists(account: str, entry_id: str, ref: str = "") -> LedgerItem | None:
    ensure_bound()
    try:
        return LedgerItem.get(account, entry_key(entry_id, ref))
    except DoesNotExist:
        return None


def pay_in(user_id: str, micros: int, payment_id: str, provider_fee: int = 0) -> bool:
    """Money paid in by a contributor (a payment provider's id makes it idempotent): the
    gross to their balance; what the provider kept recorded as the platform's cost."""
    return apply(pay_in_movement(user_id, micros, payment_id, provider_fee))


def pay_in_movement(user_id: str, micros: int, payment_id: str, provider_fee: int = 0) -> Movement:
    if micros <= 0 or provider_fee < 0:
        raise ValueError("a payment must be positive")
    fee = (Leg(PROVIDER_FEES, provider_fee, ref=user_id),) if provider_fee else ()
    return Movement(
        entry_id=f"payin-{payment_id}",
        kind="pay_in",
        legs=(Leg(contributor_account(user_id), micros), Leg(PAID_IN, micros), *fee),
    )


@dataclass
class Check:
    """The result of ``check_invariant``: sums per account type and what drifted."""

    totals: dict[str, int]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _all_items() -> Iterable[LedgerItem]:
    ensure_bound()
    return LedgerItem.scan()


def check_invariant(items: Iterable[LedgerItem] | None = None) -> Check:
    """The books as stored (``check``), read whole: every ledger item and escrow row."""
    ensure_bound()
    rows: dict[str, int] = defaultdict(int)
    for row in Escrow.scan():
        rows[escrow_account(row.recipient)] += int(row.amount)
    return check(items if items is not None else _all_items(), rows)


def check(items: Iterable[LedgerItem], escrow_rows: Mapping[str, int]) -> Check:
    """Money in balances + fees + paid out = paid in; every balance = the sum of its entries;
    every escrow account = its escrow rows (``escrow_rows``: their sums, by account)."""
    balances: dict[str, int] = {}
    sums: dict[str, int] = defaultdict(int)
    for item in items:
        if item.sk == BALANCE:
            balances[item.account] = int(item.amount)
        elif item.sk.startswith("entry#"):
            sums[item.account] += int(item.amount)
        elif item.kind == "statement" and str(item.ref or "").startswith("in_split#"):
            # A split's statement is the entry of its debit and of its in-split leg.
            sums[contributor_account(item.account.removeprefix("statement#"))] -= int(item.amount)
            sums[str(item.ref)] += int(item.amount)
    totals: dict[str, int] = defaultdict(int)
    for account, amount in balances.items():
        kind = account.split("#", 1)[0] if "#" in account else account
        totals[kind] += amount
    problems = []
    in_balances = sum(totals[prefix.rstrip("#")] for prefix in IN_SYSTEM_PREFIXES)
    out = totals[FEES] + totals[PAID_OUT] + totals[REFUNDED]
    if in_balances + out != totals[PAID_IN]:
        problems.append(
            f"in balances {in_balances} + fees {totals[FEES]} + paid out {totals[PAID_OUT]} "
            f"+ refunded {totals[REFUNDED]} != paid in {totals[PAID_IN]}"
        )
    for account in sorted(set(balances) | set(sums)):
        if balances.get(account, 0) != sums.get(account, 0):
            problems.append(
                f"{account}: balance {balances.get(account, 0)} != entries {sums.get(account, 0)}"
            )
        if balances.get(account, 0) < 0 and not account.startswith(SHARDED_PREFIXES):
            problems.append(f"{account}: negative balance {balances[account]}")
    sharded: dict[str, int] = defaultdict(int)
    for account, amount in balances.items():
        if account.startswith(SHARDED_PREFIXES):
            sharded[account.rpartition("#")[0]] += amount
    problems.extend(f"{a}: negative balance {v}" for a, v in sorted(sharded.items()) if v < 0)
    for account in sorted({a for a in balances if a.startswith("escrow#")} | set(escrow_rows)):
        balance, rows = balances.get(account, 0), escrow_rows.get(account, 0)
        if balance != rows:
            problems.append(f"{account}: balance {balance} != escrow rows {rows}")
    return Check(dict(totals), problems)

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

from functions.common import clock, currencies
from functions.common.storage import ensure_bound, transact_write
from functions.core.models import Escrow, LedgerItem, MonthStat, later_stat

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


def account(name: str, currency: str) -> str:
    """The account ``name`` in ``currency``. Each account holds one currency; the books'
    first currency keeps the names its accounts had before there were others (nothing to
    move), any other is named with its code in front: ``USD:creator#<user>``."""
    if not currencies.known(currency):
        raise ValueError(f"unknown currency {currency!r}")
    return name if currency == currencies.BOOKS_CURRENCY else f"{currency}:{name}"


def currency_of(account_name: str) -> tuple[str, str]:
    """``account``'s inverse: the currency and the name (``USD:fees`` -> USD, fees). Names
    begin with a lower-case kind, so a known code before a colon is always a currency."""
    head, colon, rest = account_name.partition(":")
    if colon and currencies.known(head):
        return head, rest
    return currencies.BOOKS_CURRENCY, account_name


def qualified(movement_id: str, currency: str) -> str:
    """A movement's id in ``currency``: as it always was in the books' first currency (a
    re-run of a month split before finds its movements), with the code after it in others."""
    return currencies.suffixed(movement_id, currency, "-")


def contributor_account(user_id: str, currency: str) -> str:
    return account(f"contributor#{user_id}", currency)


def creator_account(user_id: str, currency: str) -> str:
    return account(f"creator#{user_id}", currency)


def escrow_account(recipient: str, currency: str) -> str:
    return account(f"escrow#{recipient}", currency)


def frozen_account(user_id: str, currency: str) -> str:
    """A contributor's balance frozen by an open dispute: not spendable by the split."""
    return account(f"frozen#{user_id}", currency)


def refunding_account(refund_id: str, currency: str) -> str:
    """A refund in flight: the money left the balance, Stripe has not confirmed yet."""
    return account(f"refunding#{refund_id}", currency)


def withdrawing_account(withdrawal_id: str, currency: str) -> str:
    """A withdrawal in flight: out of the creator's earnings, not yet transferred by Stripe."""
    return account(f"withdrawing#{withdrawal_id}", currency)


def in_split_account(month: str, shard: int, currency: str) -> str:
    """One write shard of ``month``'s "in split" account in ``currency``: charged from
    contributors, not yet credited to recipients (zero, summed over its shards, once the
    month is split). A partition's credits come out of every shard's charges, so one shard
    alone may go below zero; the check sums them."""
    return account(f"in_split#{month}#{shard:04d}", currency)


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


def drift(legs: Iterable[Leg]) -> dict[str, int]:
    """How far ``legs`` would move the books of each currency from adding up (nothing, for
    every movement): money in the system plus money out of it must stay what was paid in,
    per currency (money never changes currency inside the service). Accounts outside the
    books (the provider's fees, dispute losses: the platform's costs) do not count."""
    moved: dict[str, int] = defaultdict(int)
    for leg in legs:
        currency, name = currency_of(leg.account)
        if name.startswith(IN_SYSTEM_PREFIXES) or name in OUT_OF_SYSTEM:
            moved[currency] += leg.amount
        elif name == PAID_IN:
            moved[currency] -= leg.amount
    return {currency: amount for currency, amount in moved.items() if amount}


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
                guarded = amount < 0 and not currency_of(account)[1].startswith(SHARDED_PREFIXES)
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
    """The split's one transaction per contributor: ``charge`` from their balance in the
    statement's currency into the in-split shard ``statement.ref``, and their statement,
    which is the entry of both legs (see ``check_invariant``). False if the statement
    exists: applied before."""
    ensure_bound()
    currency, shard = currency_of(str(statement.ref))
    if (
        charge <= 0
        or not shard.startswith("in_split#")
        or currency != statement_currency(statement)
    ):
        raise ValueError("a debit to the split takes a charge and its in-split shard")
    try:
        with transact_write() as transaction:
            transaction.save(statement, condition=LedgerItem.sk.does_not_exist())
            transaction.update(
                LedgerItem(contributor_account(contributor_id, currency), BALANCE),
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
    currency = currencies.of(row.currency)
    return Movement(
        f"{why}-{row.recipient}-{row.month_contributor}",
        "refund",
        (
            Leg(escrow_account(row.recipient, currency), -int(row.amount), ref=row.contributor_id),
            Leg(
                contributor_account(row.contributor_id, currency),
                int(row.amount),
                ref=f"{row.recipient}#{given_in}",
                flattrs=int(row.flattrs),
            ),
        ),
        month,
        deletes=(Escrow(row.recipient, row.month_contributor),),
        updates=(
            Update(later_stat(given_in, currency), (MonthStat.returned.add(int(row.amount)),)),
        ),
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


def pay_in(
    user_id: str, micros: int, payment_id: str, currency: str, provider_fee: int = 0
) -> bool:
    """Money paid in by a contributor in ``currency`` (a payment provider's id makes it
    idempotent): the gross to their balance; what the provider kept recorded as the
    platform's cost."""
    return apply(pay_in_movement(user_id, micros, payment_id, currency, provider_fee))


def pay_in_movement(
    user_id: str, micros: int, payment_id: str, currency: str, provider_fee: int = 0
) -> Movement:
    if micros <= 0 or provider_fee < 0:
        raise ValueError("a payment must be positive")
    fee = (
        (Leg(account(PROVIDER_FEES, currency), provider_fee, ref=user_id),) if provider_fee else ()
    )
    return Movement(
        entry_id=f"payin-{payment_id}",
        kind="pay_in",
        legs=(
            Leg(contributor_account(user_id, currency), micros),
            Leg(account(PAID_IN, currency), micros),
            *fee,
        ),
    )


def statement_currency(statement: LedgerItem) -> str:
    """The currency a statement's amounts are in (the contributor's when it was split)."""
    return currencies.of(statement.currency)


@dataclass
class Check:
    """The result of ``check_invariant``: sums per currency and account type, and what
    drifted."""

    totals: dict[str, dict[str, int]]  # currency -> account type -> sum of balances
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
        rows[escrow_account(row.recipient, currencies.of(row.currency))] += int(row.amount)
    return check(items if items is not None else _all_items(), rows)


def _sums(items: Iterable[LedgerItem]) -> tuple[dict[str, int], dict[str, int]]:
    """Each account's balance, and the sum of its entries (a split's statement counting
    as the entry of its debit and of its in-split leg)."""
    balances: dict[str, int] = {}
    sums: dict[str, int] = defaultdict(int)
    for item in items:
        if item.sk == BALANCE:
            balances[item.account] = int(item.amount)
        elif item.sk.startswith("entry#"):
            sums[item.account] += int(item.amount)
        elif item.kind == "statement" and currency_of(str(item.ref or ""))[1].startswith(
            "in_split#"
        ):
            contributor = item.account.removeprefix("statement#")
            currency = statement_currency(item)
            sums[contributor_account(contributor, currency)] -= int(item.amount)
            sums[str(item.ref)] += int(item.amount)
    return balances, sums


def check(items: Iterable[LedgerItem], escrow_rows: Mapping[str, int]) -> Check:
    """Per currency, money in balances + fees + paid out = paid in; every balance = the sum
    of its entries; every escrow account = its escrow rows (``escrow_rows``: their sums, by
    account)."""
    balances, sums = _sums(items)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, amount in balances.items():
        currency, bare = currency_of(name)
        totals[currency][bare.split("#", 1)[0]] += amount
    problems = [_unbalanced(c, t) for c, t in sorted(totals.items()) if _unbalanced(c, t)]
    for name in sorted(set(balances) | set(sums)):
        if balances.get(name, 0) != sums.get(name, 0):
            problems.append(
                f"{name}: balance {balances.get(name, 0)} != entries {sums.get(name, 0)}"
            )
        if balances.get(name, 0) < 0 and not currency_of(name)[1].startswith(SHARDED_PREFIXES):
            problems.append(f"{name}: negative balance {balances[name]}")
    sharded: dict[str, int] = defaultdict(int)
    for name, amount in balances.items():
        if currency_of(name)[1].startswith(SHARDED_PREFIXES):
            sharded[name.rpartition("#")[0]] += amount
    problems.extend(f"{a}: negative balance {v}" for a, v in sorted(sharded.items()) if v < 0)
    escrows = {a for a in balances if currency_of(a)[1].startswith("escrow#")}
    for name in sorted(escrows | set(escrow_rows)):
        balance, rows = balances.get(name, 0), escrow_rows.get(name, 0)
        if balance != rows:
            problems.append(f"{name}: balance {balance} != escrow rows {rows}")
    return Check({c: dict(t) for c, t in totals.items()}, problems)


def _unbalanced(currency: str, totals: Mapping[str, int]) -> str:
    """What is wrong with one currency's sums, or nothing."""
    in_balances = sum(totals.get(prefix.rstrip("#"), 0) for prefix in IN_SYSTEM_PREFIXES)
    fees, paid_out, refunded = (totals.get(name, 0) for name in OUT_OF_SYSTEM)
    paid_in = totals.get(PAID_IN, 0)
    if in_balances + fees + paid_out + refunded == paid_in:
        return ""
    return (
        f"{currency}: in balances {in_balances} + fees {fees} + paid out {paid_out} "
        f"+ refunded {refunded} != paid in {paid_in}"
    )

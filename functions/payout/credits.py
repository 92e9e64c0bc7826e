"""The split's second pass: every recipient credited once for the whole month.

The first pass leaves, per shard, credit slips in the ledger table: for each partition
of the recipients (``shard_of(recipient)``), what the shard's statements give each one
(the amount, flattrs, supporters; for money held for an unclaimed recipient, each
contributor's share, the escrow rows to be), and the shard's fees in partition 0. The
credit pass of a partition sums its slips over every shard and applies one movement per
recipient (out of the in-split account, to the creator or the recipient's escrow with
its rows), so a recipient's balance is written once a month however many contributors
gave to it. A movement's id is the month and the recipient (and whether its parts were
held), so it applies once whatever re-runs and crashes come; the slips are deleted once
every credit of the partition is applied.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from functions.common import currencies
from functions.common.months import escrow_expiry_month
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.flattrs import shard_of
from functions.core.ledger import Leg, Movement
from functions.core.models import Escrow, LedgerItem
from functions.payout.split import paid_parts

ROWS_PER_CREDIT = ledger.MAX_ACTIONS - 4  # two legs and their balances, then escrow rows
SLIP_BYTES = 200_000  # a slip item stays well under DynamoDB's 400 KB


def slip_account(month: str, partition: int) -> str:
    return f"slips#{month}#{partition:04d}"


@dataclass
class Credit:
    """What one recipient gets from a month, from the parts of one kind (held or not)."""

    creator: str | None
    amount: int = 0
    flattrs: int = 0
    supporters: int = 0
    rows: list[tuple[str, int, int]] = field(default_factory=list)  # contributor, amount, flattrs

    def add(self, amount: int, flattrs: int, supporters: int, rows: Iterable[Any]) -> None:
        self.amount += amount
        self.flattrs += flattrs
        self.supporters += supporters
        self.rows.extend((str(c), int(a), int(f)) for c, a, f in rows)


# What a recipient is credited from a month: one credit per recipient, held or not, and
# currency (amounts of different currencies are never added).
Key = tuple[str, bool, str]


def _credits_of(
    statements: Iterable[LedgerItem], creators: dict[str, str], partitions: int
) -> tuple[dict[str, int], dict[int, dict[Key, Credit]]]:
    """The shard's fees per currency, and per partition what each (recipient, held,
    currency) gets."""
    fees: dict[str, int] = {}
    found: dict[int, dict[Key, Credit]] = {}
    for statement in statements:
        in_split = ledger.currency_of(str(statement.ref or ""))[1]
        if int(statement.amount) <= 0 or not in_split.startswith("in_split#"):
            # Unfunded (nothing was charged), or split in one pass before the credit pass
            # existed: its money went to its recipients then.
            continue
        details = statement.details or {}
        currency = ledger.statement_currency(statement)
        fees[currency] = fees.get(currency, 0) + int(details.get("fee", 0))
        contributor = statement.account.removeprefix("statement#")
        for recipient, flattrs, amount, held in paid_parts(details):
            if amount == 0:
                continue
            # Claimed at the split but without its creator now (the account was deleted):
            # held for whoever claims it next.
            creator = None if held else creators.get(recipient)
            partition = found.setdefault(shard_of(recipient, partitions), {})
            credit = partition.setdefault((recipient, held, currency), Credit(creator))
            rows = [(contributor, amount, flattrs)] if credit.creator is None else []
            credit.add(amount, flattrs, 1, rows)
    return fees, found


def _slip_items(
    month: str, shard: int, partition: int, records: list[list[Any]], fees: dict[str, int]
) -> Iterator[LedgerItem]:
    """The slip of one shard for one partition, cut into items under ``SLIP_BYTES``."""
    pieces: list[list[list[Any]]] = [[]]
    size = 0
    for record in records:
        length = len(json.dumps(record))
        if pieces[-1] and size + length > SLIP_BYTES:
            pieces.append([])
            size = 0
        pieces[-1].append(record)
        size += length
    for index, piece in enumerate(pieces):
        details: dict[str, Any] = {"credits": piece}
        if index == 0 and any(fees.values()):
            details["fees_by_currency"] = fees
        yield LedgerItem(
            slip_account(month, partition),
            f"shard#{shard:04d}#{index:03d}",
            kind="slip",
            month=month,
            details=details,
        )


def slips_for(
    month: str,
    shard: int,
    statements: Iterable[LedgerItem],
    creators: dict[str, str],
    partitions: int,
) -> list[LedgerItem]:
    """The shard's slips, from its statements (whole, so a re-run writes the same)."""
    fees, found = _credits_of(statements, creators, partitions)
    if any(fees.values()):
        found.setdefault(0, {})
    slips: list[LedgerItem] = []
    for partition, credits in sorted(found.items()):
        records = [
            [r, held, c.creator, c.amount, c.flattrs, c.supporters, c.rows, currency]
            for (r, held, currency), c in sorted(credits.items())
        ]
        shard_fees = fees if partition == 0 else {}
        slips.extend(_slip_items(month, shard, partition, records, shard_fees))
    return slips


def write_slips(
    month: str,
    shard: int,
    statements: Iterable[LedgerItem],
    creators: dict[str, str],
    partitions: int,
) -> int:
    """Write the shard's slips. They carry no money: the money is in the in-split account
    until the credit pass moves it."""
    ensure_bound()
    slips = slips_for(month, shard, statements, creators, partitions)
    with LedgerItem.batch_write() as batch:
        for slip in slips:
            batch.save(slip)
    return len(slips)


def sum_slips(slips: Iterable[LedgerItem]) -> tuple[dict[str, int], dict[Key, Credit]]:
    """A partition's slips summed over the shards: its fees per currency, and each
    recipient's credit. (Slips written before there were other currencies have no
    currency: they are in the books' first.)"""
    fees: dict[str, int] = defaultdict(int)
    credits: dict[Key, Credit] = {}
    for slip in slips:
        details = slip.details or {}
        fees[currencies.of(None)] += int(details.get("fees", 0))
        for currency, amount in (details.get("fees_by_currency") or {}).items():
            fees[currency] += int(amount)
        for record in details["credits"]:
            recipient, held, creator, amount, flattrs, supporters, rows = record[:7]
            key = (recipient, bool(held), currencies.of(record[7] if len(record) > 7 else None))
            credit = credits.setdefault(key, Credit(creator))
            credit.add(int(amount), int(flattrs), int(supporters), rows)
    return {c: amount for c, amount in fees.items() if amount}, credits


def movements(month: str, partition: int, key: Key, credit: Credit) -> Iterator[Movement]:
    """The movements crediting a recipient for ``month`` in one currency: one, or one per
    ``ROWS_PER_CREDIT`` escrow rows (rows in contributor order: the same on every run)."""
    recipient, held, currency = key
    source = ledger.in_split_account(month, partition, currency)
    base = ledger.qualified(f"credit-{month}-{recipient}{'-held' if held else ''}", currency)
    if credit.creator is not None:
        destination = Leg(
            ledger.creator_account(credit.creator, currency),
            credit.amount,
            ref=recipient,
            flattrs=credit.flattrs,
            supporters=credit.supporters,
        )
        yield Movement(
            base, "split", (Leg(source, -credit.amount, ref=recipient), destination), month
        )
        return
    rows = sorted(credit.rows)
    for index, start in enumerate(range(0, len(rows), ROWS_PER_CREDIT)):
        piece = rows[start : start + ROWS_PER_CREDIT]
        amount = sum(a for _, a, _ in piece)
        escrow = Leg(
            ledger.escrow_account(recipient, currency),
            amount,
            ref=recipient,
            flattrs=sum(f for _, _, f in piece),
            supporters=len(piece),
        )
        yield Movement(
            f"{base}-{index}" if index else base,
            "split",
            (Leg(source, -amount, ref=recipient), escrow),
            month,
            puts=tuple(_escrow_rows(month, recipient, piece, currency)),
        )


def _escrow_rows(
    month: str, recipient: str, piece: list[tuple[str, int, int]], currency: str
) -> Iterator[Escrow]:
    for contributor, amount, flattrs in piece:
        yield Escrow(
            recipient,
            f"{month}#{contributor}",
            contributor_id=contributor,
            recipient_month=f"{recipient}#{month}",
            expires_month=escrow_expiry_month(month),
            amount=amount,
            flattrs=flattrs,
            currency=currency,
        )


def credit_partition(month: str, partition: int) -> dict[str, int]:
    """Credit every recipient of ``partition`` for ``month`` (after every shard's first
    pass); then delete its slips. Answers how many movements this run applied."""
    ensure_bound()
    slips = list(LedgerItem.query(slip_account(month, partition)))
    fees, credits = sum_slips(slips)
    applied = 0
    for currency, amount in sorted(fees.items()):
        source = ledger.in_split_account(month, partition, currency)
        fee = Movement(
            ledger.qualified(f"credit-{month}-fees", currency),
            "split",
            (
                Leg(source, -amount, ref="fees"),
                Leg(ledger.account(ledger.FEES, currency), amount, ref=month),
            ),
            month,
        )
        applied += ledger.apply(fee)
    for key, credit in sorted(credits.items()):
        for movement in movements(month, partition, key, credit):
            applied += ledger.apply(movement)
    with LedgerItem.batch_write() as batch:
        for slip in slips:
            batch.delete(slip)
    return {"credits": applied, "recipients": len(credits), "slips": len(slips)}

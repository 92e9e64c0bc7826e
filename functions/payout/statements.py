"""A contributor's and a creator's view of their money: this month's projected split,
a month's statement, what waits for unclaimed recipients, a creator's revenue. Queries
only; ``routes.py`` shapes the answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import currencies
from functions.common.months import escrow_expiry_month, start_of
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.models import Escrow, Flattr, LedgerItem, Recipient
from functions.core.users import load_user
from functions.payout import monthly, pledges
from functions.payout.split import split_month, stored_parts, stored_pledges


@dataclass(frozen=True)
class Part:
    recipient: str
    flattrs: int
    amount: int
    claimed: bool  # else in escrow: its recipient has not claimed it (yet)
    # A held part's recipient since: claimed (the money moved to its creator) or declined
    # (the money went back to its givers).
    claimed_at: datetime | None = None
    declined_at: datetime | None = None
    # ...or nobody claimed it in time: the escrow expired and went back to the giver.
    expired_at: datetime | None = None


@dataclass(frozen=True)
class Refund:
    recipient: str
    month: str  # the month the money was given in
    amount: int


@dataclass(frozen=True)
class MonthMoney:
    """A month's split, done (``split``) or as it would be now (``open``)."""

    month: str
    status: str
    currency: str  # of every amount in it: the contributor's
    flattrs: int
    charge: int
    fee: int
    funded: bool
    parts: list[Part]
    refunds: list[Refund] = field(default_factory=list)
    pledges: list[Part] = field(default_factory=list)  # paid first (``flattrs`` 0)
    dropped: list[str] = field(default_factory=list)  # pledges the balance did not cover


@dataclass(frozen=True)
class Waiting:
    recipient: str
    currency: str
    amount: int
    flattrs: int
    months: list[str]
    expires_at: datetime


def month_counts(contributor_id: str, month: str) -> Counter[str]:
    ensure_bound()
    counts: Counter[str] = Counter()
    for flattr in Flattr.query(
        contributor_id,
        Flattr.flattr_id.startswith(month.replace("-", "")),
        attributes_to_get=["recipient"],
    ):
        counts[flattr.recipient] += 1
    return counts


def projected(
    contributor_id: str, month: str, budget: int, balance: int, currency: str
) -> MonthMoney:
    """The split of ``month`` if it were made now (budget and balance in ``currency``)."""
    counts = month_counts(contributor_id, month)
    mine = pledges.for_split(pledges.mine(contributor_id))
    owners = monthly.owners_of(set(counts) | {p.recipient for p in mine})
    fee = settings().fee_rate_basis_points
    split = split_month(budget, balance, owners.payable(counts), fee, owners.payable_pledges(mine))
    parts, paid = (
        [Part(p.recipient, p.flattrs, p.amount, p.recipient in owners.creators) for p in found]
        for found in (split.parts, split.pledges)
    )
    return MonthMoney(
        month,
        "open",
        currency,
        sum(counts.values()),
        split.charge,
        split.fee,
        split.funded,
        parts,
        pledges=paid,
        dropped=list(split.dropped),
    )


def _refund_entries(contributor_id: str, currency: str) -> list[LedgerItem]:
    """The contributor's escrow given back (expired or declined) in ``currency``: one read,
    two uses."""
    return ledger.entries(ledger.contributor_account(contributor_id, currency), kind="refund")


def refunds(entries: list[LedgerItem], month: str) -> list[Refund]:
    """Expired escrow given back to the contributor in ``month``."""
    found = []
    for entry in entries:
        if entry.month == month and entry.ref:
            recipient, _, origin = entry.ref.rpartition("#")
            found.append(Refund(recipient, origin, int(entry.amount)))
    return found


def statement(user_id: str, month: str) -> MonthMoney:
    """The statement of ``month``: as split, or, before the split, as projected now."""
    ensure_bound()
    try:
        item = LedgerItem.get(*monthly.statement_key(user_id, month))
    except DoesNotExist:
        user = load_user(user_id)
        currency = currencies.of(user.currency)
        balance = ledger.balance(ledger.contributor_account(user_id, currency))
        open_month = projected(user_id, month, int(user.monthly_budget), balance, currency)
        entries = _refund_entries(user_id, currency)
        return MonthMoney(**{**vars(open_month), "refunds": refunds(entries, month)})
    details: dict[str, Any] = item.details or {}
    stored, paid = stored_parts(details), stored_pledges(details)
    since = _recipients_now({p.recipient for p in stored + paid if p.held})
    currency = ledger.statement_currency(item)
    entries = _refund_entries(user_id, currency)
    expired = _expired(entries, month)
    parts, pledged = (
        [
            Part(
                p.recipient,
                p.flattrs,
                p.amount,
                not p.held,
                since[p.recipient].claimed_at if p.recipient in since else None,
                since[p.recipient].declined_at if p.recipient in since else None,
                expired.get(p.recipient) if p.held else None,
            )
            for p in found
        ]
        for found in (stored, paid)
    )
    return MonthMoney(
        month,
        "split",
        currency,
        sum(part.flattrs for part in parts),
        int(item.amount),
        int(details.get("fee", 0)),
        bool(details.get("funded", False)),
        parts,
        refunds(entries, month),
        pledged,
        [str(r) for r in details.get("dropped") or []],
    )


def _expired(entries: list[LedgerItem], month: str) -> dict[str, datetime]:
    """When ``month``'s escrow expired back to the contributor, per recipient (the refund
    entries ``ledger.escrow_refund`` wrote with why ``expire``)."""
    found: dict[str, datetime] = {}
    for entry in entries:
        recipient, _, given_in = str(entry.ref or "").rpartition("#")
        if given_in == month and entry.sk.startswith("entry#expire-") and entry.created_at:
            found[recipient] = entry.created_at
    return found


def _recipients_now(keys: set[str]) -> dict[str, Recipient]:
    """The records of ``keys`` as they are now (a page never lags: no cache)."""
    return {r.recipient: r for r in Recipient.batch_get(sorted(keys))} if keys else {}


def unclaimed(user_id: str) -> list[Waiting]:
    """What ``user_id`` gave that waits in escrow, per recipient and currency, largest
    first."""
    ensure_bound()
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    flattrs: dict[tuple[str, str], int] = defaultdict(int)
    months: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in Escrow.by_contributor.query(user_id):
        key = (row.recipient, currencies.of(row.currency))
        amounts[key] += int(row.amount)
        flattrs[key] += int(row.flattrs)
        months[key].add(row.given_in())
    return [
        Waiting(
            key[0],
            key[1],
            amounts[key],
            flattrs[key],
            sorted(months[key]),
            start_of(escrow_expiry_month(min(months[key]))),
        )
        for key in sorted(amounts, key=lambda k: (-amounts[k], k))
    ]


Earned = dict[tuple[str, str], tuple[int, int, int]]  # (recipient, currency) -> figures


def revenue(user_id: str, month: str | None) -> dict[str, Earned]:
    """A creator's money by month, recipient and currency: (amount, flattrs, supporters);
    newest month first. Supporters are counted per entry: one per contributor in a split,
    the distinct contributors of each claimed chunk of escrow."""
    by_month: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    for currency in currencies.CODES:
        for entry in ledger.entries(ledger.creator_account(user_id, currency)):
            if entry.kind not in {"split", "claim"} or (month and entry.month != month):
                continue
            cell = by_month[str(entry.month)][str(entry.ref), currency]
            cell[0] += int(entry.amount)
            cell[1] += int(entry.flattrs or 0)
            cell[2] += int(entry.supporters or 0)
    return {
        m: {r: (v[0], v[1], v[2]) for r, v in sorted(recipients.items())}
        for m, recipients in sorted(by_month.items(), reverse=True)
    }

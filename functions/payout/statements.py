"""A contributor's and a creator's view of their money: balance, statements, unclaimed, revenue."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist

from functions.common import clock
from functions.common.api import current_user_id
from functions.common.clock import rfc3339
from functions.common.models import Escrow, Flattr, LedgerItem
from functions.common.money import money
from functions.common.months import escrow_expiry_month, month_of, previous_month, start_of
from functions.common.recipients import RecipientRef, recipient_ref
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.payout import monthly
from functions.payout.profile import MoneyOut, load_user
from functions.payout.split import split_month

router = Router()
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class PartOut(BaseModel):
    recipient: RecipientRef
    flattrs: int
    amount: MoneyOut
    held: bool  # in escrow: its recipient has not claimed it (yet)


class Refund(BaseModel):
    recipient: str
    month: str
    amount: MoneyOut


class Balance(BaseModel):
    balance: MoneyOut
    monthly_budget: MoneyOut
    month: str
    flattrs: int
    projected: list[PartOut]
    # What the user has received as a creator (splits and claims) and not been paid out.
    earnings: MoneyOut


class Statement(BaseModel):
    month: str
    status: str
    charge: MoneyOut
    fee: MoneyOut
    funded: bool
    parts: list[PartOut]
    refunds: list[Refund]


class UnclaimedItem(BaseModel):
    recipient: RecipientRef
    amount: MoneyOut
    flattrs: int
    months: list[str]
    expires_at: str


class UnclaimedList(BaseModel):
    items: list[UnclaimedItem]
    cursor: str | None = None


class RevenueRecipient(BaseModel):
    recipient: str
    amount: MoneyOut
    flattrs: int


class RevenueMonth(BaseModel):
    month: str
    total: MoneyOut
    recipients: list[RevenueRecipient]


class Revenue(BaseModel):
    items: list[RevenueMonth]
    cursor: str | None = None


def _money(micros: int) -> MoneyOut:
    return MoneyOut(**money(micros))


def _month_counts(contributor_id: str, month: str) -> Counter[str]:
    ensure_bound()
    counts: Counter[str] = Counter()
    for flattr in Flattr.query(
        contributor_id,
        Flattr.flattr_id.startswith(month.replace("-", "")),
        attributes_to_get=["recipient"],
    ):
        counts[flattr.recipient] += 1
    return counts


def _projected(
    contributor_id: str, month: str, budget: int, balance: int
) -> tuple[int, list[PartOut], int, int, bool]:
    counts = _month_counts(contributor_id, month)
    split = split_month(budget, balance, counts, settings().fee_rate_basis_points)
    creators = monthly.creators_of(counts)
    parts = [
        PartOut(
            recipient=recipient_ref(p.recipient, p.recipient in creators),
            flattrs=p.flattrs,
            amount=_money(p.amount),
            held=p.recipient not in creators,
        )
        for p in split.parts
    ]
    return sum(counts.values()), parts, split.charge, split.fee, split.funded


@router.get("/v1/me/balance")
def get_balance() -> Balance:
    user = load_user(current_user_id(router))
    month = month_of(clock.now())
    balance = ledger.balance(ledger.contributor_account(user.user_id))
    budget = int(user.monthly_budget)
    flattrs, parts, _, _, _ = _projected(user.user_id, month, budget, balance)
    return Balance(
        balance=_money(balance),
        monthly_budget=_money(budget),
        month=month,
        flattrs=flattrs,
        projected=parts,
        earnings=_money(ledger.balance(ledger.creator_account(user.user_id))),
    )


def _refunds(contributor_id: str, month: str) -> list[Refund]:
    refunds = []
    for entry in ledger.entries(ledger.contributor_account(contributor_id), kind="refund"):
        if entry.month == month and entry.ref:
            recipient, _, origin = entry.ref.rpartition("#")
            refunds.append(
                Refund(recipient=recipient, month=origin, amount=_money(int(entry.amount)))
            )
    return refunds


@router.get("/v1/me/statements")
def get_statement(month: Annotated[str | None, Query(pattern=MONTH)] = None) -> Statement:
    user_id = current_user_id(router)
    wanted = month or previous_month(clock.now())
    ensure_bound()
    try:
        item = LedgerItem.get(*monthly.statement_key(user_id, wanted))
    except DoesNotExist:
        user = load_user(user_id)
        balance = ledger.balance(ledger.contributor_account(user_id))
        _, parts, charge, fee, funded = _projected(
            user_id, wanted, int(user.monthly_budget), balance
        )
        return Statement(
            month=wanted,
            status="open",
            charge=_money(charge),
            fee=_money(fee),
            funded=funded,
            parts=parts,
            refunds=_refunds(user_id, wanted),
        )
    details: dict[str, Any] = item.details or {}
    parts = [
        PartOut(
            recipient=recipient_ref(p["recipient"], not p["held"]),
            flattrs=int(p["flattrs"]),
            amount=_money(int(p["amount"])),
            held=bool(p["held"]),
        )
        for p in details.get("parts", [])
    ]
    return Statement(
        month=wanted,
        status="split",
        charge=_money(int(item.amount)),
        fee=_money(int(details.get("fee", 0))),
        funded=bool(details.get("funded", False)),
        parts=parts,
        refunds=_refunds(user_id, wanted),
    )


@router.get("/v1/me/unclaimed")
def get_unclaimed() -> UnclaimedList:
    user_id = current_user_id(router)
    ensure_bound()
    amounts: dict[str, int] = defaultdict(int)
    flattrs: dict[str, int] = defaultdict(int)
    months: dict[str, set[str]] = defaultdict(set)
    for row in Escrow.by_contributor.query(user_id):
        amounts[row.recipient] += int(row.amount)
        flattrs[row.recipient] += int(row.flattrs)
        months[row.recipient].add(row.month_contributor.split("#", 1)[0])
    items = [
        UnclaimedItem(
            recipient=recipient_ref(recipient, False),
            amount=_money(amounts[recipient]),
            flattrs=flattrs[recipient],
            months=sorted(months[recipient]),
            expires_at=rfc3339(start_of(escrow_expiry_month(min(months[recipient])))),
        )
        for recipient in sorted(amounts, key=lambda r: (-amounts[r], r))
    ]
    return UnclaimedList(items=items)


@router.get("/v1/me/revenue")
def get_revenue(month: Annotated[str | None, Query(pattern=MONTH)] = None) -> Revenue:
    user_id = current_user_id(router)
    by_month: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for entry in ledger.entries(ledger.creator_account(user_id)):
        if entry.kind not in {"split", "claim"} or (month and entry.month != month):
            continue
        cell = by_month[str(entry.month)][str(entry.ref)]
        cell[0] += int(entry.amount)
        cell[1] += int(entry.flattrs or 0)
    items = [
        RevenueMonth(
            month=m,
            total=_money(sum(v[0] for v in recipients.values())),
            recipients=[
                RevenueRecipient(recipient=r, amount=_money(v[0]), flattrs=v[1])
                for r, v in sorted(recipients.items())
            ],
        )
        for m, recipients in sorted(by_month.items(), reverse=True)
    ]
    return Revenue(items=items)

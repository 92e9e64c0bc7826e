"""The monthly statement email: once a month's split is done, each contributor who was
charged is told what they gave, to how many creators, what waits for creators who have not
joined yet, and what is left (opt-out: ``money_emails`` in ``PATCH /v1/me``). Each is sent
once, whatever re-runs (``users.mark_sent``)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import clock, mail
from functions.common.money import format_cents_of
from functions.common.months import previous_month
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.core import ledger, users
from functions.core.flattrs import shards_of
from functions.core.models import LedgerItem, MonthSplit, User
from functions.payout import monthly
from functions.payout.split import paid_parts


def _context(user: User, statement: LedgerItem, month: str) -> dict[str, Any]:
    parts = paid_parts(statement.details)
    held = sum(p.amount for p in parts if p.held)
    currency = ledger.statement_currency(statement)
    balance = ledger.balance(ledger.contributor_account(user.user_id, currency))
    return {
        "month": month,
        "currency": currency,
        "given": format_cents_of(int(statement.amount)),
        "flattrs": sum(p.flattrs for p in parts),
        "receivers": len(parts),
        "held": format_cents_of(held) if held else None,
        "balance": format_cents_of(balance),
        "site": settings().public_url,
    }


def _send(contributor: str, month: str) -> bool:
    try:
        statement = LedgerItem.get(*monthly.statement_key(contributor, month))
        user = User.get(contributor)
    except DoesNotExist:
        return False
    if user.money_emails is False or not user.email or int(statement.amount) <= 0:
        return False
    if not users.mark_sent("statement", month, contributor):
        return False
    mail.send(
        "functions.payout",
        user.email,
        f"Your Flattr statement for {month}",
        "statement",
        _context(user, statement, month),
    )
    return True


def statement_email_job(event: dict[str, Any]) -> dict[str, Any]:
    """Daily: the statements of the month before, once its split is done."""
    ensure_bound()
    month = str(event.get("month") or previous_month(clock.now()))
    try:
        done = MonthSplit.get(month).state == "split"
    except DoesNotExist:
        done = False
    if not done:
        return {"month": month, "sent": 0, "waiting_for_split": True}
    sent = 0
    for shard in range(shards_of(month)):
        for contributor in monthly.flattrs_of_shard(month, shard):
            sent += _send(contributor, month)
    return {"month": month, "sent": sent, "waiting_for_split": False}

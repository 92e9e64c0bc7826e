"""Payments' part of a person's data: money in and out through Stripe, exported; when the
account goes, its money leaves first (``leaving``) and these records stay, anonymised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.models import Model

from functions.common import events
from functions.common.clock import rfc3339
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.payments.leaving import leave
from functions.payments.models import MonthlyTopUp, PayIn, PayoutAccount, Refund, Withdrawal


def leave_then_announce(body: dict[str, Any]) -> dict[str, int]:
    """``account-leaving`` (queued by the account API): the account's money leaves as far
    as it can, then every domain is told to erase the account's data. A retry finds what
    the first try did (the refund and the withdrawal by their keys; the top-up stopped)."""
    user_id = str(body["user_id"])
    claims = {"sub": user_id, "username": body.get("username"), "auth_time": body.get("auth_time")}
    out = leave(claims, asked_at=datetime.fromisoformat(str(body["asked_at"])))
    events.announce(
        settings().account_deleted_topic_arn,
        events.ACCOUNT_DELETED,
        {"user_id": user_id, "username": body.get("username")},
    )
    return out


def _record(item: Model, *names: str) -> dict[str, Any]:
    values = item.attribute_values
    return {
        name: rfc3339(values.get(name)) if name.endswith("_at") else values.get(name)
        for name in names
    }


def export(user_id: str) -> dict[str, Any]:
    """Pay-ins, refunds, withdrawals, the payout account and the monthly top-up (Stripe's
    ids, states and amounts in cents; no card numbers: Stripe keeps those)."""
    ensure_bound()
    payout = next(iter(PayoutAccount.query(user_id)), None)
    monthly = next(iter(MonthlyTopUp.query(user_id)), None)
    return {
        "payments": {
            "payins": [
                _record(p, "payin_id", "kind", "method", "amount_cents", "fee_cents", "state")
                | {"created_at": rfc3339(p.created_at), "history": list(p.history or [])}
                for p in PayIn.by_user.query(user_id)
            ],
            "refunds": [
                _record(r, "refund_id", "amount_cents", "state", "created_at") | {"parts": r.parts}
                for r in Refund.by_user.query(user_id)
            ],
            "withdrawals": [
                _record(w, "withdrawal_id", "amount_cents", "state", "failure", "created_at")
                for w in Withdrawal.by_user.query(user_id)
            ],
            "payout_account": _record(
                payout, "account_id", "details_submitted", "payouts_enabled", "deauthorized_at"
            )
            if payout
            else None,
            "monthly_top_up": _record(monthly, "method", "state", "stopped_reason", "created_at")
            if monthly
            else None,
        }
    }

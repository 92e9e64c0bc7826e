"""Money when a person deletes their account: the unspent balance goes back to the payment
methods it came from where it can (a SEPA debit only after 56 days), earnings go to the
payout account when it is ready and the person signed in with TOTP within ten minutes; the
monthly top-up stops and the Stripe customer is deleted with its saved methods. What
cannot leave now stays in the ledger under the anonymous id for an operator to pay out
on request, and the person is told by email how much and why."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from functions.common import currencies
from functions.common.errors import DomainError
from functions.common.money import MICROS_PER_CENT, format_cents
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.core import identity, ledger, users
from functions.payments import gateway, monthly, notices, payouts, refunds, withdrawals
from functions.payments.models import MonthlyTopUp

logger = make_logger("payments")


def _forget_customer(user_id: str) -> None:
    found = monthly.find(user_id)
    if found is None:
        return
    monthly.stop(user_id, "account_deleted")
    try:
        gateway.client().v1.customers.delete(found.customer_id)  # its methods go with it
    except Exception as error:  # already gone at Stripe
        logger.info("customer not deleted", extra={"error_type": type(error).__name__})
    MonthlyTopUp(user_id).delete()


def _cents(account: str) -> int:
    return ledger.balance(account) // MICROS_PER_CENT


def leave(claims: dict[str, Any], asked_at: datetime | None = None) -> dict[str, int]:
    """Answers cents refunded, withdrawn and kept (sub-cent fractions are not counted).
    ``asked_at``: when the person asked (the sign-in's recency is judged then)."""
    import stripe

    user_id = str(claims["sub"])
    _forget_customer(user_id)
    out = {"refunded_cents": 0, "withdrawn_cents": 0, "kept_cents": 0}
    back = refunds.refundable_cents(user_id)
    if back > 0:
        with contextlib.suppress(DomainError, stripe.StripeError):  # refused: counted kept
            done = refunds.refund(user_id, f"account-deleted-{user_id}", back)
            out["refunded_cents"] = int(done.amount_cents) if done.state == "succeeded" else 0
    own = users.currency_of(user_id)
    ready = payouts.status(payouts.find(user_id)) == "ready"
    kept: dict[str, int] = {}
    for currency in currencies.CODES:  # earnings are kept per currency: each leaves apart
        earned = withdrawals.earnings_cents(user_id, currency)
        if ready and earned >= currencies.scaled(settings().min_withdrawal_cents, currency):
            key = currencies.suffixed(f"account-deleted-{user_id}", currency, "-")
            # No recent TOTP sign-in, or Stripe refused or did not answer: counted kept.
            with contextlib.suppress(DomainError, stripe.StripeError):
                paid = withdrawals.withdraw(claims, key, None, asked_at=asked_at, currency=currency)
                if paid.state == "paid" and currency == own:
                    out["withdrawn_cents"] = int(paid.amount_cents)
        left = _cents(ledger.contributor_account(user_id, currency))
        left += _cents(ledger.creator_account(user_id, currency))
        if left:
            kept[currency] = left
    out["kept_cents"] = kept.get(own, 0)  # in their own currency; every one told below
    if kept:
        email = claims.get("email") or identity.email_of(user_id)
        if email:
            notices.tell_address(
                str(email),
                "leaving_kept",
                "Money kept after your Flattr account was deleted",
                amounts=[f"{format_cents(cents)} {c}" for c, cents in kept.items()],
                reference=user_id,
            )
    return out

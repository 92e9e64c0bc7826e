"""Refunds: unspent balance back to the payment methods it came from.

Taken from the newest refundable pay-ins first (a SEPA debit only once it is 56 days old,
past the no-questions chargeback window), each at most what is left of it, in total at
most the balance in whole cents. Stripe's fee stays the platform's cost. Crash-safe in
three steps, each idempotent: the amount leaves the balance into ``refunding#<id>``; each
pay-in's part is refunded at Stripe (keyed by our refund and pay-in ids) and counted on the
pay-in once; what Stripe refunded moves to ``refunded``, anything it refused goes back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from functions.common import clock, currencies
from functions.common.errors import Invalid, Unavailable
from functions.common.idempotency import KeyReused
from functions.common.money import MICROS_PER_CENT, format_cents
from functions.common.storage import condition_failed, ensure_bound, first_write
from functions.core import ledger, users
from functions.core.ledger import Leg, Movement
from functions.payments import gateway, payins
from functions.payments.models import PayIn, Refund

SEPA_WAIT = timedelta(days=56)


@dataclass(frozen=True)
class Plan:
    cents: int
    parts: dict[str, int]  # pay-in id -> cents


def _refundable(user_id: str, currency: str) -> list[tuple[PayIn, int]]:
    """The pay-ins in ``currency`` that can give money back, and how much each has left."""
    now = clock.now()
    found = []
    for payin in payins.mine(user_id):  # newest first
        if payin.state != "succeeded" or not payin.payment_intent:
            continue
        if currencies.of(payin.currency) != currency:
            continue
        if payin.method == "sepa_debit" and now - payin.created_at < SEPA_WAIT:
            continue
        left = int(payin.amount_cents) - int(payin.refunded_cents or 0)
        if left > 0:
            found.append((payin, left))
    return found


def refundable_cents(user_id: str) -> int:
    """What can go back to a payment method now: the balance, at most what the refundable
    pay-ins have left."""
    currency = users.currency_of(user_id)
    available = ledger.balance(ledger.contributor_account(user_id, currency)) // MICROS_PER_CENT
    return min(available, sum(left for _, left in _refundable(user_id, currency)))


def plan(user_id: str, currency: str, asked_cents: int | None) -> Plan:
    available = ledger.balance(ledger.contributor_account(user_id, currency)) // MICROS_PER_CENT
    wanted = available if asked_cents is None else asked_cents
    if wanted <= 0:
        raise Invalid("amount: there is no unspent balance to give back", field="body.amount")
    if wanted > available:
        raise Invalid(
            f"amount: at most {format_cents(available)} {currency} is unspent", field="body.amount"
        )
    parts: dict[str, int] = {}
    for payin, left in _refundable(user_id, currency):
        take = min(left, wanted - sum(parts.values()))
        if take > 0:
            parts[payin.payin_id] = take
    if sum(parts.values()) < wanted:
        raise Invalid(
            f"amount: only {format_cents(sum(parts.values()))} {currency} can go back to a payment "
            "method "
            "now (a SEPA debit can be refunded 56 days after it was made)",
            field="body.amount",
        )
    return Plan(wanted, parts)


def refund_id(user_id: str, key: str) -> str:
    return payins.keyed_id("ref", user_id, key)


def _request_hash(asked: int | None, currency: str | None = None) -> str:
    request = repr(asked) if currency is None else repr((asked, currency))
    return hashlib.sha256(request.encode()).hexdigest()


def _record(user_id: str, key: str, asked: int | None, currency: str | None) -> Refund:
    ensure_bound()
    rid = refund_id(user_id, key)
    try:
        return Refund.get(rid)
    except DoesNotExist:
        chosen = currency or users.currency_of(user_id)
        return _new(rid, user_id, asked, _request_hash(asked, currency), chosen)


def _new(rid: str, user_id: str, asked: int | None, request_hash: str, currency: str) -> Refund:
    """A refund of the balance in ``currency`` (the person's own, or one they held before
    they changed it: escrow given back after the change returns in its currency)."""
    chosen = plan(user_id, currency, asked)
    found = Refund(
        rid,
        user_id=user_id,
        amount_cents=chosen.cents,
        currency=currency,
        request_hash=request_hash,
        parts=chosen.parts,
        state="reserved",
        created_at=clock.now(),
    )
    return first_write(found)


def _refund_part(found: Refund, payin_id: str, cents: int) -> bool:
    payin = PayIn.get(payin_id)
    if payin.refunds and found.refund_id in payin.refunds:
        return True  # done before a crash
    try:
        gateway.client().v1.refunds.create(
            params={
                "payment_intent": payin.payment_intent,
                "amount": cents,
                # What reconciliation matches Stripe's balance transaction by.
                "metadata": {"refund_id": found.refund_id, "payin_id": payin_id},
            },
            options={"idempotency_key": f"{found.refund_id}-{payin_id}"},
        )
    except Exception:
        return False
    try:
        payin.update(
            actions=[PayIn.refunded_cents.add(cents), PayIn.refunds.add({found.refund_id})],
            condition=PayIn.refunds.does_not_exist() | ~PayIn.refunds.contains(found.refund_id),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
    if int(payin.refunded_cents or 0) >= int(payin.amount_cents) and payin.state == "succeeded":
        payins.set_state(payin, "refunded", condition=PayIn.state == "succeeded")  # all of it
    return True


def refund(user_id: str, key: str, asked_cents: int | None, currency: str | None = None) -> Refund:
    """``POST /v1/refunds``: the same ``Idempotency-Key`` is the same refund. ``currency``:
    of the balance to give back (none: the person's own)."""
    found = _record(user_id, key, asked_cents, currency)
    if found.request_hash != _request_hash(asked_cents, currency):
        raise KeyReused()
    if found.state != "reserved":
        return found
    total = int(found.amount_cents) * MICROS_PER_CENT
    currency = currencies.of(found.currency)
    flight = ledger.refunding_account(found.refund_id, currency)
    balance = ledger.contributor_account(user_id, currency)
    ledger.apply(
        Movement(
            f"refund-{found.refund_id}-reserve",
            "refund_out",
            (Leg(balance, -total), Leg(flight, total)),
        )
    )
    parts: dict[str, Any] = dict(found.parts)
    done = sum(int(c) for p, c in parts.items() if _refund_part(found, p, int(c)))
    legs = (
        [
            Leg(flight, -done * MICROS_PER_CENT),
            Leg(ledger.account(ledger.REFUNDED, currency), done * MICROS_PER_CENT),
        ]
        if done
        else []
    )
    back = int(found.amount_cents) - done
    if back:
        legs += [
            Leg(flight, -back * MICROS_PER_CENT, ref="back"),
            Leg(balance, back * MICROS_PER_CENT),
        ]
    ledger.apply(Movement(f"refund-{found.refund_id}-done", "refund_out", tuple(legs)))
    state = "succeeded" if not back else ("partly" if done else "failed")
    found.update(actions=[Refund.state.set(state)])
    if state == "failed":
        raise Unavailable("Stripe: the refund was refused; the money stays in your balance")
    return found

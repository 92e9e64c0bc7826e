"""Pay-ins: a state machine per pay-in, written before any call to Stripe.

``pre`` (written first, with the request that made it) → ``pending`` (SEPA: days of
processing) → ``succeeded`` | ``failed`` | ``awaiting_payer_action``. Money becomes
spendable at ``succeeded`` and never before: the ledger movement ``payin-<id>`` (gross to
the contributor, Stripe's fee as the platform's cost) is applied once, whoever gets there
first (the webhook worker, a retried event, a re-fetch), and only then is the state set.
Stripe is always asked again for the payment's state: an event's snapshot may be stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from pynamodb.exceptions import DoesNotExist, UpdateError

from functions.common import clock, currencies
from functions.common.errors import Conflict, Invalid, Missing
from functions.common.idempotency import KeyReused
from functions.common.money import MICROS_PER_CENT, format_cents
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound, first_write
from functions.core import ledger, users
from functions.payments import gateway
from functions.payments.models import Mismatch, MonthlyTopUp, PayIn
from functions.payments.payin_rules import OPEN, PayInView, needs_customer, synced

METHODS = ("card", "sepa_debit")
# A Checkout Session lives a day (Stripe's default): its pay-in may complete until then.
CHECKOUT_LIFE = timedelta(hours=25)
# A debit in flight (``pending``) or a charge waiting for its holder: up to two weeks.
SETTLING = timedelta(days=15)


@dataclass(frozen=True)
class TopUp:
    amount_cents: int
    method: str
    currency: str  # the contributor's: what they are charged in and their balance is in


def keyed_id(prefix: str, user_id: str, idempotency_key: str) -> str:
    """The same person's same key names the same pay-in (or refund): a retry finds it."""
    digest = hashlib.sha256(f"{user_id}\x00{idempotency_key}".encode()).hexdigest()
    return f"{prefix}_{digest[:32]}"


def payin_id(user_id: str, idempotency_key: str) -> str:
    return keyed_id("pay", user_id, idempotency_key)


def _request_hash(top_up: TopUp) -> str:
    return hashlib.sha256(json.dumps(vars(top_up), sort_keys=True).encode()).hexdigest()


def _record(user_id: str, key: str, top_up: TopUp) -> PayIn:
    """The pay-in in ``pre``, or the one this key made before (same request only)."""
    ensure_bound()
    now = clock.now()
    found = PayIn(
        payin_id(user_id, key),
        user_id=user_id,
        amount_cents=top_up.amount_cents,
        currency=top_up.currency,
        method=top_up.method,
        state="pre",
        request_hash=_request_hash(top_up),
        created_at=now,
        changed_at=now,
        history=[f"pre@{clock.rfc3339(now)}"],
    )
    earlier = first_write(found)
    if earlier.request_hash != found.request_hash:
        raise KeyReused()
    return earlier


def start(user_id: str, idempotency_key: str, top_up: TopUp) -> PayIn:
    """``POST /v1/payins``: record, then ask Stripe for a Checkout Session (keyed by our
    id, so a retry after a crash gets the same session, never a second charge)."""
    if top_up.method not in METHODS:
        raise Invalid(f"must be one of {', '.join(METHODS)}", field="body.method")
    least = currencies.scaled(settings().min_payin_cents, top_up.currency)
    if top_up.amount_cents < least:
        raise Invalid(
            f"at least {format_cents(least)} {top_up.currency}: smaller top-ups lose too much "
            "to the payment's fixed fee",
            field="body.amount",
        )
    payin = _record(user_id, idempotency_key, top_up)
    users.hold_currency(user_id, clock.now() + CHECKOUT_LIFE)
    if payin.checkout_url:
        return payin
    return checkout(payin, "checkout")


def checkout(payin: PayIn, key: str) -> PayIn:
    """A Checkout Session (payment mode) that pays ``payin``: a new top-up's, or the one a
    monthly top-up's holder finishes. Keyed by our id and ``key``: a retry after a crash
    gets the same session, never a second charge."""
    site = settings().public_url
    session = gateway.client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "payment_method_types": [payin.method],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currencies.of(payin.currency).lower(),
                        "unit_amount": int(payin.amount_cents),
                        "product_data": {"name": "Flattr top-up"},
                    },
                }
            ],
            "client_reference_id": payin.payin_id,
            "metadata": {"payin_id": payin.payin_id},
            "payment_intent_data": {"metadata": {"payin_id": payin.payin_id}},
            "success_url": f"{site}/money?payin={payin.payin_id}",
            "cancel_url": f"{site}/money",
        },
        options={"idempotency_key": f"{payin.payin_id}-{key}"},
    )
    payin.update(
        actions=[
            PayIn.checkout_session.set(session.id),
            PayIn.checkout_url.set(session.url),
            PayIn.changed_at.set(clock.now()),
        ]
    )
    return payin


def mine(user_id: str) -> list[PayIn]:
    ensure_bound()
    return list(PayIn.by_user.query(user_id, scan_index_forward=False))


class NotThisPayIn(Conflict):
    """Stripe's PaymentIntent (or the Checkout Session an event names) is not the pay-in's:
    nothing moves, and reconciliation has a finding that names the pay-in it belongs to."""


def _refuse(payin: PayIn, intent: dict[str, Any], intent_id: str, problem: str) -> NoReturn:
    named = (intent.get("metadata") or {}).get("payin_id")
    Mismatch(
        f"event#{payin.payin_id}#{intent_id}",
        problem=f"a payment event named pay-in {payin.payin_id}: {problem}; nothing moved",
        kind="payment_event",
        source=str(named) if named else intent_id,  # the pay-in the payment belongs to
        amount_cents=int(intent.get("amount") or 0),
        found_at=clock.now(),
    ).save()
    raise NotThisPayIn(f"payment: {problem}", slug="payment-not-this-pay-in")


def _view(payin: PayIn) -> PayInView:
    return PayInView(
        payin_id=payin.payin_id,
        amount_cents=int(payin.amount_cents),
        kind=str(payin.kind),
        state=str(payin.state),
        checkout_session=payin.checkout_session,
        currency=currencies.of(payin.currency).lower(),
    )


def _monthly_customer(user_id: str) -> str | None:
    try:
        return str(MonthlyTopUp.get(user_id).customer_id)
    except DoesNotExist:
        return None


def sync(payin_id_: str, intent_id: str, session_id: str | None = None) -> str:
    """Bring the pay-in to what Stripe says of its PaymentIntent now; answers its state.
    The intent (and ``session_id``, the Checkout Session an event named) must be the
    pay-in's by Stripe's own answer, else ``NotThisPayIn``: one charge backs one pay-in.
    What the answer means is decided by ``payin_rules.synced``; this reads and writes."""
    ensure_bound()
    try:
        payin = PayIn.get(payin_id_)
    except DoesNotExist as missing:
        raise Missing("pay-in: not ours") from missing
    intent = (
        gateway.client()
        .v1.payment_intents.retrieve(
            intent_id, params={"expand": ["latest_charge.balance_transaction"]}
        )
        .to_dict()
    )
    view = _view(payin)
    customer = _monthly_customer(payin.user_id) if needs_customer(view, intent) else None
    decided = synced(view, intent, session_id, customer)
    if decided.refused is not None:
        _refuse(payin, intent, intent_id, decided.refused)
    if decided.credit:
        ledger.pay_in(
            payin.user_id,
            int(payin.amount_cents) * MICROS_PER_CENT,
            payin.payin_id,
            currencies.of(payin.currency),
            provider_fee=decided.fee_cents * MICROS_PER_CENT,
        )
    if decided.moves and decided.state in ("pending", "awaiting_payer_action"):
        users.hold_currency(payin.user_id, clock.now() + SETTLING)
    if decided.moves:
        set_state(
            payin,
            decided.state,
            PayIn.payment_intent.set(intent_id),
            PayIn.fee_cents.set(decided.fee_cents),
            # What Stripe's balance transaction names: reconciliation matches by it.
            *([PayIn.charge_id.set(decided.charge_id)] if decided.charge_id else []),
            condition=PayIn.state.is_in(*OPEN),
        )
    return decided.state


def set_state(payin: PayIn, state: str, *actions: Any, condition: Any = None) -> None:
    """Move the pay-in to ``state``, its transition kept in ``history``, with ``actions``
    written alongside; under ``condition``, a transition that lost a race changes nothing."""
    now = clock.now()
    try:
        payin.update(
            actions=[
                PayIn.state.set(state),
                PayIn.changed_at.set(now),
                PayIn.history.set(PayIn.history.append([f"{state}@{clock.rfc3339(now)}"])),
                *actions,
            ],
            condition=condition,
        )
    except UpdateError as error:
        if condition is None or not condition_failed(error):
            raise

"""Monthly top-ups: a payment method saved at Stripe (Checkout in setup mode: a card, or a
SEPA mandate), charged off-session before each month's split when the balance will not
cover the budget: max(budget - spendable balance, the minimum top-up), 3 days before the
month ends for a card, 10 for SEPA (so that the debit has settled by the split).

Each month's charge is one pay-in (kind ``monthly``) whose id comes from the user and the
month, written before Stripe is called and keyed at Stripe by that id: the daily job may
run again, crash, or be retried without charging twice. A card that needs its holder
(``authentication_required``) or has expired waits in ``awaiting_payer_action``; the
contributor is emailed a link to pay it through Checkout (``payins.checkout``), and the
split charges only what the balance holds meanwhile. A dispute stops the monthly top-up.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import clock, currencies
from functions.common.errors import Conflict, Invalid, Missing
from functions.common.money import MICROS_PER_CENT, format_cents, format_cents_of
from functions.common.months import month_of
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.common.storage import ensure_bound, first_write
from functions.core import ledger, users
from functions.core.models import Flattr, Pledge, User
from functions.core.recipients import recipient_ref
from functions.payments import gateway, notices, payins
from functions.payments.models import MonthlyTopUp, PayIn

logger = make_logger("payments")
DAYS_BEFORE_MONTH_END = {"card": 3, "sepa_debit": 10}


def find(user_id: str) -> MonthlyTopUp | None:
    ensure_bound()
    try:
        return MonthlyTopUp.get(user_id)
    except DoesNotExist:
        return None


def _customer(user_id: str) -> str:
    """The user's Stripe customer (made once; kept while a monthly top-up exists)."""
    found = find(user_id)
    if found is not None:
        return str(found.customer_id)
    made = gateway.client().v1.customers.create(
        params={"metadata": {"user_id": user_id}},
        options={"idempotency_key": f"customer-{user_id}"},
    )
    return str(made.id)


def set_up(user_id: str, key: str, method: str) -> MonthlyTopUp:
    """``POST /v1/payins/monthly``: a Checkout Session in setup mode where the contributor
    saves a card or gives a SEPA mandate; active once Stripe says it is saved."""
    if method not in payins.METHODS:
        raise Invalid(f"must be one of {', '.join(payins.METHODS)}", field="body.method")
    customer = _customer(user_id)
    site = settings().public_url
    session = gateway.client().v1.checkout.sessions.create(
        params={
            "mode": "setup",
            "customer": customer,
            "payment_method_types": [method],
            "metadata": {"user_id": user_id, "purpose": "monthly_top_up"},
            "setup_intent_data": {"metadata": {"user_id": user_id}},
            "success_url": f"{site}/money?monthly=saved",
            "cancel_url": f"{site}/money",
        },
        options={"idempotency_key": payins.keyed_id("setup", user_id, key)},
    )
    now = clock.now()
    found = find(user_id) or MonthlyTopUp(
        user_id, customer_id=customer, method=method, state="setting_up", created_at=now
    )
    found.setup_session, found.checkout_url, found.changed_at = session.id, session.url, now
    if found.state != "active":
        found.method = method
    found.save()
    return found


def saved(session: dict[str, Any]) -> str | None:
    """``checkout.session.completed`` in setup mode: the payment method as Stripe has it."""
    user_id = (session.get("metadata") or {}).get("user_id")
    found = find(str(user_id)) if user_id else None
    if found is None or found.setup_session != session.get("id"):
        return None  # not ours, or an older set-up replaced since
    setup = gateway.client().v1.setup_intents.retrieve(str(session["setup_intent"])).to_dict()
    if setup.get("status") != "succeeded":
        return found.state
    method = gateway.client().v1.payment_methods.retrieve(str(setup["payment_method"]))
    earlier = found.payment_method
    found.update(
        actions=[
            MonthlyTopUp.payment_method.set(str(method.id)),
            MonthlyTopUp.method.set(str(method.type)),
            MonthlyTopUp.state.set("active"),
            MonthlyTopUp.stopped_reason.remove(),
            MonthlyTopUp.checkout_url.remove(),
            MonthlyTopUp.changed_at.set(clock.now()),
        ]
    )
    if earlier and earlier != method.id:
        _detach(earlier)
    return "active"


def _detach(payment_method: str) -> None:
    try:
        gateway.client().v1.payment_methods.detach(payment_method)
    except Exception as error:  # already detached, or gone with its customer
        logger.info("detach refused", extra={"error_type": type(error).__name__})


def stop(user_id: str, reason: str) -> bool:
    """No more monthly charges; the saved method is detached at Stripe."""
    found = find(user_id)
    if found is None or found.state == "stopped":
        return False
    found.update(
        actions=[
            MonthlyTopUp.state.set("stopped"),
            MonthlyTopUp.stopped_reason.set(reason),
            MonthlyTopUp.changed_at.set(clock.now()),
        ]
    )
    if found.payment_method:
        _detach(str(found.payment_method))
    return True


@dataclass(frozen=True)
class Due:
    user_id: str
    cents: int
    currency: str


def due(found: MonthlyTopUp, now: datetime) -> Due | None:
    """What to charge now, if anything: only in the last days of the month (by the
    method's settling time), only when the balance will not cover the budget."""
    last_day = calendar.monthrange(now.year, now.month)[1]
    if found.state != "active" or last_day - now.day > DAYS_BEFORE_MONTH_END[found.method]:
        return None
    try:
        user = User.get(found.user_id)
    except DoesNotExist:
        return None
    budget, currency = int(user.monthly_budget), currencies.of(user.currency)
    spendable = ledger.balance(ledger.contributor_account(user.user_id, currency))
    if spendable >= budget:
        return None
    short = -(-(budget - spendable) // MICROS_PER_CENT)  # whole cents, rounded up
    least = currencies.scaled(settings().min_payin_cents, currency)
    return Due(found.user_id, max(short, least), currency)


def _record(found: MonthlyTopUp, wanted: Due, month: str) -> PayIn:
    now = clock.now()
    payin = PayIn(
        payins.keyed_id("mon", found.user_id, month),
        user_id=found.user_id,
        amount_cents=wanted.cents,
        currency=wanted.currency,
        method=found.method,
        state="pre",
        kind="monthly",
        request_hash=month,
        created_at=now,
        changed_at=now,
        history=[f"pre@{clock.rfc3339(now)}"],
    )
    return first_write(payin)  # or this month's, from an earlier run


def charge(found: MonthlyTopUp, wanted: Due) -> str:
    """This month's charge, off-session with the saved method; answers the pay-in's state."""
    import stripe

    payin = _record(found, wanted, month_of(clock.now()))
    users.hold_currency(found.user_id, clock.now() + payins.CHECKOUT_LIFE)
    if payin.state != "pre":
        return str(payin.state)
    earlier = _made_before(found, payin.payin_id)
    if earlier is not None:  # made before a crash (Stripe forgets idempotency keys in a day)
        return payins.sync(payin.payin_id, earlier)
    try:
        intent = gateway.client().v1.payment_intents.create(
            params={
                "amount": int(payin.amount_cents),
                "currency": currencies.of(payin.currency).lower(),
                "customer": found.customer_id,
                "payment_method": found.payment_method,
                "payment_method_types": [found.method],
                "off_session": True,
                "confirm": True,
                "metadata": {"payin_id": payin.payin_id},
            },
            options={"idempotency_key": f"{payin.payin_id}-charge"},
        )
    except stripe.CardError as needs_holder:
        error = needs_holder.error
        intent = error.payment_intent if error is not None else None
        intent_id = intent.id if intent is not None else None
        payins.set_state(
            payin,
            "awaiting_payer_action",
            *([PayIn.payment_intent.set(str(intent_id))] if intent_id else []),
            condition=PayIn.state.is_in(*payins.OPEN),
        )
        _ask_holder(payin, str(needs_holder.code or "card_error"))
        return "awaiting_payer_action"
    return payins.sync(payin.payin_id, str(intent.id))


def _made_before(found: MonthlyTopUp, payin_id: str) -> str | None:
    recent = gateway.client().v1.payment_intents.list(
        params={"customer": found.customer_id, "limit": 20}
    )
    for intent in recent.data:
        if (intent.to_dict().get("metadata") or {}).get("payin_id") == payin_id:
            return str(intent.id)
    return None


def _ask_holder(payin: PayIn, why: str) -> None:
    notices.tell(
        payin.user_id,
        "monthly_action",
        "Your monthly Flattr top-up needs you",
        amount=format_cents(int(payin.amount_cents)),
        currency=currencies.of(payin.currency),
        expired=why == "expired_card",
        link=f"{settings().public_url}/money?finish={payin.payin_id}",
    )


WARN_DAYS_BEFORE_MONTH_END = 5


def _short_without_top_up(user: User, month: str) -> bool:
    """The balance will not cover the budget, nothing will top it up, and the person gave
    flattrs this month (someone who does not use Flattr now is not written to)."""
    if user.money_emails is False or not user.email or int(user.monthly_budget) <= 0:
        return False
    balance = ledger.balance(ledger.contributor_account(user.user_id, currencies.of(user.currency)))
    if balance >= int(user.monthly_budget):
        return False
    found = find(user.user_id)
    if found is not None and found.state == "active":
        return False
    this_month = Flattr.flattr_id.startswith(month.replace("-", ""))
    if any(True for _ in Flattr.query(user.user_id, this_month, limit=1)):
        return True
    return any(True for _ in Pledge.query(user.user_id, limit=1))  # pledges are paid first


def warn_short(now: datetime) -> int:
    """Once a month, five days before it ends: a warning to those whose balance will not
    cover their budget and who have no monthly top-up."""
    last_day = calendar.monthrange(now.year, now.month)[1]
    if last_day - now.day > WARN_DAYS_BEFORE_MONTH_END:
        return 0
    month, warned = month_of(now), 0
    for user in User.scan():
        if not _short_without_top_up(user, month) or not users.mark_sent(
            "low-balance", month, user.user_id
        ):
            continue
        currency = currencies.of(user.currency)
        balance = ledger.balance(ledger.contributor_account(user.user_id, currency))
        pledged = [
            f"{format_cents_of(int(p.amount))} {currency} to "
            f"{recipient_ref(p.recipient, False).display_name}"
            for p in sorted(Pledge.query(user.user_id), key=lambda p: p.created_at)
        ]
        notices.tell_address(
            str(user.email),
            "low_balance",
            "Your Flattr balance will not cover this month's budget",
            balance=format_cents_of(balance),
            budget=format_cents_of(int(user.monthly_budget)),
            currency=currency,
            pledges=pledged,
            link=f"{settings().public_url}/money",
        )
        warned += 1
    return warned


def run(event: dict[str, Any]) -> dict[str, Any]:
    """The daily job: every active monthly top-up that is due is charged once a month;
    then the warnings to those who are short without one."""
    ensure_bound()
    now = clock.now()
    counts = {"charged": 0, "awaiting": 0, "skipped": 0, "failed": 0}
    for found in MonthlyTopUp.scan(MonthlyTopUp.state == "active"):
        wanted = due(found, now)
        if wanted is None:
            counts["skipped"] += 1
            continue
        try:
            state = charge(found, wanted)
        except Exception as error:  # one contributor's trouble stops nobody else's charge
            logger.warning("monthly top-up failed", extra={"error_type": type(error).__name__})
            counts["failed"] += 1
            continue
        counts["awaiting" if state == "awaiting_payer_action" else "charged"] += 1
    return {**counts, "warned": warn_short(now)}


def finish(user_id: str, payin_id: str) -> PayIn:
    """``POST /v1/payins/{id}/checkout``: a monthly charge that waits for its holder, paid
    through Checkout (the same pay-in: its money moves once, whichever way it is paid)."""
    ensure_bound()
    try:
        payin = PayIn.get(payin_id)
    except DoesNotExist as missing:
        raise Missing("pay-in: no such pay-in of yours") from missing
    if payin.user_id != user_id:
        raise Missing("pay-in: no such pay-in of yours")
    if payin.state != "awaiting_payer_action":
        raise Conflict(f"pay-in: it is {payin.state}, nothing to finish", slug="nothing-to-finish")
    if payin.checkout_url:
        return payin
    return payins.checkout(payin, "finish")

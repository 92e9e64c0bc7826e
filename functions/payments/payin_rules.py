"""The pay-in's rules, as plain functions: what Stripe's answer about a PaymentIntent means
for one pay-in (``payins.sync`` reads the pay-in and asks Stripe, then applies what this
decides). No storage, no Stripe, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FINAL = ("succeeded", "failed")
OPEN = ("pre", "pending", "awaiting_payer_action")
# Stripe's PaymentIntent status → ours.
STATES = {
    "succeeded": "succeeded",
    "processing": "pending",
    "requires_action": "awaiting_payer_action",
    "requires_confirmation": "awaiting_payer_action",
    "requires_payment_method": "failed",
    "canceled": "failed",
}


@dataclass(frozen=True)
class PayInView:
    """What the rules read of a pay-in."""

    payin_id: str
    amount_cents: int
    kind: str  # one_off | monthly
    state: str
    currency: str  # ISO 4217, as Stripe writes it (lower case)
    checkout_session: str | None = None


@dataclass(frozen=True)
class Synced:
    """What Stripe's answer means: ``refused`` (why the intent is not the pay-in's:
    nothing moves), else the state it is in, whether its money is now spendable
    (``credit``: the ledger's pay-in movement, applied once whoever gets there first) and
    whether the pay-in's record moves (``moves``: a late or repeated answer does not)."""

    state: str
    refused: str | None = None
    credit: bool = False
    moves: bool = False
    fee_cents: int = 0
    charge_id: str | None = None


def fee_cents(intent: dict[str, Any]) -> int:
    """Stripe's fee on the payment, in cents (0 until its balance transaction exists)."""
    charge = intent.get("latest_charge")
    transaction = charge.get("balance_transaction") if isinstance(charge, dict) else None
    return int(transaction.get("fee", 0)) if isinstance(transaction, dict) else 0


def charge_id(intent: dict[str, Any]) -> str | None:
    charge = intent.get("latest_charge")
    return str(charge["id"]) if isinstance(charge, dict) and charge.get("id") else None


def foreign(
    payin: PayInView,
    intent: dict[str, Any],
    session_id: str | None,
    monthly_customer: str | None,
) -> str | None:
    """Why Stripe's own answer says ``intent`` is not ``payin``'s, or None. Every intent
    of ours carries its pay-in's id (Checkout's ``payment_intent_data`` and the monthly
    charge set it); one pay-in's session is the one recorded with it; a monthly charge's
    customer is its holder's (``monthly_customer``)."""
    named = (intent.get("metadata") or {}).get("payin_id")
    if named != payin.payin_id:
        return f"the PaymentIntent is {f'pay-in {named}' if named else 'no pay-in of ours'}'s"
    if int(intent["amount"]) != payin.amount_cents or intent["currency"] != payin.currency:
        return "the PaymentIntent's amount or currency differ from the pay-in's"
    if session_id and payin.checkout_session and session_id != payin.checkout_session:
        return "the Checkout Session is not the pay-in's"
    if (
        payin.kind == "monthly"
        and intent.get("customer")
        and intent["customer"] != monthly_customer
    ):
        return "the PaymentIntent's customer is not the pay-in's holder"
    return None


def needs_customer(payin: PayInView, intent: dict[str, Any]) -> bool:
    """Whether deciding needs the holder's monthly customer (read only then)."""
    return payin.kind == "monthly" and bool(intent.get("customer"))


def synced(
    payin: PayInView,
    intent: dict[str, Any],
    session_id: str | None = None,
    monthly_customer: str | None = None,
) -> Synced:
    """What Stripe's answer ``intent`` means for ``payin``."""
    problem = foreign(payin, intent, session_id, monthly_customer)
    if problem is not None:
        return Synced(state=payin.state, refused=problem)
    state = STATES.get(str(intent["status"]))
    if state is None:
        state = payin.state  # a status Stripe added since: the pay-in stays as it is
    elif state == "failed" and payin.kind == "monthly":
        state = "awaiting_payer_action"  # its holder can still pay it
    return Synced(
        state=state,
        credit=state == "succeeded",
        # Nothing new, or already final: a late or repeated answer changes nothing.
        moves=state != payin.state and payin.state not in FINAL,
        fee_cents=fee_cents(intent),
        charge_id=charge_id(intent),
    )

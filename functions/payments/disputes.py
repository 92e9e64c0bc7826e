"""Disputes (chargebacks): the contributor's bank takes a payment back.

Opened: up to the disputed amount of the contributor's unspent balance is frozen (moved to
``frozen#<user>``, which the split cannot spend), and their monthly top-up stops. Lost: the
frozen money leaves the system
(``disputed``), and whatever of the payment had already been split is the platform's loss
(``dispute_losses``: creators are never clawed back); Stripe's dispute fee is a provider
fee (won or lost: Stripe keeps it). Won: the frozen money is the contributor's again.
Each step is one ledger movement keyed by the dispute, so a repeated or late event changes
nothing.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import currencies
from functions.common.money import MICROS_PER_CENT
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.ledger import Leg, Movement
from functions.payments import gateway, monthly, payins
from functions.payments.models import PayIn


def _payin_of(intent_id: str) -> PayIn | None:
    intent = gateway.client().v1.payment_intents.retrieve(intent_id).to_dict()
    payin_id = (intent.get("metadata") or {}).get("payin_id")
    if not payin_id:
        return None
    try:
        return PayIn.get(payin_id)
    except DoesNotExist:
        return None


def _frozen(dispute_id: str, user_id: str, currency: str) -> int:
    frozen = ledger.frozen_account(user_id, currency)
    entry = ledger.entry_exists(frozen, f"dispute-{dispute_id}-freeze")
    return int(entry.amount) if entry is not None else 0


def opened(dispute: dict[str, Any]) -> str | None:
    ensure_bound()
    payin = _payin_of(str(dispute["payment_intent"]))
    if payin is None:
        return None
    user, currency = payin.user_id, currencies.of(payin.currency)
    disputed = int(dispute["amount"]) * MICROS_PER_CENT
    take = min(disputed, ledger.balance(ledger.contributor_account(user, currency)))
    if take > 0:
        ledger.apply(
            Movement(
                f"dispute-{dispute['id']}-freeze",
                "dispute",
                (
                    Leg(ledger.contributor_account(user, currency), -take),
                    Leg(ledger.frozen_account(user, currency), take),
                ),
            )
        )
    _mark(payin, "disputed")
    monthly.stop(user, "dispute")  # no more charges to a payer whose bank disputes them
    return "disputed"


def closed(dispute: dict[str, Any]) -> str | None:
    ensure_bound()
    payin = _payin_of(str(dispute["payment_intent"]))
    if payin is None:
        return None
    user, dispute_id = payin.user_id, str(dispute["id"])
    currency = currencies.of(payin.currency)
    frozen = _frozen(dispute_id, user, currency)
    frozen_account = ledger.frozen_account(user, currency)
    provider_fees = ledger.account(ledger.PROVIDER_FEES, currency)
    # Stripe's dispute fee, from the balance transactions the dispute lists (kept by
    # Stripe whether the dispute is won or lost).
    fee = sum(int(t.get("fee", 0)) for t in dispute.get("balance_transactions") or [])
    fee *= MICROS_PER_CENT
    legs: tuple[Leg, ...]
    if dispute["status"] == "won":
        legs = (
            Leg(frozen_account, -frozen),
            Leg(ledger.contributor_account(user, currency), frozen),
            Leg(provider_fees, fee, ref="dispute"),
        )
        state = "succeeded"
    else:
        spent = int(dispute["amount"]) * MICROS_PER_CENT - frozen  # already split: our loss
        legs = (
            Leg(frozen_account, -frozen),
            Leg(ledger.account(ledger.PAID_IN, currency), -frozen),  # never paid in, in the end
            Leg(ledger.account(ledger.DISPUTE_LOSSES, currency), spent, ref=user),
            Leg(provider_fees, fee, ref="dispute"),
        )
        state = "dispute_lost"
    ledger.apply(
        Movement(f"dispute-{dispute_id}-close", "dispute", tuple(leg for leg in legs if leg.amount))
    )
    _mark(payin, state)
    return state


def _mark(payin: PayIn, state: str) -> None:
    if payin.state != state:
        payins.set_state(payin, state)

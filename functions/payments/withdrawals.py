"""Withdrawals: a creator's earnings to their payout account, as a Stripe transfer from
the platform's balance ("separate charges and transfers").

Crash-safe in steps, each idempotent and resumed by the same ``Idempotency-Key``:
the withdrawal is recorded (``pre``); its amount leaves the earnings for
``withdrawing#<id>`` (``in_transit``); Stripe is asked for the transfer (keyed by our id,
and looked up by its transfer group first, since Stripe forgets idempotency keys after a
day); a transfer made moves the amount to ``paid_out`` (``paid``), a refusal moves it back
to the earnings (``failed``). A transfer an operator reverses later brings it back again
(``reversed``). Only with TOTP and a recent sign-in (``identity``), only to a payout
account Stripe has enabled, and the creator is emailed about each.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import clock, currencies
from functions.common.errors import Conflict, Invalid
from functions.common.idempotency import KeyReused
from functions.common.money import MICROS_PER_CENT, format_cents
from functions.common.settings import settings
from functions.common.storage import ensure_bound, first_write
from functions.core import identity, ledger, users
from functions.core.ledger import Leg, Movement
from functions.payments import gateway, notices, payins, payouts, withdrawal_rules
from functions.payments.models import Withdrawal
from functions.payments.withdrawal_rules import FINAL


def earnings_cents(user_id: str, currency: str) -> int:
    """What can be withdrawn in ``currency``: those earnings in whole cents (sub-cent
    micro-units stay)."""
    return ledger.balance(ledger.creator_account(user_id, currency)) // MICROS_PER_CENT


def _amount(user_id: str, currency: str, asked: int | None) -> int:
    least = currencies.scaled(settings().min_withdrawal_cents, currency)
    available = earnings_cents(user_id, currency)
    return withdrawal_rules.amount_cents(available, asked, least, currency)


def _record(user_id: str, key: str, asked: int | None, currency: str | None) -> Withdrawal:
    ensure_bound()
    wid = payins.keyed_id("wd", user_id, key)
    request = repr(asked) if currency is None else repr((asked, currency))
    request_hash = hashlib.sha256(request.encode()).hexdigest()
    try:
        found = Withdrawal.get(wid)
    except DoesNotExist:
        found = _new(wid, user_id, asked, request_hash, currency or users.currency_of(user_id))
    if found.request_hash != request_hash:
        raise KeyReused()
    return found


def _new(wid: str, user_id: str, asked: int | None, request_hash: str, currency: str) -> Withdrawal:
    """A new withdrawal of the earnings in ``currency``."""
    account = payouts.find(user_id)
    if payouts.status(account) != "ready" or account is None:
        raise Conflict(
            "payout account: not ready (set it up at Stripe first)", slug="payout-account-not-ready"
        )
    now = clock.now()
    found = Withdrawal(
        wid,
        user_id=user_id,
        amount_cents=_amount(user_id, currency, asked),
        currency=currency,
        account_id=account.account_id,
        state="pre",
        request_hash=request_hash,
        created_at=now,
        changed_at=now,
        history=[f"pre@{clock.rfc3339(now)}"],
    )
    return first_write(found)


def _set_state(found: Withdrawal, state: str, *actions: Any) -> None:
    now = clock.now()
    found.update(
        actions=[
            Withdrawal.state.set(state),
            Withdrawal.changed_at.set(now),
            Withdrawal.history.set(Withdrawal.history.append([f"{state}@{clock.rfc3339(now)}"])),
            *actions,
        ]
    )


def _move(found: Withdrawal, step: str, source: str, target: str) -> None:
    micros = int(found.amount_cents) * MICROS_PER_CENT
    ledger.apply(
        Movement(
            f"withdrawal-{found.withdrawal_id}-{step}",
            "withdrawal",
            (Leg(source, -micros), Leg(target, micros)),
        )
    )


def _transfer(found: Withdrawal) -> tuple[dict[str, Any] | None, str | None]:
    """(the transfer, None) when Stripe made it, (None, Stripe's error code) when refused."""
    import stripe

    client = gateway.client()
    earlier = client.v1.transfers.list(params={"transfer_group": found.withdrawal_id, "limit": 1})
    if earlier.data:
        return earlier.data[0].to_dict(), None
    try:
        made = client.v1.transfers.create(
            params={
                "amount": int(found.amount_cents),
                # Earnings are kept in this currency: Stripe converts it to the payout
                # account's own where they differ, at its rate.
                "currency": currencies.of(found.currency).lower(),
                "destination": found.account_id,
                "transfer_group": found.withdrawal_id,
                "metadata": {"withdrawal_id": found.withdrawal_id},
            },
            options={"idempotency_key": found.withdrawal_id},
        )
    except (stripe.InvalidRequestError, stripe.PermissionError) as refused:
        return None, str(refused.code or "refused")
    return made.to_dict(), None


def _converted(transfer: dict[str, Any], found: Withdrawal) -> list[Any]:
    """What reached the payout account where Stripe converted the transfer to its own
    currency: the amount, the currency and Stripe's rate, from the destination payment's
    balance transaction (read on the connected account). Kept for the creator to see; an
    unanswered read leaves them out and the withdrawal as it is."""
    import stripe

    payment = transfer.get("destination_payment")
    if not payment:
        return []
    try:
        charge = gateway.client().v1.charges.retrieve(
            str(payment),
            params={"expand": ["balance_transaction"]},
            options={"stripe_account": str(found.account_id)},
        )
    except stripe.StripeError:
        return []
    txn = charge.to_dict().get("balance_transaction") or {}
    if not isinstance(txn, dict) or txn.get("exchange_rate") is None:
        return []  # no conversion: the account is in the withdrawal's currency
    return [
        Withdrawal.converted_cents.set(int(txn["amount"])),
        Withdrawal.converted_currency.set(str(txn["currency"]).upper()),
        Withdrawal.exchange_rate.set(str(txn["exchange_rate"])),
    ]


def _settle(found: Withdrawal) -> None:
    """The ledger movements a withdrawal's state stands for, each applied once (a crash
    between the state and its movement is mended by the next attempt)."""
    currency = currencies.of(found.currency)
    accounts = {
        withdrawal_rules.EARNINGS: ledger.creator_account(found.user_id, currency),
        withdrawal_rules.FLIGHT: ledger.withdrawing_account(found.withdrawal_id, currency),
        withdrawal_rules.PAID_OUT: ledger.account(ledger.PAID_OUT, currency),
    }
    flight = accounts[withdrawal_rules.FLIGHT]
    reserved = ledger.entry_exists(flight, f"withdrawal-{found.withdrawal_id}-reserve")
    for step, source, target in withdrawal_rules.settling_steps(
        str(found.state), reserved is not None
    ):
        _move(found, step, accounts[source], accounts[target])


def withdraw(
    claims: dict[str, Any],
    key: str,
    asked_cents: int | None,
    asked_at: datetime | None = None,
    currency: str | None = None,
) -> Withdrawal:
    """``POST /v1/withdrawals``: the same ``Idempotency-Key`` is the same withdrawal.
    ``asked_at``: when the person asked, where that was not now (a deleted account's last
    withdrawal, made by the payments worker)."""
    identity.require_strong_sign_in(claims, asked_at)
    user_id = str(claims["sub"])
    found = _record(user_id, key, asked_cents, currency)
    if found.state in FINAL:
        _settle(found)
        return found
    currency = currencies.of(found.currency)
    flight = ledger.withdrawing_account(found.withdrawal_id, currency)
    try:
        _move(found, "reserve", ledger.creator_account(user_id, currency), flight)
    except ledger.InsufficientBalance as spent:  # another withdrawal took it meanwhile
        _set_state(found, "failed", Withdrawal.failure.set("earnings_spent"))
        raise Invalid("amount: more than is earned now", field="body.amount") from spent
    if found.state == "pre":
        _set_state(found, "in_transit")
    transfer, failure = _transfer(found)
    if transfer is not None:
        converted = _converted(transfer, found)
        _set_state(found, "paid", Withdrawal.transfer_id.set(str(transfer["id"])), *converted)
    else:
        _set_state(found, "failed", Withdrawal.failure.set(failure or "refused"))
    _settle(found)
    _tell(found)
    return found


def reversed_(event: dict[str, Any]) -> str | None:
    """``transfer.reversed``: the money came back from the payout account to ours."""
    transfer = event["data"]["object"]
    wid = (transfer.get("metadata") or {}).get("withdrawal_id")
    try:
        found = Withdrawal.get(str(wid))
    except DoesNotExist:
        return None
    if found.state == "paid":
        _set_state(found, "reversed")
        _tell(found)
    if found.state == "reversed":
        _settle(found)
    return str(found.state)


def _tell(found: Withdrawal) -> None:
    subjects = {
        "paid": "Your Flattr earnings were withdrawn",
        "failed": "Your Flattr withdrawal could not be made",
        "reversed": "A Flattr withdrawal came back",
    }
    notices.tell(
        found.user_id,
        "withdrawal",
        subjects[found.state],
        amount=format_cents(int(found.amount_cents)),
        currency=currencies.of(found.currency),
        state=found.state,
    )


def mine(user_id: str) -> list[Withdrawal]:
    ensure_bound()
    return list(Withdrawal.by_user.query(user_id, scan_index_forward=False))

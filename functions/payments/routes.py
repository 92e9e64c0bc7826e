"""The payments API: top up (a Stripe Checkout Session), my pay-ins, Stripe's webhook."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from pydantic import BaseModel, ConfigDict, Field

from functions.common import currencies, idempotency
from functions.common.api import DomainRouter, current_user_id, jwt_claims
from functions.common.clock import rfc3339
from functions.common.errors import Invalid, Malformed, Unavailable
from functions.common.money import format_cents
from functions.common.settings import settings
from functions.core import identity, users
from functions.payments import (
    gateway,
    monthly,
    payins,
    payouts,
    refunds,
    webhooks,
    withdrawals,
)
from functions.payments.models import PayIn, Withdrawal

router = DomainRouter()
# Every money write's header: the same key answers the same (common/idempotency.py).
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=255)]


def _once(
    route: str, user_id: str, key: str, body: BaseModel, run: Callable[[], tuple[int, str]]
) -> Response[str]:
    """A money write under its ``Idempotency-Key`` (Powertools idempotency)."""
    request = body.model_dump(mode="json")
    return idempotency.once(route, user_id, key, request, run, router.lambda_context)


class MoneyIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: Annotated[str, Field(pattern=r"^[0-9]{1,6}(\.[0-9]{1,2})?$")]
    currency: str | None = None  # the person's own; another is refused on this field


class PayInRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: MoneyIn
    method: Literal["card", "sepa_debit"] = "card"


class PayInOut(BaseModel):
    id: str
    state: str
    amount: dict[str, str]
    method: str
    fee: dict[str, str] | None
    checkout_url: str | None
    created_at: str | None
    history: list[str]


class PayInList(BaseModel):
    items: list[PayInOut]
    cursor: str | None = None


def _own_currency(user_id: str, amount: MoneyIn) -> str:
    """The person's currency, which a pay-in, a refund and a withdrawal are in; an amount
    in another is refused on its field (never converted)."""
    own = users.currency_of(user_id)
    if amount.currency is not None and amount.currency != own:
        raise Invalid(
            f"must be {own}, the currency your balance is in",
            field="body.amount.currency",
            slug="validation-error",
        )
    return own


def _cents(amount: str) -> int:
    try:
        return int(Decimal(amount) * 100)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only decimals
        raise Malformed("is not an amount", field="body.amount.amount") from error


def _in_cents(cents: int, currency: str | None) -> dict[str, str]:
    """Whole cents of a payment's currency (absent on one from before: the books' first)."""
    return {"amount": format_cents(cents), "currency": currencies.of(currency)}


def _out(payin: PayIn) -> PayInOut:
    return PayInOut(
        id=payin.payin_id,
        state=payin.state,
        amount=_in_cents(int(payin.amount_cents), payin.currency),
        method=payin.method,
        fee=_in_cents(int(payin.fee_cents), payin.currency)
        if payin.fee_cents is not None
        else None,
        # Where to pay it: a new top-up's page, or a monthly charge that waits for its holder.
        checkout_url=(
            payin.checkout_url if payin.state in ("pre", "awaiting_payer_action") else None
        ),
        created_at=rfc3339(payin.created_at),
        history=[str(entry) for entry in payin.history or []],
    )


@router.post("/v1/payins")
def top_up(
    body: Annotated[PayInRequest, Body()],
    idempotency_key: IdempotencyKey,
) -> Response[str]:
    """A top-up through Stripe Checkout: answers the page where the person pays. The same
    ``Idempotency-Key`` answers the same pay-in (and never charges twice)."""
    user_id = current_user_id(router)
    currency = _own_currency(user_id, body.amount)
    top = payins.TopUp(_cents(body.amount.amount), body.method, currency)

    def run() -> tuple[int, str]:
        return 201, _out(payins.start(user_id, idempotency_key, top)).model_dump_json()

    return _once("POST /v1/payins", user_id, idempotency_key, body, run)


@router.get("/v1/payins")
def my_payins() -> PayInList:
    return PayInList(items=[_out(p) for p in payins.mine(current_user_id(router))])


class MonthlyRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    method: Literal["card", "sepa_debit"] = "card"


class MonthlyOut(BaseModel):
    state: str  # none | setting_up | active | stopped
    method: str | None
    stopped_reason: str | None
    checkout_url: str | None
    days_before_month_end: int | None  # when it is charged, if the balance is short


def _monthly(user_id: str) -> MonthlyOut:
    found = monthly.find(user_id)
    if found is None:
        return MonthlyOut(
            state="none",
            method=None,
            stopped_reason=None,
            checkout_url=None,
            days_before_month_end=None,
        )
    return MonthlyOut(
        state=found.state,
        method=found.method,
        stopped_reason=found.stopped_reason,
        checkout_url=found.checkout_url if found.state == "setting_up" else None,
        days_before_month_end=monthly.DAYS_BEFORE_MONTH_END[found.method],
    )


@router.get("/v1/payins/monthly")
def my_monthly_top_up() -> MonthlyOut:
    """My monthly top-up: charged before each split when the balance is short of the budget."""
    return _monthly(current_user_id(router))


@router.post("/v1/payins/monthly")
def set_up_monthly_top_up(
    body: Annotated[MonthlyRequest, Body()],
    idempotency_key: IdempotencyKey,
) -> Response[str]:
    """Save a card or a SEPA mandate at Stripe (Checkout in setup mode) for monthly top-ups;
    answers the page where it is saved. Saving another replaces the one before."""
    user_id = current_user_id(router)

    def run() -> tuple[int, str]:
        monthly.set_up(user_id, idempotency_key, body.method)
        return 201, _monthly(user_id).model_dump_json()

    return _once("POST /v1/payins/monthly", user_id, idempotency_key, body, run)


@router.delete("/v1/payins/monthly")
def stop_monthly_top_up() -> Response[Any]:
    """No more monthly charges; the saved card or mandate is removed at Stripe."""
    monthly.stop(current_user_id(router), "asked")
    return Response(status_code=204, body=None)


@router.post("/v1/payins/<payin_id>/checkout")
def finish_payin(payin_id: Annotated[str, Path(max_length=80)]) -> PayInOut:
    """A monthly charge that waits for me (my bank wants me, or my card expired): the
    Checkout page where I pay it."""
    return _out(monthly.finish(current_user_id(router), payin_id))


class RefundRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: MoneyIn | None = None  # default: all the unspent balance, in whole cents
    # Which balance (default: the amount's, else my own currency's); one a refund.
    currency: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None


class RefundOut(BaseModel):
    id: str
    state: str
    amount: dict[str, str]
    parts: list[dict[str, Any]]


@router.post("/v1/refunds")
def give_back(
    body: Annotated[RefundRequest, Body()],
    idempotency_key: IdempotencyKey,
) -> Response[str]:
    """Unspent balance back to the payment methods it came from, newest pay-ins first."""
    asked = _cents(body.amount.amount) if body.amount else None
    user_id = current_user_id(router)
    currency = _named_currency(body.currency, body.amount)

    def run() -> tuple[int, str]:
        done = refunds.refund(user_id, idempotency_key, asked, currency)
        out = RefundOut(
            id=done.refund_id,
            state=done.state,
            amount=_in_cents(int(done.amount_cents), done.currency),
            parts=[
                {"payin": p, "amount": _in_cents(int(c), done.currency)}
                for p, c in dict(done.parts).items()
            ],
        )
        return 201, out.model_dump_json()

    return _once("POST /v1/refunds", user_id, idempotency_key, body, run)


@router.post("/v1/payments/stripe/webhook", public=True)
def stripe_webhook(
    stripe_signature: Annotated[str, Header(alias="Stripe-Signature", max_length=2048)],
) -> dict[str, Any]:
    """Public, verified by Stripe's signature scheme (the SDK's ``construct_event``)."""
    import stripe

    payload = router.current_event.decoded_body or ""
    try:
        event = gateway.construct_event(payload.encode(), stripe_signature)
    except (ValueError, stripe.SignatureVerificationError) as refused:
        raise Malformed(
            "is not a valid Stripe signature for this body", field="header.Stripe-Signature"
        ) from refused
    if bool(event["livemode"]) != gateway.live():
        raise Malformed("does not match this deployment's Stripe mode", field="body.livemode")
    webhooks.enqueue(payload.encode())
    return {"received": True, "id": event["id"], "type": event["type"]}


class PayoutAccountRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None


class PayoutAccountOut(BaseModel):
    status: str  # none | onboarding | restricted | ready | disconnected
    details_submitted: bool
    payouts_enabled: bool
    requirements_due: list[str]
    earnings: dict[str, str]  # in my own currency
    minimum_withdrawal: dict[str, str]
    onboarding_url: str | None = None
    # Every currency I have earnings in (my own always): a withdrawal takes one of them.
    earnings_by_currency: list[dict[str, str]] = []


def _earnings(user_id: str, own: str) -> dict[str, int]:
    """Whole cents earned per currency: my own always, the others where there are some."""
    found = {own: withdrawals.earnings_cents(user_id, own)}
    for currency in currencies.CODES:
        cents = withdrawals.earnings_cents(user_id, currency) if currency != own else 0
        if cents:
            found[currency] = cents
    return found


def _payout_account(user_id: str, url: str | None = None) -> PayoutAccountOut:
    found = payouts.find(user_id)
    currency = users.currency_of(user_id)
    return PayoutAccountOut(
        status=payouts.status(found),
        details_submitted=bool(found and found.details_submitted),
        payouts_enabled=payouts.status(found) == "ready",
        requirements_due=[str(r) for r in (found.requirements_due if found else [])],
        earnings=_in_cents(withdrawals.earnings_cents(user_id, currency), currency),
        earnings_by_currency=[
            _in_cents(cents, c) for c, cents in _earnings(user_id, currency).items()
        ],
        minimum_withdrawal=_in_cents(
            currencies.scaled(settings().min_withdrawal_cents, currency), currency
        ),
        onboarding_url=url,
    )


@router.get("/v1/payouts/account")
def payout_account() -> PayoutAccountOut:
    """Where my earnings are paid to (a Stripe Express account) and what it still needs."""
    return _payout_account(current_user_id(router))


@router.post("/v1/payouts/account")
def set_up_payout_account(
    body: Annotated[PayoutAccountRequest, Body()],
    idempotency_key: IdempotencyKey,
) -> Response[str]:
    """The payout account (made once) and a fresh single-use link to Stripe's pages where
    it is set up or changed. Needs two-step sign-in, signed in with it in the last ten
    minutes; I am emailed about it."""
    identity.require_strong_sign_in(jwt_claims(router))
    user_id = current_user_id(router)

    def run() -> tuple[int, str]:
        started = payouts.onboard(user_id, body.country)
        return 201, _payout_account(user_id, started.url).model_dump_json()

    return _once("POST /v1/payouts/account", user_id, idempotency_key, body, run)


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: MoneyIn | None = None  # default: all the earnings, in whole cents
    # Which of my earnings (one currency a withdrawal; default: the amount's, else mine).
    currency: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None


class WithdrawalOut(BaseModel):
    id: str
    state: str
    amount: dict[str, str]
    failure: str | None
    created_at: str | None
    history: list[str]
    # What reached the payout account where Stripe converted it to the account's currency,
    # and Stripe's rate ("0.925926": one unit of ``amount``'s currency in the account's).
    converted: dict[str, str] | None = None
    exchange_rate: str | None = None


def _withdrawal(found: Withdrawal) -> WithdrawalOut:
    return WithdrawalOut(
        id=found.withdrawal_id,
        state=found.state,
        amount=_in_cents(int(found.amount_cents), found.currency),
        converted=(
            _in_cents(int(found.converted_cents), found.converted_currency)
            if found.converted_cents is not None
            else None
        ),
        exchange_rate=found.exchange_rate,
        failure=found.failure,
        created_at=rfc3339(found.created_at),
        history=[str(entry) for entry in found.history or []],
    )


@router.post("/v1/withdrawals")
def withdraw(
    body: Annotated[WithdrawalRequest, Body()],
    idempotency_key: IdempotencyKey,
) -> Response[str]:
    """Earnings to my payout account (a Stripe transfer). Needs two-step sign-in, signed
    in with it in the last ten minutes; I am emailed about each."""
    asked = _cents(body.amount.amount) if body.amount else None
    claims = jwt_claims(router)
    currency = _withdrawn_in(body)

    def run() -> tuple[int, str]:
        done = withdrawals.withdraw(claims, idempotency_key, asked, currency=currency)
        if done.state == "failed":
            raise Unavailable(
                f"Stripe refused the transfer ({done.failure}); the money is back in your earnings"
            )
        return 201, _withdrawal(done).model_dump_json()

    return _once("POST /v1/withdrawals", current_user_id(router), idempotency_key, body, run)


def _withdrawn_in(body: WithdrawalRequest) -> str | None:
    """The currency of the earnings a withdrawal takes, if the body names one (the
    amount's and the field's must agree); else the creator's own is taken."""
    return _named_currency(body.currency, body.amount)


def _named_currency(field: str | None, amount: MoneyIn | None) -> str | None:
    """The currency a body names for money kept per currency (a balance, earnings): the
    field's and the amount's, which must agree; None when it names none (one's own)."""
    named = {c for c in (field, amount.currency if amount else None) if c}
    if len(named) > 1:
        raise Invalid("the amount's currency and currency differ", field="body.currency")
    chosen = named.pop() if named else None
    if chosen is not None and not currencies.known(chosen):
        raise Invalid(f"must be one of {', '.join(currencies.CODES)}", field="body.currency")
    return chosen


@router.get("/v1/withdrawals")
def my_withdrawals() -> dict[str, Any]:
    return {
        "items": [_withdrawal(w).model_dump() for w in withdrawals.mine(current_user_id(router))]
    }


routers = [router]  # what the Lambda serves and the OpenAPI document describes

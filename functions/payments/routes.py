"""The payments API: top up (a Stripe Checkout Session), my pay-ins, Stripe's webhook."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from pydantic import BaseModel, ConfigDict, Field

from functions.common.api import current_user_id
from functions.common.clock import rfc3339
from functions.common.errors import Malformed
from functions.common.models import PayIn
from functions.payments import gateway, payins, refunds, webhooks

router = Router()


class MoneyIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: Annotated[str, Field(pattern=r"^\d{1,6}(\.\d{1,2})?$")]
    currency: Literal["EUR"] = "EUR"


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


def _cents(amount: str) -> int:
    try:
        return int(Decimal(amount) * 100)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only decimals
        raise Malformed("is not an amount", field="body.amount.amount") from error


def _euros(cents: int) -> dict[str, str]:
    return {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": "EUR"}


def _out(payin: PayIn) -> PayInOut:
    return PayInOut(
        id=payin.payin_id,
        state=payin.state,
        amount=_euros(int(payin.amount_cents)),
        method=payin.method,
        fee=_euros(int(payin.fee_cents)) if payin.fee_cents is not None else None,
        checkout_url=payin.checkout_url if payin.state == "pre" else None,
        created_at=rfc3339(payin.created_at),
        history=[str(entry) for entry in payin.history or []],
    )


@router.post("/v1/payins")
def top_up(
    body: Annotated[PayInRequest, Body()],
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=255)],
) -> Response[str]:
    """A top-up through Stripe Checkout: answers the page where the person pays. The same
    ``Idempotency-Key`` answers the same pay-in (and never charges twice)."""
    top = payins.TopUp(_cents(body.amount.amount), body.method)
    payin = payins.start(current_user_id(router), idempotency_key, top)
    return Response(
        status_code=201,
        content_type="application/json",
        body=_out(payin).model_dump_json(),
    )


@router.get("/v1/payins")
def my_payins() -> PayInList:
    return PayInList(items=[_out(p) for p in payins.mine(current_user_id(router))])


class RefundRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: MoneyIn | None = None  # default: all the unspent balance, in whole cents


class RefundOut(BaseModel):
    id: str
    state: str
    amount: dict[str, str]
    parts: list[dict[str, Any]]


@router.post("/v1/refunds")
def give_back(
    body: Annotated[RefundRequest, Body()],
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=255)],
) -> Response[str]:
    """Unspent balance back to the payment methods it came from, newest pay-ins first."""
    asked = _cents(body.amount.amount) if body.amount else None
    done = refunds.refund(current_user_id(router), idempotency_key, asked)
    out = RefundOut(
        id=done.refund_id,
        state=done.state,
        amount=_euros(int(done.amount_cents)),
        parts=[{"payin": p, "amount": _euros(int(c))} for p, c in dict(done.parts).items()],
    )
    return Response(status_code=201, content_type="application/json", body=out.model_dump_json())


@router.post("/v1/payments/stripe/webhook")
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
    webhooks.enqueue(payload.encode())
    return {"received": True, "id": event["id"], "type": event["type"]}


routers = [router]  # what the Lambda serves and the OpenAPI document describes

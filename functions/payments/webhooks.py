"""Stripe's events, as state syncs: which pay-in an event is about, then ``payins.sync``
(which asks Stripe again). The same event twice, two events for one payment, events out
of order or before the browser's redirect all end in the same single ledger movement.
Unknown event types are acknowledged and counted, never failed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.common.batches import each_record
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.payments import disputes, monthly, payins, payouts, withdrawals

logger = make_logger("payments")

PAYMENT_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "payment_intent.succeeded",
    "payment_intent.processing",
    "payment_intent.payment_failed",
    "payment_intent.requires_action",
}


@dataclass(frozen=True)
class Handled:
    event_type: str
    payin_id: str | None
    state: str | None


def _ids(event: Any) -> tuple[str | None, str | None, str | None]:
    """(our pay-in id, Stripe's PaymentIntent id, the Checkout Session's id or None) of a
    payment event's object, as the event names them (``payins.sync`` checks them)."""
    found = event["data"]["object"]
    metadata = found.get("metadata") or {}
    if str(event["type"]).startswith("checkout.session."):
        payin_id = metadata.get("payin_id") or found.get("client_reference_id")
        return payin_id, found.get("payment_intent"), found.get("id")
    return metadata.get("payin_id"), found.get("id"), None


DISPUTE_EVENTS = {
    "charge.dispute.created": disputes.opened,
    "charge.dispute.closed": disputes.closed,
}
# Connect's events (about a connected account: ``event.account``) and transfers'.
PAYOUT_EVENTS = {
    "account.updated": payouts.updated,
    "account.application.deauthorized": payouts.deauthorized,
    "transfer.reversed": withdrawals.reversed_,
}


def handle(event: dict[str, Any]) -> Handled:
    """One verified event (as the webhook queued it)."""
    if event["type"] in DISPUTE_EVENTS:
        found = event["data"]["object"]
        return Handled(str(event["type"]), None, DISPUTE_EVENTS[event["type"]](found))
    if event["type"] in PAYOUT_EVENTS:
        return Handled(str(event["type"]), None, PAYOUT_EVENTS[event["type"]](event))
    found = event["data"]["object"]
    if event["type"] == "checkout.session.completed" and found.get("mode") == "setup":
        return Handled(str(event["type"]), None, monthly.saved(found))
    if event["type"] not in PAYMENT_EVENTS:
        return Handled(str(event["type"]), None, None)
    payin_id, intent_id, session_id = _ids(event)
    if not payin_id or not intent_id:
        return Handled(str(event["type"]), payin_id, None)  # not one of ours, or no payment yet
    try:
        state = payins.sync(payin_id, intent_id, session_id)
    except payins.NotThisPayIn:
        # Signed, but naming one pay-in with another's payment: refused and written down
        # for reconciliation; sending it again would change nothing, so it is not retried.
        logger.warning("payment event refused", extra={"event_type": event["type"]})
        return Handled(str(event["type"]), payin_id, "refused")
    return Handled(str(event["type"]), payin_id, state)


def enqueue(payload: bytes) -> None:
    """The webhook's part once the signature is verified: hand the event to the queue (the
    worker may retry it; after five failures it waits in the dead-letter queue, alarmed)."""
    boto3.client("sqs").send_message(
        QueueUrl=settings().stripe_events_queue_url, MessageBody=payload.decode()
    )


def process_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """The worker: an SQS batch of verified events. A record that fails is reported so
    that SQS retries it alone; the rest of the batch is done."""
    counts = {"handled": 0, "ignored": 0}

    def handle_one(record: SQSRecord) -> None:
        try:
            outcome = handle(json.loads(record.body))
        except Exception as error:
            logger.warning("stripe event failed", extra={"error_type": type(error).__name__})
            raise
        counts["ignored" if outcome.state is None else "handled"] += 1

    failures = each_record(batch, handle_one)
    return {"batchItemFailures": failures, **counts}

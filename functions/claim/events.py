"""SES events (through SNS into SQS): hard bounces and complaints suppress the address
for good. Only a keyed hash of the address is kept."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pynamodb.exceptions import DoesNotExist

from functions.claim.models import EmailState, Suppression
from functions.common import clock
from functions.common.batches import each_record
from functions.common.hashing import keyed_hash
from functions.common.storage import ensure_bound


def address_hash(address: str) -> str:
    """How the suppression list and unsubscribe tokens name an address: a keyed hash."""
    return keyed_hash(address.strip().lower())


def suppress(address: str, reason: str) -> None:
    suppress_hash(address_hash(address), reason)


def is_suppressed(address: str) -> bool:
    ensure_bound()
    try:
        Suppression.get(address_hash(address))
    except DoesNotExist:
        return False
    return True


def suppress_hash(address_hash: str, reason: str) -> None:
    ensure_bound()
    Suppression(address_hash, reason=reason, at=clock.now()).save()


def unsubscribe(recipient: str, address_hash: str) -> None:
    """The address is never written to again, and nobody writes about ``recipient``."""
    suppress_hash(address_hash, "unsubscribe")
    ensure_bound()
    EmailState(recipient).update(actions=[EmailState.suppressed.set(True)])


def addresses_to_suppress(ses_event: dict[str, Any]) -> list[tuple[str, str]]:
    kind = str(ses_event.get("eventType") or ses_event.get("notificationType") or "")
    if kind == "Bounce":
        bounce = ses_event.get("bounce", {})
        if bounce.get("bounceType") != "Permanent":
            return []  # a full mailbox is not a reason to stop for ever
        return [(r["emailAddress"], "bounce") for r in bounce.get("bouncedRecipients", [])]
    if kind == "Complaint":
        complaint = ses_event.get("complaint", {})
        return [(r["emailAddress"], "complaint") for r in complaint.get("complainedRecipients", [])]
    return []


def email_events(event: dict[str, Any]) -> dict[str, Any]:
    """The SQS batch of SES events; a record that cannot be read is reported as failed
    (SQS retries it, then moves it to the dead-letter queue)."""
    suppressed = 0

    def suppress_all(record: SQSRecord) -> None:
        nonlocal suppressed
        envelope = json.loads(record.body)
        ses_event = json.loads(envelope["Message"]) if "Message" in envelope else envelope
        for address, reason in addresses_to_suppress(ses_event):
            suppress(address, reason)
            suppressed += 1

    failures = each_record(event, suppress_all)
    return {"batchItemFailures": failures, "suppressed": suppressed}

"""The owner-lookup worker: each queued lookup asked of its provider once, its answer kept,
and the flattrs waiting for it settled (``core/ownership/settle.py``). A lookup the
provider cannot answer now is reported failed, so that SQS brings it back later; after
five tries it waits in the dead-letter queue, and the split falls back for it."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.common import clock
from functions.common.batches import each_record
from functions.common.observability import make_logger
from functions.core.ownership.resolve import Lookup
from functions.core.ownership.settle import settle
from functions.core.platforms.http import LookupFailed

logger = make_logger("track")


def process_batch(batch: dict[str, Any]) -> dict[str, Any]:
    settled = 0

    def settle_one(record: SQSRecord) -> None:
        nonlocal settled
        body = json.loads(record.body)
        lookup = Lookup(str(body["platform"]), str(body["kind"]), str(body["reference"]))
        try:
            settled += settle(lookup, now=clock.now(), month=str(body.get("month") or "") or None)
        except LookupFailed as error:
            logger.info("owner lookup deferred", extra={"why": str(error)})
            raise
        except Exception as error:
            logger.warning("owner lookup failed", extra={"error_type": type(error).__name__})
            raise

    failures = each_record(batch, settle_one)
    return {"batchItemFailures": failures, "settled": settled}

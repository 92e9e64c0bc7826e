"""The owner-lookup worker: each queued lookup asked of its provider once, its answer kept,
and the flattrs waiting for it settled (``core/ownership/settle.py``). A lookup the
provider cannot answer now is reported failed, so that SQS brings it back later; after
five tries it waits in the dead-letter queue, and the split falls back for it."""

from __future__ import annotations

import json
from typing import Any

from functions.common import clock
from functions.common.observability import make_logger
from functions.core.ownership.lookups import LookupFailed
from functions.core.ownership.resolve import Lookup
from functions.core.ownership.settle import settle

logger = make_logger("track")


def process_batch(batch: dict[str, Any]) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    settled = 0
    for record in batch.get("Records", []):
        try:
            body = json.loads(record["body"])
            lookup = Lookup(str(body["platform"]), str(body["kind"]), str(body["reference"]))
            settled += settle(lookup, now=clock.now(), month=str(body.get("month") or "") or None)
        except LookupFailed as error:
            logger.info("owner lookup deferred", extra={"why": str(error)})
            failures.append({"itemIdentifier": str(record.get("messageId", ""))})
        except Exception as error:
            logger.warning("owner lookup failed", extra={"error_type": type(error).__name__})
            failures.append({"itemIdentifier": str(record.get("messageId", ""))})
    return {"batchItemFailures": failures, "settled": settled}

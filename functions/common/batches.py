"""SQS batches through Powertools' ``BatchProcessor``: each record handled on its own, and
the ones that raised reported back (``batchItemFailures``), so that SQS brings back only
those; after their queue's tries they wait in its dead-letter queue. A batch whose every
record failed is reported the same way, not raised: the queue retries the same records."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def each_record(batch: dict[str, Any], handle: Callable[[SQSRecord], None]) -> list[dict[str, str]]:
    """Run ``handle`` on every record of the SQS ``batch``; answers the failed ones as
    ``[{"itemIdentifier": messageId}]``."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    answer = process_partial_response(event=batch, record_handler=handle, processor=processor)
    return [
        {"itemIdentifier": str(item["itemIdentifier"])}
        for item in answer.get("batchItemFailures", [])
    ]


def each_body(
    handle: Callable[[dict[str, Any]], Mapping[str, int]],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A queue's job: ``handle`` on each record's JSON body, the counts it answers summed
    into the job's summary, the records that raised reported failed (SQS retries them)."""

    def job(batch: dict[str, Any]) -> dict[str, Any]:
        done: Counter[str] = Counter()

        def one(record: SQSRecord) -> None:
            done.update(handle(json.loads(record.body)))

        return {"batchItemFailures": each_record(batch, one), **done}

    return job

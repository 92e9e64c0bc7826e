"""The local stack's queues and their consumers: what Lambda's SQS event source mapping
does in AWS. Messages are received from the emulator's queue, handed to the same worker
handler as a batch in SQS's event shape (message attributes included: ``job``), and
deleted unless the handler reports them failed (then they come back after their
visibility timeout, as in AWS). The topic of account deletions delivers to its domains'
queues as SNS does (raw delivery), in the emulator (``infra/deletions.py``)."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from local.gateway import invoke

# Seconds between polls of a queue that just had messages, and at most of an idle one.
BUSY_PAUSE, IDLE_PAUSE = 0.25, 1.0

# The domains erasing a deleted account's data, each from its queue on the topic.
ERASING_DOMAINS = ("account", "claim", "connections", "track")
DELETED_TOPIC = "flattr-account-deleted"

# Queues and the handler that consumes each: (queue name, domain, handler entry).
CONSUMERS = (
    ("flattr-stripe-events", "payments", "events_handler"),
    ("flattr-owner-lookups", "track", "events_handler"),
    ("flattr-account-leaving", "payments", "events_handler"),
    *((f"flattr-account-erasing-{d}", d, "events_handler") for d in ERASING_DOMAINS),
)


def create_queues() -> dict[str, str]:
    """The queues, created in the emulator, and the deletions' topic with its domains'
    queues subscribed; their URLs by name, and the topic's ARN by its name."""
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name, _, _ in CONSUMERS}
    topic = sns.create_topic(Name=DELETED_TOPIC)["TopicArn"]
    for domain in ERASING_DOMAINS:
        url = urls[f"flattr-account-erasing-{domain}"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=arn["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true"},
        )
    return {**urls, DELETED_TOPIC: topic}


def _attributes(message: dict[str, Any]) -> dict[str, dict[str, str]]:
    """SQS's message attributes as a Lambda event has them."""
    return {
        name: {"stringValue": value["StringValue"], "dataType": value["DataType"]}
        for name, value in (message.get("MessageAttributes") or {}).items()
        if "StringValue" in value
    }


def drain(
    queue_url: str, domain: str, entry: str, wait_seconds: int = 0, visibility_seconds: int = 30
) -> int:
    """Hand every message now in the queue to the handler; answers how many it took. A
    message the handler failed comes back after ``visibility_seconds``."""
    sqs = boto3.client("sqs")
    taken = 0
    while True:
        received = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            VisibilityTimeout=visibility_seconds,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return taken
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "messageAttributes": _attributes(m),
            }
            for m in received
        ]
        answer: Any = invoke(domain, entry, {"Records": records})
        failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
        for record in records:
            if record["messageId"] not in failed:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
        taken += len(records) - len(failed)
        if failed:
            return taken  # the failed ones come back later, not in a tight loop


class Pump:
    """A thread per queue, polling it, as the event source mapping would."""

    def __init__(self, urls: dict[str, str]) -> None:
        missing = {name for name, _, _ in CONSUMERS} - set(urls)
        if missing:
            raise ValueError(f"no queue URL for {sorted(missing)}")
        self._urls = urls
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._loop, args=consumer, name=f"pump-{consumer[0]}", daemon=True
            )
            for consumer in CONSUMERS
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self, name: str, domain: str, entry: str) -> None:
        # Short polls with a pause between them: the emulator answers one request at a
        # time, and a long poll would hold it for everyone else. An idle queue is asked
        # less often (down to once a second), one that just had messages every 0.25 s.
        pause = BUSY_PAUSE
        while not self._stop.wait(pause):
            try:
                taken = drain(self._urls[name], domain, entry)
            except Exception:
                taken = 0
                self._stop.wait(1)
            pause = BUSY_PAUSE if taken else min(pause * 2, IDLE_PAUSE)

"""What the queues' workers do after ``DELETE /v1/me`` (in AWS, Lambda's event source
mappings; on the local stack, its pump): the money leaves, then each domain erases."""

from __future__ import annotations

import boto3

from functions.common.settings import settings
from local.queues import CONSUMERS, drain


def erasing_queues() -> list[tuple[str, str, str]]:
    """(queue URL, domain, entry) of each domain's queue of account deletions."""
    sqs = boto3.client("sqs")
    return [
        (sqs.get_queue_url(QueueName=name)["QueueUrl"], domain, entry)
        for name, domain, entry in CONSUMERS
        if name.startswith("flattr-account-erasing-")
    ]


def money_leaves() -> int:
    """The payments worker takes the deletions queued; answers how many."""
    return drain(settings().account_leaving_queue_url, "payments", "events_handler")


def domains_erase(visibility_seconds: int = 30) -> dict[str, int]:
    """Each domain's worker takes the deletions announced; answers how many, by domain (a
    failed one comes back after ``visibility_seconds``)."""
    return {
        domain: drain(url, domain, entry, visibility_seconds=visibility_seconds)
        for url, domain, entry in erasing_queues()
    }


def finish_deletions() -> None:
    money_leaves()
    domains_erase()

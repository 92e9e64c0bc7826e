"""Events between domains, without one importing another: a message to one domain's queue,
or one announced on a topic whose every subscribed queue (one per domain) receives it (SNS,
raw delivery). Each carries its job's name as the message attribute ``job``, by which the
receiving Lambda picks the job (``common/handler.job_handler``); the body is JSON."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

JOB = "job"  # the message attribute naming the job a message is for

# Deleting an account: first its money leaves (the payments worker, from the account API's
# request); then every domain erases its own data (announced by the payments worker).
ACCOUNT_LEAVING = "account-leaving"
ACCOUNT_DELETED = "account-deleted"


# boto3 is imported where a message is sent: every job handler reads ``job_of`` at its cold
# start, and most never send one.
@cache
def _sqs() -> Any:
    import boto3

    return boto3.client("sqs")


@cache
def _sns() -> Any:
    import boto3

    return boto3.client("sns")


def _attributes(job: str) -> dict[str, dict[str, str]]:
    return {JOB: {"DataType": "String", "StringValue": job}}


def send(queue_url: str, job: str, body: dict[str, Any]) -> None:
    """``body`` to the queue at ``queue_url``, for its Lambda's ``job``."""
    _sqs().send_message(
        QueueUrl=queue_url, MessageBody=json.dumps(body), MessageAttributes=_attributes(job)
    )


def announce(topic_arn: str, job: str, body: dict[str, Any]) -> None:
    """``body`` to every queue subscribed to the topic at ``topic_arn``, for ``job``."""
    _sns().publish(TopicArn=topic_arn, Message=json.dumps(body), MessageAttributes=_attributes(job))


def job_of(event: dict[str, Any]) -> str | None:
    """The job an SQS batch is for (its records come from one queue: the first one's), or
    None for a batch whose messages name none."""
    records = event.get("Records") or []
    if not records:
        return None
    attributes = records[0].get("messageAttributes") or {}
    value = (attributes.get(JOB) or {}).get("stringValue")
    return str(value) if value else None

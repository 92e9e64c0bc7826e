"""A queue of work for a Lambda: SSL only, encrypted, five tries and then a dead-letter
queue whose first message raises an alarm. Made in the caller's scope (ids ``Queue``,
``DeadLetters``, ``Stuck``), so the resources keep their logical ids where they began."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct


@dataclass(frozen=True)
class WorkQueue:
    queue: sqs.Queue
    dead_letters: sqs.Queue
    alarm: cloudwatch.Alarm


def work_queue(
    scope: Construct,
    *,
    worker: lambda_.IFunction,
    stuck: str,
    max_concurrency: int | None = None,
) -> WorkQueue:
    """The queue ``worker`` drains (ten at a time, failures reported one by one); ``stuck``
    describes the alarm of its dead-letter queue."""
    dead_letters = sqs.Queue(
        scope,
        "DeadLetters",
        retention_period=Duration.days(14),
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
    )
    queue = sqs.Queue(
        scope,
        "Queue",
        visibility_timeout=Duration.seconds(6 * 900),  # six times the worker's timeout
        retention_period=Duration.days(4),
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=dead_letters),
    )
    worker.add_event_source(
        sources.SqsEventSource(
            queue,
            batch_size=10,
            report_batch_item_failures=True,
            max_concurrency=max_concurrency,
        )
    )
    alarm = cloudwatch.Alarm(
        scope,
        "Stuck",
        alarm_description=stuck,
        metric=dead_letters.metric_approximate_number_of_messages_visible(
            period=Duration.minutes(5)
        ),
        threshold=0,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    return WorkQueue(queue, dead_letters, alarm)

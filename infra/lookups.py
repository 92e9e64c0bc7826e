"""Owner lookups: the track API queues each lookup its flattrs wait for; the track worker
(``events_handler``) asks the platform and settles them; five failures move a lookup to the
dead-letter queue (the split falls back for it), whose messages raise an alarm."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# The worker's concurrency: providers see at most this many of our lookups at once (with
# the per-host rate limit and circuit breaker in each worker, core/ownership/lookups.py).
WORKER_CONCURRENCY = 2


class OwnerLookups(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: lambda_.Function,
        worker: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            retention_period=Duration.days(14),
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            visibility_timeout=Duration.seconds(6 * 900),  # six times the worker's timeout
            retention_period=Duration.days(4),
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=self.dead_letters),
        )
        self.queue.grant_send_messages(api)
        api.add_environment("OWNER_LOOKUPS_QUEUE_URL", self.queue.queue_url)
        worker.add_event_source(
            sources.SqsEventSource(
                self.queue,
                batch_size=10,
                report_batch_item_failures=True,
                max_concurrency=WORKER_CONCURRENCY,
            )
        )
        self.alarm = cloudwatch.Alarm(
            self,
            "Stuck",
            alarm_description=(
                "An owner lookup failed five times; its flattrs fall back at the split"
            ),
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5)
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

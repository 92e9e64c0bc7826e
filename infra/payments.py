"""Stripe's events: the webhook (in the payments API Lambda) verifies each and queues it;
the payments ``events_handler`` works the queue; five failures move an event to the
dead-letter queue, whose first message raises an alarm."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class PaymentEvents(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        webhook: lambda_.Function,
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
        self.queue.grant_send_messages(webhook)
        webhook.add_environment("STRIPE_EVENTS_QUEUE_URL", self.queue.queue_url)
        worker.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )
        self.alarm = cloudwatch.Alarm(
            self,
            "Stuck",
            alarm_description="A Stripe event failed five times: it waits in the dead-letter queue",
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5)
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        # Reconciliation (functions/payments/reconcile.py) counts what does not add up
        # between Stripe's balance and the ledger: any at all is an operator's question.
        self.mismatch_alarm = cloudwatch.Alarm(
            self,
            "Mismatch",
            alarm_description="Stripe's balance and the ledger disagree: flattr payments reconcile",
            metric=cloudwatch.Metric(
                namespace="Flattr",
                metric_name="ReconciliationMismatches",
                dimensions_map={"service": "payments"},
                statistic="Maximum",
                period=Duration.days(1),
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

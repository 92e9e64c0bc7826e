"""Stripe's events: the webhook (in the payments API Lambda) verifies each and queues it;
the payments ``events_handler`` works the queue; five failures move an event to the
dead-letter queue, whose first message raises an alarm."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.work_queue import work_queue


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
        work = work_queue(
            self,
            worker=worker,
            stuck="A Stripe event failed five times: it waits in the dead-letter queue",
        )
        self.queue, self.dead_letters, self.alarm = work.queue, work.dead_letters, work.alarm
        self.queue.grant_send_messages(webhook)
        webhook.add_environment("STRIPE_EVENTS_QUEUE_URL", self.queue.queue_url)
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

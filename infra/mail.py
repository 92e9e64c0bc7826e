"""Mail events: SES reports bounces and complaints to an SNS topic, a queue holds them
for the claim domain's ``events_handler`` (which suppresses those addresses for good);
opens, clicks and deliveries are counted by SES in CloudWatch, in aggregate only."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.topics import topic_key


class MailEvents(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        configuration_set: ses.ConfigurationSet,
        handler: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        key = topic_key(self, "SES bounce and complaint events", "ses.amazonaws.com")
        self.topic = sns.Topic(self, "Events", master_key=key, enforce_ssl=True)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            retention_period=Duration.days(14),
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            visibility_timeout=Duration.seconds(6 * 900),
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=self.dead_letters),
        )
        self.topic.add_subscription(subscriptions.SqsSubscription(self.queue))
        configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(self.topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        configuration_set.add_event_destination(
            "AggregateCounts",
            destination=ses.EventDestination.cloud_watch_dimensions(
                [
                    ses.CloudWatchDimension(
                        name="mail",
                        source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                        default_value="unclaimed",
                    )
                ]
            ),
            events=[
                ses.EmailSendingEvent.SEND,
                ses.EmailSendingEvent.DELIVERY,
                ses.EmailSendingEvent.OPEN,
                ses.EmailSendingEvent.CLICK,
            ],
        )
        handler.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )

"""Deleting an account, as events (``functions/account/deletion.py``): the account API
queues the deletion for the payments worker (the account's money leaves first), which
announces it on a topic; each domain's worker has its queue of deletions subscribed to
that topic (raw delivery: the message attribute ``job`` names the job) and erases its own
data. Every queue: five tries, then a dead-letter queue whose first message raises an
alarm."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.topics import topic_key
from infra.work_queue import work_queue

# The domains whose workers erase their own data of a deleted account.
ERASING_DOMAINS = ("account", "claim", "connections", "track")


class AccountDeletions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: lambda_.Function,
        money_worker: lambda_.Function,
        workers: dict[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        leaving = work_queue(
            Construct(self, "Leaving"),
            worker=money_worker,
            stuck="A deleted account's money failed to leave five times: its data waits",
        )
        leaving.queue.grant_send_messages(api)
        api.add_environment("ACCOUNT_LEAVING_QUEUE_URL", leaving.queue.queue_url)
        key = topic_key(self, "account deletions announced to the domains")
        self.topic = sns.Topic(self, "Deleted", master_key=key, enforce_ssl=True)
        # Granted by hand: ``grant_publish`` would grant ``kms:GenerateDataKey*``.
        money_worker.add_to_role_policy(
            iam.PolicyStatement(actions=["sns:Publish"], resources=[self.topic.topic_arn])
        )
        key.grant(money_worker, "kms:GenerateDataKey", "kms:Decrypt")
        money_worker.add_environment("ACCOUNT_DELETED_TOPIC_ARN", self.topic.topic_arn)
        self.dead_letters: dict[str, sqs.IQueue] = {"payments": leaving.dead_letters}
        self.queues: dict[str, sqs.IQueue] = {"payments": leaving.queue}
        for domain in ERASING_DOMAINS:
            erasing = work_queue(
                Construct(self, f"{domain.title()}Erasing"),
                worker=workers[domain],
                stuck=f"The {domain} domain failed five times to erase a deleted account's data",
            )
            self.topic.add_subscription(
                subscriptions.SqsSubscription(erasing.queue, raw_message_delivery=True)
            )
            self.queues[domain] = erasing.queue
            self.dead_letters[domain] = erasing.dead_letters

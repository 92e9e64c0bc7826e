"""SNS topics' encryption at rest: one KMS key per topic, usable by SNS and by the AWS
services that publish to it."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


def topic_key(scope: Construct, description: str, *publishers: str) -> kms.Key:
    """A rotating key (id ``TopicKey`` in ``scope``) for a topic; ``publishers``: the
    service principals that publish to it besides SNS itself."""
    key = kms.Key(
        scope,
        "TopicKey",
        description=description,
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.DESTROY,
    )
    for service in (*publishers, "sns.amazonaws.com"):
        key.grant(iam.ServicePrincipal(service), "kms:GenerateDataKey*", "kms:Decrypt")
    return key

"""cdk-nag AwsSolutions findings we accept, each on the construct it concerns, with its reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

from functions.deployment import CATCH_ALL, ROUTES

if TYPE_CHECKING:
    from infra.stack import FlattrStack

RULE = "AwsSolutions::AwsSolutions-"


def _ack(scope: IConstruct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=RULE + rule, reason=reason))


def _acknowledge_site(stack: FlattrStack) -> None:
    site = stack.site
    private = (
        "Access logs would store every requested URL, query strings included (pages flattred, "
        "claim tokens): the privacy rules keep URLs and tokens out of logs. The API's own "
        "access log records route keys and statuses only."
    )
    _ack(site.bucket, "S1", private)
    _ack(site.distribution, "CFR3", private)
    _ack(site.distribution, "CFR1", "The service is open worldwide: no country is refused.")
    _ack(
        site.distribution,
        "CFR2",
        "The API behind it throttles per stage and refuses bad input with a 4xx; a WAF web "
        "ACL for CloudFront lives in us-east-1 and can be attached by operators.",
    )
    if not stack.certificate_arn:
        _ack(
            site.distribution,
            "CFR4",
            "Without certificate_arn (a synth or a test) CloudFront's default certificate is "
            "used, which cannot set a minimum TLS version; deployments pass certificate_arn "
            "and get TLS 1.2 (2021 policy).",
        )
    bucket = Stack.of(site.bucket).get_logical_id(site.bucket.node.default_child)  # type: ignore[arg-type]
    assets = f"arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-{stack.account}-{stack.region}/*"
    findings = (
        "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        *(
            f"IAM5[Action::s3:{a}*]"
            for a in ("Abort", "DeleteObject", "GetBucket", "GetObject", "List")
        ),
        "IAM5[Resource::*]",
        f"IAM5[Resource::<{bucket}.Arn>/*]",
        f"IAM5[Resource::{assets}]",
        "L1",
    )
    for child in stack.node.children:
        if child.node.id.startswith("Custom::CDKBucketDeployment"):
            for rule in findings:
                _ack(
                    child,
                    rule,
                    "CDK's BucketDeployment handler (its own role, grants and runtime): it copies "
                    "the built website from the asset bucket to the site bucket at deploy time.",
                )


def acknowledge(stack: FlattrStack) -> None:
    _acknowledge_site(stack)
    _ack(
        stack.user_pool,
        "COG2",
        "MFA (TOTP) is optional for giving, and required in the app for money leaving: "
        "withdrawals and payout account changes need TOTP on and a sign-in with it within "
        "ten minutes (functions/core/identity.py).",
    )
    _ack(
        stack.user_pool,
        "COG8",
        "The Plus feature plan's threat protection costs per user; sign-in risk is low "
        "(money leaves only after a recent TOTP sign-in) and can be enabled by an "
        "operator later.",
    )
    _ack(
        stack.url_hash_secret,
        "SMG4",
        "Rotating the URL-hash key would split a day's attention across two keys; what it "
        "protects expires within 30 days (TTL), so it is rotated by redeploying, not on a timer.",
    )
    for route in stack.api.http_api.node.children:
        if route.node.id in {
            f"{r.method}{r.path.replace('/', '--')}" for r in ROUTES + CATCH_ALL if r.public
        }:
            _ack(route, "APIG4", "Public by contract (docs/api): needs no sign-in.")
    _ack(
        stack.payment_events.dead_letters,
        "SQS3",
        "This queue is the dead-letter queue of the Stripe events queue.",
    )
    _ack(
        stack.owner_lookups.dead_letters,
        "SQS3",
        "This queue is the dead-letter queue of the owner-lookups queue.",
    )
    _ack(
        stack.mail_events.dead_letters,
        "SQS3",
        "This queue is the dead-letter queue of the mail-events queue.",
    )
    for domain, queue in stack.account_deletions.dead_letters.items():
        _ack(queue, "SQS3", f"This queue is the dead-letter queue of {domain}'s account deletions.")
    for queue in stack.schedules.dead_letters.values():
        _ack(queue, "SQS3", "This queue is the dead-letter queue of an EventBridge schedule.")
    jobs_arns = [
        Stack.of(f).get_logical_id(f.node.default_child)  # type: ignore[arg-type]
        for f in stack.functions.jobs.values()
    ]
    for machine in stack.schedules.state_machines.values():
        _ack(
            machine.role,
            "IAM5[Resource::*]",
            "X-Ray and CloudWatch Logs delivery support no resource scope.",
        )
        for logical_id in jobs_arns:
            _ack(
                machine.role,
                f"IAM5[Resource::<{logical_id}.Arn>:*]",
                "Invoking the job Lambda's versions and aliases (CDK's LambdaInvoke grant).",
            )
    for child in stack.node.children:
        if child.node.id.startswith("SchedulerRoleForTarget"):
            for logical_id in jobs_arns:
                _ack(
                    child,
                    f"IAM5[Resource::<{logical_id}.Arn>:*]",
                    "EventBridge Scheduler invokes the job Lambda's versions (CDK's grant).",
                )
    for function in (
        *stack.functions.api.values(),
        *stack.functions.jobs.values(),
        *stack.functions.events.values(),
        stack.functions.authorizer,
    ):
        role = function.role
        if role is None:
            continue
        _ack(
            role,
            f"IAM5[Resource::arn:<AWS::Partition>:secretsmanager:{stack.region}:{stack.account}"
            ":secret:flattr/oauth/*]",
            "One OAuth client secret per platform, added by operators; names share a prefix.",
        )
        _ack(
            role,
            "IAM5[Resource::*]",
            "X-Ray tracing (PutTraceSegments, PutTelemetryRecords) supports no resource scope.",
        )
        for table in stack.tables.by_name.values():
            logical_id = Stack.of(table).get_logical_id(table.node.default_child)  # type: ignore[arg-type]
            _ack(
                role,
                f"IAM5[Resource::<{logical_id}.Arn>/index/*]",
                "Query on the table's own global secondary indexes (granted per table).",
            )

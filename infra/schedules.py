"""EventBridge Scheduler schedules for the jobs, with dead-letter queues and alarms."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.routes import JOBS


class Schedules(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, functions: dict[str, lambda_.IFunction]
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters: dict[str, sqs.Queue] = {}
        self.alarms: list[cloudwatch.Alarm] = []
        for job in JOBS:
            name = job.name.title().replace("-", "")
            dead_letters = sqs.Queue(
                self,
                f"{name}DeadLetters",
                retention_period=Duration.days(14),
                enforce_ssl=True,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
            )
            self.dead_letters[job.name] = dead_letters
            function = functions[job.domain]
            scheduler.Schedule(
                self,
                f"{name}Schedule",
                description=f"runs the {job.name} job",
                schedule=scheduler.ScheduleExpression.expression(job.schedule.aws_expression()),
                target=targets.LambdaInvoke(
                    function,
                    input=scheduler.ScheduleTargetInput.from_object(
                        {"job": job.name, "scheduled_at": scheduler.ContextAttribute.scheduled_time}
                    ),
                    dead_letter_queue=dead_letters,
                    retry_attempts=2,
                    max_event_age=Duration.hours(1),
                ),
            )
            self.alarms.append(
                cloudwatch.Alarm(
                    self,
                    f"{name}DeadLetterAlarm",
                    alarm_description=f"{job.name}: an invocation gave up and went to the DLQ",
                    metric=dead_letters.metric_approximate_number_of_messages_visible(
                        period=Duration.minutes(5)
                    ),
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )
            self.alarms.append(
                cloudwatch.Alarm(
                    self,
                    f"{name}ErrorAlarm",
                    alarm_description=f"{job.name}: the job's Lambda failed",
                    metric=function.metric_errors(period=Duration.minutes(15)),
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
            )

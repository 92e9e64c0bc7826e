"""EventBridge Scheduler schedules for the jobs, dead-letter queues and alarms; the
monthly split as a Step Functions state machine (a Map over shards, Lambda workers)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from functions.common.settings import Settings
from functions.deployment import JOBS, Job


def _alarm(
    scope: Construct, construct_id: str, description: str, metric: cloudwatch.IMetric
) -> cloudwatch.Alarm:
    return cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=description,
        metric=metric,
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


class Schedules(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, functions: dict[str, lambda_.IFunction]
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters: dict[str, sqs.Queue] = {}
        self.alarms: list[cloudwatch.Alarm] = []
        self.state_machines: dict[str, sfn.StateMachine] = {}
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
            payload = scheduler.ScheduleTargetInput.from_object(
                {"job": job.name, "scheduled_at": scheduler.ContextAttribute.scheduled_time}
            )
            target: scheduler.IScheduleTarget
            if job.fan_out:
                machine = self._fan_out_machine(name, job, function)
                self.state_machines[job.name] = machine
                target = targets.StepFunctionsStartExecution(
                    machine, input=payload, dead_letter_queue=dead_letters, retry_attempts=2
                )
                self.alarms.append(
                    _alarm(
                        self,
                        f"{name}FailedAlarm",
                        f"{job.name}: an execution failed",
                        machine.metric_failed(period=Duration.minutes(15)),
                    )
                )
            else:
                target = targets.LambdaInvoke(
                    function,
                    input=payload,
                    dead_letter_queue=dead_letters,
                    retry_attempts=2,
                    max_event_age=Duration.hours(1),
                )
            scheduler.Schedule(
                self,
                f"{name}Schedule",
                description=f"runs the {job.name} job",
                schedule=scheduler.ScheduleExpression.expression(job.schedule.aws_expression()),
                target=target,
            )
            self.alarms.append(
                _alarm(
                    self,
                    f"{name}DeadLetterAlarm",
                    f"{job.name}: an invocation gave up and went to the DLQ",
                    dead_letters.metric_approximate_number_of_messages_visible(
                        period=Duration.minutes(5)
                    ),
                )
            )
            self.alarms.append(
                _alarm(
                    self,
                    f"{name}ErrorAlarm",
                    f"{job.name}: the job's Lambda failed",
                    function.metric_errors(period=Duration.minutes(15)),
                )
            )

    def _fan_out_machine(
        self, name: str, job: Job, function: lambda_.IFunction
    ) -> sfn.StateMachine:
        def invoke(state: str, payload: dict[str, object]) -> tasks.LambdaInvoke:
            task = tasks.LambdaInvoke(
                self,
                f"{name}{state}",
                lambda_function=function,
                payload=sfn.TaskInput.from_object(payload),
                payload_response_only=True,
            )
            task.add_retry(
                errors=[
                    "States.TaskFailed",
                    "Lambda.ServiceException",
                    "Lambda.TooManyRequestsException",
                ],
                max_attempts=3,
                backoff_rate=2,
                interval=Duration.seconds(5),
            )
            return task

        close = invoke("Close", {"job": "split-close", "request.$": "$"})
        grace = sfn.Wait(
            self,
            f"{name}Grace",
            comment="let every track Lambda see the month closed",
            time=sfn.WaitTime.duration(Duration.seconds(Settings().split_close_grace_seconds)),
        )

        # Both passes run as many Lambdas at once as the close job says (from the month's
        # shard count); their results are discarded (the finish job sums the shards' stats:
        # thousands of results would pass Step Functions' 256 KB payload limit).
        def fan_out(state: str, job: str, key: str) -> sfn.Map:
            each = sfn.Map(
                self,
                f"{name}{state}s",
                items_path="$.shards",
                item_selector={"month.$": "$.month", f"{key}.$": "$$.Map.Item.Value"},
                max_concurrency_path="$.concurrency",
                result_path=sfn.JsonPath.DISCARD,
            )
            each.item_processor(
                invoke(state, {"job": job, "month.$": "$.month", f"{key}.$": f"$.{key}"})
            )
            return each

        shards = fan_out("Shard", "split-shard", "shard")
        credits = fan_out("Credit", "split-credit", "partition")
        finish = invoke("Finish", {"job": "split-finish", "month.$": "$.month"})
        log_group = logs.LogGroup(
            self,
            f"{name}MachineLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        return sfn.StateMachine(
            self,
            f"{name}Machine",
            definition_body=sfn.DefinitionBody.from_chainable(
                close.next(
                    sfn.Choice(self, f"{name}Ready")
                    .when(
                        sfn.Condition.boolean_equals("$.ready", False),
                        sfn.Succeed(
                            self,
                            f"{name}NotNow",
                            comment="split already, or flattrs wait for owner lookups",
                        ),
                    )
                    .otherwise(grace.next(shards).next(credits).next(finish))
                )
            ),
            timeout=Duration.hours(6),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
        )

"""The CDK app synthesises offline with cdk-nag, and matches the models and the route table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import assertions

from functions.common.tables import table_name, ttl_attribute
from functions.deployment import CATCH_ALL, JOBS, ROUTES
from functions.tables import TABLE_MODELS

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]
NO_BUNDLING = {"aws:cdk:bundling-stacks": [], "stage": "test"}


@pytest.fixture(scope="module")
def synthesised(tmp_path_factory):
    from infra.app import build

    outdir = tmp_path_factory.mktemp("cdk")
    app = build(context=NO_BUNDLING, outdir=str(outdir))
    assembly = app.synth()
    stack = app.node.find_child("Flattr-test")
    return outdir, assembly, assertions.Template.from_stack(stack)


def resources(template, kind):
    return template.find_resources(kind)


def our_functions(template):
    """The service's Lambdas (not CDK's own helpers, such as the site's deployment)."""
    return {
        name: function
        for name, function in resources(template, "AWS::Lambda::Function").items()
        if function["Properties"]["Handler"].startswith("functions.")
    }


def test_every_model_is_a_table_with_the_same_keys_and_indexes(synthesised):
    _, _, template = synthesised
    tables = {
        props["Properties"]["TableName"]: props["Properties"]
        for props in resources(template, "AWS::DynamoDB::Table").values()
    }
    assert len(tables) == len(TABLE_MODELS)
    for model in TABLE_MODELS:
        schema = model._get_schema()
        table = tables[table_name(model, "flattr-test-")]
        assert sorted(table["KeySchema"], key=lambda k: k["KeyType"]) == sorted(
            schema["key_schema"], key=lambda k: k["KeyType"]
        )
        indexes = {
            index["IndexName"]: sorted(index["KeySchema"], key=lambda k: k["KeyType"])
            for index in table.get("GlobalSecondaryIndexes", [])
        }
        expected = {
            index["index_name"]: sorted(index["key_schema"], key=lambda k: k["KeyType"])
            for index in schema.get("global_secondary_indexes", [])
        }
        assert indexes == expected, model
        ttl = ttl_attribute(model)
        if ttl:
            assert table["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}
        else:
            assert "TimeToLiveSpecification" not in table
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert table["DeletionProtectionEnabled"] is True
        assert table["SSESpecification"]["SSEEnabled"] is True


def test_a_model_and_table_that_disagree_are_caught(synthesised):
    """The comparison above is not vacuous: a changed key is seen."""
    _, _, template = synthesised
    users = next(
        p["Properties"]
        for p in resources(template, "AWS::DynamoDB::Table").values()
        if p["Properties"]["TableName"].endswith("users")
    )
    changed = [{"AttributeName": "email", "KeyType": "HASH"}]
    assert users["KeySchema"] != changed


def test_routes_come_from_the_route_table_with_jwt_auth_unless_public(synthesised):
    _, _, template = synthesised
    routes = {
        props["Properties"]["RouteKey"]: props["Properties"]
        for props in resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) == {route.route_key for route in ROUTES + CATCH_ALL}
    assert routes["ANY /rest/v2/{proxy+}"].get("AuthorizationType", "NONE") == "NONE"
    for route in ROUTES:
        auth = routes[route.route_key].get("AuthorizationType", "NONE")
        # Device routes: the Lambda authorizer (a JWT or a device token); others: Cognito.
        assert auth == ("NONE" if route.public else "CUSTOM" if route.devices else "JWT"), route
    authorizers = resources(template, "AWS::ApiGatewayV2::Authorizer")
    kinds = sorted(a["Properties"]["AuthorizerType"] for a in authorizers.values())
    assert kinds == ["JWT", "REQUEST"]
    (devices,) = [a for a in authorizers.values() if a["Properties"]["AuthorizerType"] == "REQUEST"]
    assert devices["Properties"]["EnableSimpleResponses"] is True
    assert devices["Properties"]["AuthorizerResultTtlInSeconds"] == 300
    assert not [r for r in ROUTES if r.devices and r.domain in ("payments", "account")]


def test_stage_has_access_logs_and_throttling(synthesised):
    _, _, template = synthesised
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AccessLogSettings": assertions.Match.object_like(
                {"Format": assertions.Match.any_value()}
            ),
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 400, "ThrottlingRateLimit": 200},
        },
    )
    stage = next(iter(resources(template, "AWS::ApiGatewayV2::Stage").values()))
    log_format = stage["Properties"]["AccessLogSettings"]["Format"]
    assert "path" not in log_format and "queryString" not in log_format


def test_one_function_per_domain_each_with_its_own_role(synthesised):
    _, _, template = synthesised
    functions = our_functions(template)
    handlers = sorted(f["Properties"]["Handler"] for f in functions.values())
    expected = sorted(
        {f"functions.{r.domain}.handler.lambda_handler" for r in ROUTES}
        | {f"functions.{j.domain}.handler.job_handler" for j in JOBS}
        | {
            "functions.account.handler.events_handler",
            "functions.claim.handler.events_handler",
            "functions.connections.handler.events_handler",
            "functions.payments.handler.events_handler",
            "functions.track.handler.events_handler",
        }
        | {"functions.authorizer.handler.lambda_handler"}
    )
    assert handlers == expected
    layers = [
        layer
        for layer in resources(template, "AWS::Lambda::LayerVersion").values()
        if "pinned" in layer["Properties"].get("Description", "")
    ]
    assert [layer["Properties"]["CompatibleArchitectures"] for layer in layers] == [["arm64"]]
    roles = [json.dumps(f["Properties"]["Role"]) for f in functions.values()]
    assert len(set(roles)) == len(roles)
    for function in functions.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.14"
        # Graviton: the same speed for a fifth less a GB-second (docs/scale.md).
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        env = props["Environment"]["Variables"]
        assert env["TABLE_PREFIX"] == "flattr-test-"
        assert {
            "POWERTOOLS_SERVICE_NAME",
            "POWERTOOLS_METRICS_NAMESPACE",
            "POWERTOOLS_LOG_LEVEL",
        } <= env.keys()


def test_track_role_cannot_write_the_ledger(synthesised):
    _, _, template = synthesised
    policies = resources(template, "AWS::IAM::Policy")
    track = next(p for name, p in policies.items() if "TrackApiRole" in name)
    for statement in track["Properties"]["PolicyDocument"]["Statement"]:
        if "dynamodb:PutItem" in statement["Action"]:
            assert "Ledger" not in json.dumps(statement["Resource"])


def test_security_resources(synthesised):
    _, _, template = synthesised
    template.resource_count_is("AWS::Cognito::UserPool", 1)
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    template.resource_count_is("AWS::SecretsManager::Secret", 1)
    template.resource_count_is("AWS::SES::ConfigurationSet", 1)
    template.resource_count_is("AWS::SES::EmailIdentity", 1)
    template.resource_count_is("AWS::Scheduler::Schedule", len(JOBS))
    # + mail events, Stripe events, owner lookups, and account deletions (the money's, and
    # four domains' erasures), each with its dead-letter queue
    template.resource_count_is("AWS::SQS::Queue", len(JOBS) + 6 + 10)


def test_the_hosted_sign_in_pages_wear_the_sites_look(synthesised):
    """Issue 31, item 8 ("the sign-in page has no styles"): Cognito's classic customisation,
    only its own classes, under its 3 KB limit, after the domain it needs."""
    _, _, template = synthesised
    (look,) = template.find_resources("AWS::Cognito::UserPoolUICustomizationAttachment").values()
    css = look["Properties"]["CSS"]
    assert len(css.encode()) <= 3 * 1024
    classes = set(re.findall(r"\.([a-zA-Z-]+)", css))
    assert classes and all(c.endswith("-customizable") for c in classes), classes
    assert ".submitButton-customizable" in css and "min-height: 44px" in css
    assert any("SignIn" in d for d in look["DependsOn"])


def test_the_monthly_split_is_a_state_machine_mapping_over_shards(synthesised):
    _, _, template = synthesised
    machines = resources(template, "AWS::StepFunctions::StateMachine")
    assert len(machines) == sum(1 for job in JOBS if job.fan_out)
    definition = json.dumps(next(iter(machines.values()))["Properties"]["DefinitionString"])
    pieces = ("split-close", "split-shard", "split-credit", "split-finish", "Map", "Wait")
    for piece in (*pieces, '"MaxConcurrencyPath\\":\\"$.concurrency'):
        assert piece in definition, piece
    schedules = resources(template, "AWS::Scheduler::Schedule")
    expressions = sorted(s["Properties"]["ScheduleExpression"] for s in schedules.values())
    assert expressions == sorted(job.schedule.aws_expression() for job in JOBS)


def test_cdk_nag_passes_with_every_acknowledgement_reasoned(synthesised):
    outdir, _, _ = synthesised
    report = json.loads((Path(outdir) / "validation-report.json").read_text())
    (plugin,) = report["pluginReports"]
    assert plugin["pluginName"] == "AwsSolutions"
    assert plugin["conclusion"] == "success"


def test_cdk_nag_fails_an_unacknowledged_finding(tmp_path):
    """cdk-nag really runs at synth: an unsafe table fails it."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from aws_cdk import App, Stack, Validations, aws_dynamodb as d
from cdk_nag import AwsSolutionsChecks
app = App(outdir={str(tmp_path)!r})
stack = Stack(app, "Bad")
d.Table(stack, "T", partition_key=d.Attribute(name="k", type=d.AttributeType.STRING))
Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode != 0
    assert "AwsSolutions-DDB3" in done.stdout + done.stderr


def test_cfn_lint_passes(synthesised):
    outdir, _, _ = synthesised
    template = Path(outdir) / "Flattr-test.template.json"
    # W3005: CDK adds an explicit DependsOn next to a GetAtt; harmless and not ours to change.
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--ignore-checks",
            "W3005",
            "--",
            str(template),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_bounces_and_complaints_reach_the_claim_events_handler(synthesised):
    _, _, template = synthesised
    destinations = resources(template, "AWS::SES::ConfigurationSetEventDestination")
    kinds = {
        tuple(sorted(d["Properties"]["EventDestination"]["MatchingEventTypes"]))
        for d in destinations.values()
    }
    assert ("bounce", "complaint") in kinds
    assert ("click", "delivery", "open", "send") in kinds  # aggregate counts only
    functions = resources(template, "AWS::Lambda::Function")
    handlers = set()
    for mapping in resources(template, "AWS::Lambda::EventSourceMapping").values():
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        target = mapping["Properties"]["FunctionName"]["Ref"]
        handlers.add(functions[target]["Properties"]["Handler"])
    assert handlers == {
        "functions.account.handler.events_handler",  # an account's deletion
        "functions.claim.handler.events_handler",  # SES bounces and complaints
        "functions.connections.handler.events_handler",  # an account's deletion
        "functions.payments.handler.events_handler",  # Stripe's verified events
        "functions.track.handler.events_handler",  # owner lookups
    }
    subscriptions = resources(template, "AWS::SNS::Subscription")
    assert {s["Properties"]["Protocol"] for s in subscriptions.values()} == {"sqs"}


def test_every_lambda_is_given_the_settings_its_handler_needs(synthesised):
    """A handler checks the settings it needs at its cold start; the CDK app must set
    them, or the deployed function fails on its first event."""
    import importlib

    from functions.common.settings import env_name

    _, _, template = synthesised
    checked = 0
    for function in our_functions(template).values():
        props = function["Properties"]
        module, _, entry = props["Handler"].rpartition(".")
        needs = getattr(importlib.import_module(module), entry).needs
        missing = {env_name(n) for n in needs} - props["Environment"]["Variables"].keys()
        assert not missing, f"{props['Handler']} needs {missing}"
        checked += len(needs)
    assert checked > 0


@pytest.mark.parametrize("role", ["TrackApiRole", "ConnectionsApiRole", "ConnectionsJobsRole"])
def test_domains_that_only_ask_whether_a_month_is_open_cannot_read_money(synthesised, role):
    """Track and the poller read the split status from its own table, not the ledger."""
    _, _, template = synthesised
    policies = resources(template, "AWS::IAM::Policy")
    granted = json.dumps([p for name, p in policies.items() if role in name])
    assert "MonthSplits" in granted
    assert "Ledger" not in granted and "Escrow" not in granted


def test_stripe_events_go_through_a_queue_with_a_dead_letter_queue_and_an_alarm(synthesised):
    _, _, template = synthesised
    queues = resources(template, "AWS::SQS::Queue")
    events = next(
        (name, q["Properties"])
        for name, q in queues.items()
        if name.startswith("PaymentEventsQueue")
    )
    assert events[1]["RedrivePolicy"]["maxReceiveCount"] == 5
    dead = events[1]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    alarms = [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]
    assert any(
        a["MetricName"] == "ApproximateNumberOfMessagesVisible"
        and a["Dimensions"][0]["Value"]["Fn::GetAtt"][0] == dead
        for a in alarms
    )
    webhook = next(
        f["Properties"]
        for f in resources(template, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "functions.payments.handler.lambda_handler"
    )
    url = webhook["Environment"]["Variables"]["STRIPE_EVENTS_QUEUE_URL"]
    assert url == {"Ref": events[0]}


def test_owner_lookups_go_through_a_queue_the_track_api_fills_and_its_worker_drains(synthesised):
    _, _, template = synthesised
    queues = resources(template, "AWS::SQS::Queue")
    name, queue = next(
        (n, q["Properties"]) for n, q in queues.items() if n.startswith("OwnerLookupsQueue")
    )
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
    functions = resources(template, "AWS::Lambda::Function")
    api = next(
        f["Properties"]
        for f in functions.values()
        if f["Properties"]["Handler"] == "functions.track.handler.lambda_handler"
    )
    assert api["Environment"]["Variables"]["OWNER_LOOKUPS_QUEUE_URL"] == {"Ref": name}
    (mapping,) = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0] == name
    ]
    worker = functions[mapping["FunctionName"]["Ref"]]["Properties"]
    assert worker["Handler"] == "functions.track.handler.events_handler"
    assert mapping["ScalingConfig"]["MaximumConcurrency"] == 2  # providers see few of us


def test_an_accounts_deletion_is_queued_for_its_money_then_announced_to_every_domain(synthesised):
    """The account API queues it for the payments worker, which publishes to a topic each
    erasing domain's queue is subscribed to (raw delivery: the ``job`` attribute arrives)."""
    _, _, template = synthesised
    functions = resources(template, "AWS::Lambda::Function")
    by_handler = {f["Properties"]["Handler"]: name for name, f in functions.items()}
    api = functions[by_handler["functions.account.handler.lambda_handler"]]["Properties"]
    leaving = api["Environment"]["Variables"]["ACCOUNT_LEAVING_QUEUE_URL"]["Ref"]
    mappings = [
        m["Properties"] for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
    ]
    worker_of = {m["EventSourceArn"]["Fn::GetAtt"][0]: m["FunctionName"]["Ref"] for m in mappings}
    assert worker_of[leaving] == by_handler["functions.payments.handler.events_handler"]
    payments = functions[worker_of[leaving]]["Properties"]
    topic = payments["Environment"]["Variables"]["ACCOUNT_DELETED_TOPIC_ARN"]["Ref"]
    subscribed = {
        s["Properties"]["Endpoint"]["Fn::GetAtt"][0]
        for s in resources(template, "AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic}
        and s["Properties"]["RawMessageDelivery"] is True
    }
    erasers = {functions[worker_of[queue]]["Properties"]["Handler"] for queue in subscribed}
    assert erasers == {
        f"functions.{d}.handler.events_handler"
        for d in ("account", "claim", "connections", "track")
    }
    queues = resources(template, "AWS::SQS::Queue")
    for queue in subscribed | {leaving}:
        assert queues[queue]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5


def test_the_account_domain_touches_no_other_domains_money_or_secrets(synthesised):
    """Its money leaves through the payments worker: the account's roles write no pay-ins,
    refunds or ledger, and read no Stripe secret."""
    _, _, template = synthesised
    policies = resources(template, "AWS::IAM::Policy")
    granted = [p for name, p in policies.items() if name.startswith("FunctionsAccount")]
    assert granted
    for policy in granted:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            text = json.dumps(statement)
            assert "secretsmanager" not in text
            if "dynamodb:PutItem" in statement["Action"]:
                for table in ("Payins", "Refunds", "Withdrawals", "Ledger", "Activity"):
                    assert table not in text

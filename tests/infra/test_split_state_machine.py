"""The split as it runs in AWS: the synthesised Step Functions state machine, walked
state by state (Task, Wait, Map) with the inputs its definition builds, each Task
invoking the payout job Lambda's handler. The local stack runs the same steps in a
pool (``monthly-split``); this is the path only AWS takes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.common import clock
from functions.common.settings import SPLIT_SHARDS
from functions.core import flattrs, ledger
from local.gateway import invoke
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    claim,
    snapshot,
)

LAMBDA = "arn:lambda:payout-jobs"  # what the definition's function ARN is replaced with


@pytest.fixture(scope="module")
def definition(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The monthly split machine's definition, from the synthesised template."""
    from aws_cdk import assertions

    from infra.app import build
    from tests.infra.test_stack import NO_BUNDLING

    app = build(context=NO_BUNDLING, outdir=str(tmp_path_factory.mktemp("cdk")))
    stack = app.node.find_child("Flattr-test")
    template = assertions.Template.from_stack(stack).to_json()
    machines = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    (machine,) = machines
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return dict(json.loads("".join(p if isinstance(p, str) else LAMBDA for p in parts)))


def _path(path: str, data: Any, context: dict[str, Any]) -> Any:
    """The JSONPath subset the definition uses: ``$``, ``$.a.b``, ``$[0].a``, ``$$.a.b``."""
    root, rest = (context, path[2:]) if path.startswith("$$") else (data, path[1:])
    for step in rest.replace("[", ".[").split("."):
        if step:
            root = root[int(step[1:-1])] if step.startswith("[") else root[step]
    return root


def _parameters(template: dict[str, Any], data: Any, context: dict[str, Any]) -> Any:
    return {
        (key[:-2] if key.endswith(".$") else key): (
            _path(value, data, context) if key.endswith(".$") else value
        )
        for key, value in template.items()
    }


def _choose(state: dict[str, Any], data: Any) -> str:
    """A Choice state's next state (the comparisons the definition uses: booleans)."""
    for rule in state["Choices"]:
        if _path(rule["Variable"], data, {}) == rule["BooleanEquals"]:
            return str(rule["Next"])
    return str(state["Default"])


def run(machine: dict[str, Any], data: Any, trace: list[str], context: Any = None) -> Any:
    """Walk ``machine`` from its StartAt, as Step Functions would."""
    name: str | None = machine["StartAt"]
    while name is not None:
        state = machine["States"][name]
        trace.append(state["Type"])
        if state["Type"] == "Task":
            assert state["Resource"] == LAMBDA  # payload-only Lambda invocation
            payload = _parameters(state["Parameters"], data, context or {})
            data = invoke("payout", "job_handler", payload)
        elif state["Type"] == "Map":
            items = _path(state["ItemsPath"], data, {})
            selector = state.get("ItemSelector") or state["Parameters"]
            results = [
                run(
                    state.get("ItemProcessor") or state["Iterator"],
                    _parameters(selector, data, {"Map": {"Item": {"Value": item}}}),
                    trace,
                )
                for item in items
            ]
            if state.get("ResultPath", "$") is not None:  # null: the results are discarded
                assert state.get("ResultPath", "$") == "$"
                data = results
        elif state["Type"] == "Choice":
            name = _choose(state, data)
            continue
        elif state["Type"] == "Succeed":
            return data
        elif state["Type"] != "Wait":  # the grace period: nothing to do in a test
            raise AssertionError(f"a state this walker does not know: {state['Type']}")
        name = None if state.get("End") else state["Next"]
    return data


def seed_june() -> None:
    add_user("ada", budget=5 * EUR, paid_in=10 * EUR)
    add_user("bob", budget=3 * EUR, paid_in=3 * EUR)
    add_user("creator")
    claim("github:octocat", "creator")
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("ada", "github:octocat", 2)
    add_flattrs("bob", "web:c.example", 4)


def test_the_state_machine_splits_a_month_as_the_pooled_job_does(aws, definition):
    clock.move_to(JUNE)
    seed_june()
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    trace: list[str] = []
    # What the schedule sends (the scheduled time names the month before it).
    result = run(
        definition, {"job": "monthly-split", "scheduled_at": "2031-07-01T00:30:00Z"}, trace
    )
    assert trace[:4] == ["Task", "Choice", "Wait", "Map"] and trace[-1] == "Task"
    assert trace.count("Map") == 2
    # close, every shard, every partition of the recipients, finish
    assert trace.count("Task") == 2 + 2 * SPLIT_SHARDS
    assert result["month"] == "2031-06"
    assert (result["contributors"], result["currencies"]["EUR"]["charged"]) == (2, 8 * EUR)
    assert flattrs.split_state("2031-06") == "split"
    assert ledger.balance(ledger.FEES) == 800_000
    assert_ledger_checks()
    # A re-run of the whole machine (Step Functions retries, an operator) changes nothing.
    before = snapshot()
    again = run(definition, {"job": "monthly-split", "month": "2031-06"}, [])
    assert again["month"] == "2031-06" and snapshot() == before


def test_a_month_waiting_for_owner_lookups_is_not_split_until_they_settle_or_six_hours_pass(
    aws, definition, monkeypatch
):
    """The provider cannot be reached (nothing resolves here): at 00:30 the machine stops
    after its choice, the month closed but not split; at 06:30 it falls back and splits."""
    import socket

    from functions.common import safe_http
    from functions.core.ownership import lookups
    from functions.core.ownership.resolve import Lookup

    def nothing_resolves(*_: object, **__: object) -> list[object]:
        raise socket.gaierror("no such host")

    monkeypatch.setattr(safe_http, "RESOLVER", nothing_resolves)
    clock.move_to(JUNE)
    seed_june()
    lookups.wait_for("2031-06", [Lookup("youtube", "video", "dQw4w9WgXcQ")], JUNE)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    trace: list[str] = []
    early = run(definition, {"job": "monthly-split", "scheduled_at": "2031-07-01T00:30:00Z"}, trace)
    assert trace == ["Task", "Choice", "Succeed"]
    assert early["ready"] is False and flattrs.split_state("2031-06") == "running"
    clock.move_to(JUNE.replace(month=7, day=1, hour=6, minute=30))
    late = run(definition, {"job": "monthly-split", "scheduled_at": "2031-07-01T06:30:00Z"}, [])
    assert late["contributors"] == 2 and flattrs.split_state("2031-06") == "split"
    assert lookups.waiting("2031-06") == []

"""Shared helpers for the benchmarks: an in-process emulator and a call counter."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "TABLE_PREFIX": "bench-",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Bench",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    # One process: no other Lambda can hold a stale "month open" answer.
    "SPLIT_STATUS_CACHE_SECONDS": "0",
    "SPLIT_CLOSE_GRACE_SECONDS": "0",
}


def configure() -> None:
    """The environment the benchmarks run in, and the emulator as the local stack runs it."""
    from local.emulator import install_fast_transactions

    os.environ.update(ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    install_fast_transactions()


def compile_as_bundled() -> None:
    """Compile what a Lambda's bundles ship compiled (``infra/bundling.py``): our modules
    and the packages of the layer's requirements. A virtualenv that uv installed holds
    bytecode only for the modules imported there once, and the benchmarks' interpreters
    write none: a package no test imports (the X-Ray SDK, ``wrapt``) would be compiled
    again at every cold start measured, which a deployed function never does."""
    import compileall
    import re
    from importlib.metadata import PackageNotFoundError, distribution

    root = Path(__file__).resolve().parents[1]
    sources = [root / "functions"]
    for line in (root / "infra" / "lambda-requirements.txt").read_text().splitlines():
        if not (pinned := re.match(r"([A-Za-z0-9._-]+)==", line)):
            continue
        try:
            found = distribution(pinned[1])
        except PackageNotFoundError:  # a package only the runtime's platform needs
            continue
        sources += [Path(str(found.locate_file(f))) for f in found.files or () if f.suffix == ".py"]
    for source in sources:
        if source.is_dir():
            compileall.compile_dir(str(source), quiet=1)
        else:
            compileall.compile_file(str(source), quiet=1)


# What a Lambda's init runs in, beside the function's own variables: the task root (the
# X-Ray SDK sees it is in Lambda, and samples locally instead of building X-Ray clients),
# and tracing on, as the CDK app deploys every function.
LAMBDA_INIT = {
    "LAMBDA_TASK_ROOT": str(Path(__file__).resolve().parents[1]),
    "POWERTOOLS_TRACE_DISABLED": "false",
}


def cold_import_seconds(
    statement: str, repeat: int = 7, more: dict[str, str] | None = None
) -> float:
    """Median wall time of a fresh interpreter running ``statement`` (``more``: variables
    over the benchmarks' own)."""
    return cold_imports({statement: more or {}}, repeat)[statement]


def cold_imports(statements: dict[str, dict[str, str]], repeat: int = 7) -> dict[str, float]:
    """Median wall time of a fresh interpreter running each statement (its value: variables
    over the benchmarks' own), taken in turns: each round runs every statement once, so
    that a floor and what is compared with it see the same load on a shared machine."""

    def run(statement: str) -> float:
        env = {**os.environ, **ENV, **statements[statement], "PYTHONDONTWRITEBYTECODE": "1"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, env=env)
        return time.perf_counter() - start

    for statement in statements:
        run(statement)  # warm the OS file cache once
    times: dict[str, list[float]] = {statement: [] for statement in statements}
    for _ in range(repeat):
        for statement in statements:
            times[statement].append(run(statement))
    return {statement: statistics.median(taken) for statement, taken in times.items()}


@contextmanager
def count_dynamodb_calls(clients: list[Any]) -> Iterator[Counter[str]]:
    """Counts DynamoDB API calls with botocore's ``provide-client-params`` event hook: by
    operation ("GetItem"), and by operation and table ("GetItem users")."""
    counts: Counter[str] = Counter()

    def hook(model: Any, params: Any = None, **_: Any) -> None:
        counts[model.name] += 1
        # And by table: what each call reads or writes ("GetItem users").
        found = params if isinstance(params, dict) else {}
        for name in [found["TableName"]] if "TableName" in found else found.get("RequestItems", {}):
            counts[f"{model.name} {str(name).removeprefix(ENV['TABLE_PREFIX'])}"] += 1

    with _hooked(clients, hook, "bench-counter"):
        yield counts


@contextmanager
def _hooked(clients: list[Any], hook: Callable[..., None], name: str) -> Iterator[None]:
    """``hook`` sees every DynamoDB request the clients make, while in the block."""
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb.*", hook, unique_id=name)
    try:
        yield
    finally:
        for client in clients:
            client.meta.events.unregister("provide-client-params.dynamodb.*", unique_id=name)


@contextmanager
def emulator() -> Iterator[None]:
    """A fresh in-process emulator with every table provisioned, for the block: a
    benchmark's run, or the same state seeded again to send a job's requests raw on it."""
    from moto import mock_aws

    from functions.common import storage
    from functions.common.settings import settings
    from local.provision import provision

    with mock_aws():
        storage.reset()
        provision(settings(), user_pool=False)
        yield


@contextmanager
def recording(clients: list[Any]) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB request the clients send, as sent: (operation, parameters)."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def hook(model: Any, params: Any = None, **_: Any) -> None:
        sent.append((model.name, dict(params) if isinstance(params, dict) else {}))

    with _hooked(clients, hook, "bench-recording"):
        yield sent


def replay(
    sent: list[tuple[str, dict[str, Any]]],
    answers: list[Any] | None = None,
    by_operation: dict[str, float] | None = None,
) -> float:
    """The requests sent again with a raw boto3 client: their seconds (their answers into
    ``answers``, and the seconds of each operation into ``by_operation``, if given). A
    transaction's idempotency token is left out (the emulator would answer a replay
    without doing it)."""
    import boto3

    client = boto3.client("dynamodb", region_name="eu-west-1")
    calls = [
        (
            operation,
            getattr(client, _snake(operation)),
            {k: v for k, v in params.items() if k != "ClientRequestToken"},
        )
        for operation, params in sent
    ]
    began = time.perf_counter()
    for operation, call, params in calls:
        call_began = time.perf_counter()
        answer = call(**params)
        if by_operation is not None:
            taken = time.perf_counter() - call_began
            by_operation[operation] = by_operation.get(operation, 0.0) + taken
        if answers is not None:
            answers.append(answer)
    return time.perf_counter() - began


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def total_calls(counts: Counter[str]) -> int:
    """All calls counted (by operation; the per-table keys count them again)."""
    return sum(count for key, count in counts.items() if " " not in key)


def pynamodb_clients() -> list[Any]:
    """Every botocore client the models and transactions use."""
    from functions.common.storage import transaction_connection
    from functions.tables import TABLE_MODELS
    from functions.track.models import ActivityItem

    models = {*TABLE_MODELS, *ActivityItem.__subclasses__()}
    clients = {id(c): c for c in (m._get_connection().connection.client for m in models)}
    client = transaction_connection().client
    clients[id(client)] = client
    return list(clients.values())


def report_line(name: str, value: float, floor: float, unit: str, ratio: float) -> str:
    return (
        f"{name:<44} {value:>12.3f} {unit:<14} floor {floor:>12.3f} {unit:<14} ratio {ratio:>7.2f}x"
    )


def item_bytes(value: Any) -> int:
    """An item's size as DynamoDB bills it, near enough: attribute names plus values
    (strings and binaries by length, numbers ~1 byte per 2 digits + 1, lists and maps
    3 bytes each plus their contents), from the request's wire format."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind in ("S", "B"):
            return len(str(inner).encode())
        if kind == "N":
            return len(str(inner)) // 2 + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "L":
            return 3 + sum(item_bytes(v) for v in inner)
        if kind == "M":
            return 3 + sum(len(k) + item_bytes(v) for k, v in inner.items())
        if kind in ("SS", "NS", "BS"):
            return sum(len(str(v)) for v in inner)
    return sum(len(k) + item_bytes(v) for k, v in value.items())


def _units(size: int) -> int:
    return max(1, -(-size // 1024))


@dataclass
class Writes:
    """Items written and write units (WRU) by table, from the requests sent. An update is
    counted as one unit (1 KB) unless transactional (two): the items the split updates
    (balances) are far under 1 KB; puts are counted by their items' sizes."""

    items: Counter[str] = field(default_factory=Counter)
    units: Counter[str] = field(default_factory=Counter)
    requests: list[tuple[str, list[int]]] = field(default_factory=list)  # kind, item sizes
    reads: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # as sent

    def add(self, table: str, size: int, factor: int) -> None:
        self.items[table] += 1
        self.units[table] += factor * _units(size)

    def send(self, operation: str, items: list[tuple[str, int, int]]) -> None:
        """A request counted without sending it: (table, item size, units per KB) each."""
        for table, size, factor in items:
            self.add(table, size, factor)
        self.requests.append((operation, [size for _, size, _ in items]))

    def record(self, operation: str, params: dict[str, Any]) -> None:
        short = os.environ.get("TABLE_PREFIX", ENV["TABLE_PREFIX"])
        if operation in ("GetItem", "BatchGetItem", "Query", "Scan"):
            self.reads.append((operation, dict(params)))
        sizes: list[int] = []
        if operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                ((kind, body),) = action.items()
                if kind == "ConditionCheck":
                    continue
                size = item_bytes(body["Item"]) if kind == "Put" else 100
                self.add(body["TableName"].removeprefix(short), size, 2)
                sizes.append(size)
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    put = request.get("PutRequest")
                    size = item_bytes(put["Item"]) if put else 100
                    self.add(table.removeprefix(short), size, 1)
                    sizes.append(size)
        elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
            size = item_bytes(params["Item"]) if operation == "PutItem" else 100
            self.add(params["TableName"].removeprefix(short), size, 1)
            sizes.append(size)
        if sizes:
            self.requests.append((operation, sizes))


@contextmanager
def count_writes(clients: list[Any]) -> Iterator[Writes]:
    """Items and write units the clients' requests write (see ``Writes``)."""
    writes = Writes()

    def hook(model: Any, params: Any = None, **_: Any) -> None:
        writes.record(model.name, params if isinstance(params, dict) else {})

    with _hooked(clients, hook, "bench-writes"):
        yield writes

"""Helpers for the track tests: reports, a fixed clock, and a DynamoDB call counter."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.common import clock
from tests.conftest import call

# A Tuesday, far enough ahead that the clock can always move forward to it.
BASE = datetime(2031, 6, 10, 12, 0, tzinfo=UTC)


def at_base(offset_seconds: float = 0) -> datetime:
    clock.move_to(BASE + timedelta(seconds=offset_seconds))
    return clock.now()


def report(
    url: str, seconds: int, at: datetime, kind: str = "text", event_id: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "url": url,
        "kind": kind,
        "active_seconds": seconds,
        "at": at.isoformat().replace("+00:00", "Z"),
    }


def visit(
    url: str, at: datetime, dwell: int | None = None, event_id: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id or str(uuid.uuid4()),
        "url": url,
        "at": at.isoformat().replace("+00:00", "Z"),
    }
    if dwell is not None:
        body["dwell_seconds"] = dwell
    return body


def attend(*reports: dict[str, Any], user: str = "user-1", device: str = "laptop"):
    return call("POST", "/v1/attention", {"device_id": device, "reports": list(reports)}, user=user)


def visits(*items: dict[str, Any], user: str = "user-1", device: str = "laptop"):
    return call("POST", "/v1/visits", {"device_id": device, "visits": list(items)}, user=user)


def explicit(url: str, event_id: str | None = None, user: str = "user-1", title: str | None = None):
    body: dict[str, Any] = {"event_id": event_id or str(uuid.uuid4()), "url": url}
    if title:
        body["title"] = title
    return call("POST", "/v1/flattrs", body, user=user)


def my_flattrs(user: str = "user-1", query: str = "") -> list[dict[str, Any]]:
    answer = call("GET", "/v1/flattrs", user=user, query=query)
    assert answer.status == 200, answer.raw
    return answer.json["items"]


@contextmanager
def limits(monkeypatch: Any, **env: str) -> Iterator[None]:
    """Settings changed through their environment variables for the block."""
    from functions.common.settings import settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()
    try:
        yield
    finally:
        for name in env:
            monkeypatch.delenv(name)
        settings.cache_clear()


@contextmanager
def dynamodb_calls() -> Iterator[Counter[str]]:
    """Counts DynamoDB operations by name (every PynamoDB call goes through dispatch), and
    by name and tables."""
    from pynamodb.connection.base import Connection

    from functions.common.settings import settings

    counts: Counter[str] = Counter()
    original = Connection.dispatch

    def counting(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        counts[operation_name] += 1
        counts["TransactItems"] += len(operation_kwargs.get("TransactItems", ()))
        # And by the tables it reads or writes: "BatchGetItem activity+lookups".
        named = operation_kwargs.get("RequestItems") or [operation_kwargs.get("TableName", "")]
        prefix = settings().table_prefix
        tables = "+".join(sorted(str(t).removeprefix(prefix) for t in named))
        counts[f"{operation_name} {tables}"] += 1
        return original(self, operation_name, operation_kwargs)

    Connection.dispatch = counting  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        Connection.dispatch = original  # type: ignore[method-assign]


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def writes(counts: Counter[str]) -> int:
    return sum(counts[name] for name in WRITES)

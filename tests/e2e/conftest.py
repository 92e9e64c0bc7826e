"""The local stack as ``make run`` starts it, in a subprocess, used over HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from local.client import Client, Reply, approve, start_connect
from local.process import start_stack, stop_stack, wait_healthy
from local.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["Client", "Reply", "approve", "start_connect"]  # the journeys import them here


def emulator(stack: Client, service: str) -> tuple[Any, str]:
    """A boto3 client of ``service`` on the stack's AWS emulator (as an attacker with a
    copy of it would read it) and the stack's table prefix."""
    import boto3

    found = stack.request("GET", "/_local/emulator").json
    client = boto3.client(
        service,
        endpoint_url=found["aws_endpoint_url"],
        region_name=found["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return client, str(found["table_prefix"])


def eventually(check: Any, seconds: float = 30.0) -> Any:
    """``check()``'s first true answer, asked every 0.2 s: for what the stack's queue
    workers do after an answer (an account's deletion); fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"not so after {seconds} s: {check}"
        time.sleep(0.2)


def signs_in(stack: Client, email: str) -> bool:
    """Whether the stack's user pool still holds a sign-in with ``email``."""
    client, _ = emulator(stack, "cognito-idp")
    pool = client.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    return bool(client.list_users(UserPoolId=pool, Filter=f'email = "{email}"')["Users"])


def stack_now(stack: Client) -> datetime:
    """The stack's clock (it may have been moved ahead of this machine's)."""
    return datetime.fromisoformat(
        stack.request("GET", "/_local/clock").json["now"].replace("Z", "+00:00")
    )


def iso(at: datetime) -> str:
    """RFC 3339 UTC, as the clients write times."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_month_at(stack: Client, hour: int, minute: int) -> str:
    """The start of the stack's next month, at ``hour:minute`` UTC."""
    now = datetime.fromisoformat(
        stack.request("GET", "/_local/clock").json["now"].replace("Z", "+00:00")
    )
    moment = (now.replace(day=1) + timedelta(days=32)).replace(day=1, hour=hour, minute=minute)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def running_stack(**env: str) -> Iterator[Client]:
    """A local stack on a free port (with ``env`` more variables), stopped afterwards."""
    port = free_port()
    process = start_stack(port, **env)
    client = Client(f"http://127.0.0.1:{port}")
    try:
        wait_healthy(client.base, process)
        yield client
    finally:
        stop_stack(process)


@pytest.fixture(scope="module")
def stack() -> Iterator[Client]:
    with running_stack() as client:
        yield client

"""The local stack as ``make run`` starts it, in a subprocess, used over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from local.process import start_stack, stop_stack, wait_healthy
from local.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """One browser: its own cookie jar (cookies kept and sent by their path, as a browser
    does); redirects are answered, not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            _KeepRedirects, urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def browser(self) -> Client:
        """Another browser on the same stack, with an empty cookie jar."""
        return Client(self.base)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request; redirects are answered, not followed."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self._opener.open(request, timeout=30) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def sign_in(self, email: str) -> tuple[str, str]:
        reply = self.request("POST", "/_local/users", {"email": email})
        assert reply.status == 200, reply.body
        return reply.json["user_id"], reply.json["token"]


def start_connect(
    browser: Client, token: str, platform: str = "github", *, as_json: bool = False
) -> str:
    """Authorize in ``browser`` (which keeps the binding cookie); answer the consent URL."""
    headers = {"Accept": "application/json"} if as_json else None
    answer = browser.request(
        "GET",
        f"/v1/connections/{platform}/authorize?return_to=/settings",
        token=token,
        headers=headers,
    )
    if as_json:
        assert answer.status == 200, answer.body
        return str(answer.json["authorize_url"])
    assert answer.status == 302, answer.body
    return answer.headers["Location"]


def approve(browser: Client, consent_url: str, login: str) -> str:
    """The fake GitHub's account ``login`` approves in ``browser``: the callback URL."""
    page = browser.request("GET", consent_url)
    assert page.status == 200 and b"Authorize" in page.body
    approved = browser.request(
        "POST",
        consent_url,
        raw=urlencode({"login": login}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert approved.status == 302, approved.body
    return approved.headers["Location"]


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

"""Bad input and contention from outside (hardening finding 4), over HTTP against the
local stack: deep JSON and forged cursors are 4xx problems, never 500; 50 parallel
attention reports for one page-day from several devices give no 5xx and every second
counts once; the local gateway accepts hundreds of simultaneous connections."""

from __future__ import annotations

import base64
import json
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import Client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.mark.parametrize("body", [b"[" * 1024, b'{"a":' * 1000, b"[" * 100_000])
@pytest.mark.parametrize("path", ["/v1/email/unsubscribe?token=x", "/v1/attention", "/v1/flattrs"])
def test_deep_json_is_a_400_problem(stack: Client, path, body):
    _, token = stack.sign_in("deep-json@example.org")
    answer = stack.request("POST", path, raw=body, token=token)
    assert answer.status == 400, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json["errors"][0]["field"] == "body"


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


FORGED = [
    "x",
    "!!!",
    _b64([]),
    _b64({"contributor_id": {"S": 1}}),
    _b64({"contributor_id": "a", "flattr_id": {"N": []}}),
    _b64({"contributor_id": {"S": "someone"}, "flattr_id": {"S": "2031"}}),
    _b64({}) + ".AAAA",
]


@pytest.mark.parametrize("cursor", FORGED)
def test_a_cursor_this_api_did_not_give_is_a_422(stack: Client, cursor):
    _, token = stack.sign_in("cursor@example.org")
    for path in ("/v1/flattrs", "/v1/unclaimed"):
        answer = stack.request("GET", f"{path}?cursor={quote(cursor)}", token=token)
        assert answer.status == 422, (path, answer.body)
        assert answer.json["errors"][0]["field"] == "query.cursor"


def test_fifty_parallel_reports_for_one_page_day_from_five_devices(stack: Client):
    _, token = stack.sign_in("parallel-reader@example.org")
    now = datetime.fromisoformat(stack.request("GET", "/_local/clock").json["now"])
    start = now - timedelta(minutes=30)
    url = f"https://example.com/{uuid.uuid4()}"

    def send(i: int):
        at = (start + timedelta(seconds=4 * (i + 1))).astimezone(UTC)
        body = {
            "device_id": f"device-{i % 5}",
            "reports": [
                {
                    "event_id": str(uuid.uuid4()),
                    "url": url,
                    "kind": "text",
                    "active_seconds": 4,
                    "at": at.isoformat().replace("+00:00", "Z"),
                }
            ],
        }
        return stack.request("POST", "/v1/attention", body, token=token)

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(send, range(50)))
    assert [a.status for a in answers if a.status >= 500] == []
    assert sum(a.json["accepted"] for a in answers) == 50
    # 200 seconds in all: 50, 96, 138 and 176 crossed, each flattr made once.
    assert sum(len(a.json["flattrs"]) for a in answers) == 4
    mine = stack.request("GET", "/v1/flattrs", token=token).json["items"]
    assert len([f for f in mine if f["url"] == url]) == 4


def test_the_gateway_accepts_hundreds_of_simultaneous_connections(stack: Client):
    parts = urlsplit(stack.base)
    request = f"GET /v1/health HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    barrier = threading.Barrier(300)

    def health(_: int) -> bytes:
        barrier.wait()
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
            connection.sendall(request.encode())
            answer = b""
            while chunk := connection.recv(4096):
                answer += chunk
            return answer.split(b" ", 2)[1]

    with ThreadPoolExecutor(300) as pool:
        statuses = list(pool.map(health, range(300)))
    assert statuses == [b"200"] * 300

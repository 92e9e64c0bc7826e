"""The track endpoints over HTTP on the local stack, as the extension uses them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.e2e.conftest import Client, iso, stack_now

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_extension_flow_over_http(stack: Client):
    _, token = stack.sign_in("reader@example.org")
    now = stack_now(stack)
    url = "https://www.example.net/essay?utm_source=newsletter"

    resolved = stack.request("GET", "/v1/resolve?url=" + url)
    assert resolved.status == 200
    assert resolved.json["url"] == "https://example.net/essay"
    assert resolved.json["recipient"]["key"] == "web:example.net"

    reports = [
        {
            "event_id": str(uuid.uuid4()),
            "url": url,
            "kind": "text",
            "active_seconds": 30,
            "at": iso(now - timedelta(minutes=m)),
        }
        for m in (3, 1)
    ]
    recorded = stack.request(
        "POST", "/v1/attention", {"device_id": "laptop", "reports": reports}, token=token
    )
    assert recorded.status == 200, recorded.body
    assert recorded.json["accepted"] == 2 and len(recorded.json["flattrs"]) == 1
    repeated = stack.request(
        "POST", "/v1/attention", {"device_id": "laptop", "reports": reports}, token=token
    )
    assert repeated.json["duplicates"] == 2 and repeated.json["flattrs"] == []

    event = str(uuid.uuid4())
    button = {"event_id": event, "url": "https://github.com/octocat/Hello-World", "title": "Hello"}
    first = stack.request("POST", "/v1/flattrs", button, token=token)
    again = stack.request("POST", "/v1/flattrs", button, token=token)
    assert (first.status, again.status) == (201, 200)
    assert first.json == again.json

    listed = stack.request("GET", "/v1/flattrs", token=token)
    assert [f["source"] for f in listed.json["items"]] == ["button", "attention"]
    assert stack.request("DELETE", f"/v1/flattrs/{first.json['id']}", token=token).status == 204
    assert len(stack.request("GET", "/v1/flattrs", token=token).json["items"]) == 1

    session = [
        {
            "event_id": str(uuid.uuid4()),
            "url": f"https://news.example.com/p{i}",
            "at": iso(now - timedelta(minutes=10 - i)),
            "dwell_seconds": 20,
        }
        for i in range(4)
    ]
    visited = stack.request(
        "POST", "/v1/visits", {"device_id": "phone", "visits": session}, token=token
    )
    assert visited.status == 200 and len(visited.json["flattrs"]) == 1


def test_track_needs_a_token_and_refuses_bad_input(stack: Client):
    body = {"device_id": "d", "reports": []}
    assert stack.request("POST", "/v1/attention", body).status == 401
    _, token = stack.sign_in("bad-input@example.org")
    empty = stack.request("POST", "/v1/attention", body, token=token)
    assert empty.status == 422 and empty.json["errors"][0]["field"] == "body.reports"
    huge = stack.request("POST", "/v1/visits", raw=b'{"x":"' + b"a" * 300_000 + b'"}', token=token)
    assert huge.status == 413


def test_a_video_is_flattred_at_once_and_waits_for_its_channel(stack: Client):
    """Over HTTP: the report's answer does not wait for YouTube (nothing is asked in its
    path); the flattr waits for the owner lookup. The tests' stacks queue none
    (``OWNER_LOOKUPS=off``: YouTube is not to be reached from here); the lookup and its
    worker are tested with recorded shapes in tests/integration/test_owner_lookups.py."""
    _, token = stack.sign_in("video-watcher@example.org")
    now = stack_now(stack)
    video = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    report = {
        "event_id": str(uuid.uuid4()),
        "url": video,
        "kind": "media",
        "active_seconds": 150,
        "at": iso(now - timedelta(seconds=5)),
    }
    start = now - timedelta(minutes=3)
    early = dict(report, event_id=str(uuid.uuid4()), active_seconds=5, at=iso(start))
    body = {"device_id": "tv", "reports": [early, report]}
    answer = stack.request("POST", "/v1/attention", body, token=token)
    assert answer.status == 200, answer.body
    (made,) = answer.json["flattrs"]
    assert made["recipient"]["platform"] == "pending"
    assert made["recipient"]["display_name"] == "(its owner is being looked up)"
    resolved = stack.request("GET", f"/v1/resolve?url={video}").json
    assert resolved["pending"] is True and resolved["retry_after"] == 5

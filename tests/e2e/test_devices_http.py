"""Device tokens and the Flattr extension's protocol over HTTP against the local stack,
with exactly the requests the open-source Flattr extension (0.7.0) sends: ``POST
/rest/v2/flattr/bulk`` with ``Authorization: Bearer <token>``, ``Content-Type:
application/json`` and a JSON array of ``{"url"}``; only the status code is read."""

from __future__ import annotations

import json
import uuid

from tests.e2e.conftest import Client

BLOG = "https://bulk-blog.example.org/post/1"


def device(stack: Client, email: str) -> tuple[str, str, str]:
    """(user, website token, device token)."""
    user, token = stack.sign_in(email)
    made = stack.request("POST", "/v1/me/devices", {"name": "Test extension"}, token=token)
    assert made.status == 201, made.body
    assert made.json["token"].startswith("fd_") and made.json["name"] == "Test extension"
    return user, token, made.json["token"]


def bulk(stack: Client, token: str | None, body: bytes) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return stack.request(
        "POST", "/rest/v2/flattr/bulk", raw=body, headers=headers, token=None
    ).status


def test_a_device_token_opens_only_what_an_extension_needs(stack: Client):
    _, token, device_token = device(stack, "device-scope@example.org")
    assert stack.request("GET", "/v1/me", token=device_token).status == 200
    assert stack.request("GET", "/v1/me/balance", token=device_token).status == 200
    made = stack.request(
        "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": BLOG}, token=device_token
    )
    assert made.status == 201, made.body
    today = stack.request("GET", f"/v1/attention?url={BLOG}", token=device_token)
    assert today.status == 200 and today.json["flattrs"] == 1, today.body
    # Nothing else: not the profile, not devices, not money.
    for method, path, body in (
        ("PATCH", "/v1/me", {"time_zone": "UTC"}),
        ("POST", "/v1/me/devices", {"name": "another"}),
        ("GET", "/v1/payins", None),
        ("DELETE", "/v1/me", None),
    ):
        assert stack.request(method, path, body, token=device_token).status == 401, path
    (listed,) = stack.request("GET", "/v1/me/devices", token=token).json["items"]
    assert listed["last_used_at"] is not None and "token" not in listed
    assert stack.request("DELETE", f"/v1/me/devices/{listed['id']}", token=token).status == 204
    assert stack.request("GET", "/v1/me", token=device_token).status == 401  # revoked


def test_the_flattr_extensions_bulk_reports(stack: Client):
    _, token, device_token = device(stack, "flattr-extension@example.org")
    entries = [{"url": BLOG}] * 6 + [{"url": "http://127.0.0.1/local"}, {"title": "no url"}]
    answer = stack.request(
        "POST",
        "/rest/v2/flattr/bulk",
        raw=json.dumps(entries).encode(),
        headers={"Authorization": f"Bearer {device_token}"},
    )
    assert answer.status == 200, answer.body
    assert answer.json["flattrs"] == 5  # the page-day's cap: five thresholds
    assert answer.json["skipped"]["page_day_limit"] == 1
    assert answer.json["skipped"]["no_url"] == 1
    assert sum(answer.json["skipped"].values()) == 3
    mine = stack.request("GET", "/v1/flattrs", token=token).json["items"]
    assert len(mine) == 5 and {f["source"] for f in mine} == {"attention"}
    # The same batch again (the client lost the answer): the cap holds.
    assert bulk(stack, device_token, json.dumps(entries).encode()) == 200
    assert len(stack.request("GET", "/v1/flattrs", token=token).json["items"]) == 5


def test_the_status_codes_the_flattr_extension_acts_on(stack: Client):
    _, website_token, device_token = device(stack, "flattr-status@example.org")
    good = json.dumps([{"url": BLOG}]).encode()
    assert bulk(stack, None, good) == 401  # it forgets its token
    assert bulk(stack, "fd_not-a-token", good) == 401
    assert bulk(stack, website_token, good) == 200  # a website's JWT is fine too
    for not_an_array in (b"{}", b'"x"', b"[1, 2]", b"[{}, []]", b"not json"):
        assert bulk(stack, device_token, not_an_array) == 400, not_an_array
    assert bulk(stack, device_token, b"[]") == 200
    long_read = "https://big.example.org/" + "a-long-article-name/" * 5  # one page, re-sent
    big = json.dumps([{"url": long_read}] * 3000).encode()
    assert len(big) > 256 * 1024  # past every other route's limit, within this one's
    answer = stack.request(
        "POST",
        "/rest/v2/flattr/bulk",
        raw=big,
        headers={"Authorization": f"Bearer {device_token}"},
    )
    assert answer.status == 200, answer.body
    assert answer.json["skipped"]["over_limit"] == 2000  # past the entry limit: skipped
    assert answer.json["flattrs"] == 5 and answer.json["skipped"]["page_day_limit"] == 995

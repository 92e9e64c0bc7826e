"""Deleted accounts stay deleted (hardening finding 3), from outside over HTTP: after
``DELETE /v1/me`` the same token is refused on every authenticated route (401) and
recreates nothing; signing up again with the same email makes a new, unrelated user."""

from __future__ import annotations

import re
import uuid

import pytest

from functions.deployment import ROUTES
from tests.e2e.conftest import Client, emulator, eventually, signs_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: {"platform": "github"}.get(m[1], "x1"), path)


def test_a_deleted_accounts_token_is_refused_everywhere_and_recreates_nothing(stack: Client):
    old_id, token = stack.sign_in("deleted-for-good@example.org")
    assert stack.request("GET", "/v1/me", token=token).status == 200
    made = stack.request(
        "POST",
        "/v1/flattrs",
        {"event_id": str(uuid.uuid4()), "url": "https://example.org/before"},
        token=token,
    )
    assert made.status == 201, made.body
    assert stack.request("DELETE", "/v1/me", token=token).status == 204

    for route in (r for r in ROUTES if not r.public):
        answer = stack.request(route.method, concrete(route.path), {}, token=token)
        assert answer.status == 401, (route.route_key, answer.status, answer.body)
    after = stack.request(
        "POST",
        "/v1/flattrs",
        {"event_id": str(uuid.uuid4()), "url": "https://example.org/after"},
        token=token,
    )
    assert after.status == 401

    eventually(lambda: not signs_in(stack, "deleted-for-good@example.org"))  # erased last
    new_id, fresh = stack.sign_in("deleted-for-good@example.org")
    assert new_id != old_id
    assert stack.request("GET", "/v1/me", token=fresh).status == 200
    export = stack.request("GET", "/v1/me/export", token=fresh)
    assert export.status == 200
    assert export.json["user"]["user_id"] == new_id and export.json["flattrs"] == []
    assert old_id not in export.body.decode()


def scan(stack: Client, table: str) -> list[dict]:
    """A table of the stack's emulator, as an attacker with a copy of it would read it."""
    client, prefix = emulator(stack, "dynamodb")
    return list(client.scan(TableName=prefix + table)["Items"])


def test_a_deleted_users_handle_leaves_the_aliases(stack: Client):
    """Issue 29, finding 8: ``github:<login> -> github:<id>`` stayed in ``handle-aliases``
    after the account that proved it was deleted."""
    from tests.e2e.conftest import approve, start_connect

    _, token = stack.sign_in("alias-leaver@example.org")
    browser = stack.browser()
    done = browser.request("GET", approve(browser, start_connect(browser, token), "alias-leaver"))
    assert done.status == 302, done.body
    assert "github:alias-leaver" in str(scan(stack, "handle-aliases"))
    assert stack.request("DELETE", "/v1/me", token=token).status == 204
    eventually(lambda: "alias-leaver" not in str(scan(stack, "handle-aliases")))

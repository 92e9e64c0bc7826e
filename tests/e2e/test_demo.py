"""``make demo`` (issue 32, item 4): the stack starts with a believable few months in it,
made through its own routes: stats with history, a creator's public page, money waiting
for creators who have not signed up and their emails in the mailbox."""

from __future__ import annotations

import time

import pytest

from local.process import stack_output, start_stack, stop_stack, wait_healthy
from local.stack import free_port
from tests.e2e.conftest import Client

pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_stack_has_months_of_history_a_creator_and_money_waiting():
    port = free_port()
    process = start_stack(port, DEMO="1")
    stack = Client(f"http://127.0.0.1:{port}")
    try:
        wait_healthy(stack.base, process)
        deadline = time.monotonic() + 180
        while "demo data:" not in stack_output(process):  # seeding, through its own routes
            assert process.poll() is None and time.monotonic() < deadline, stack_output(process)
            time.sleep(0.5)
        months = stack.request("GET", "/v1/stats").json["items"]
        assert len(months) >= 3 and all(m["flattrs"] > 0 for m in months[:3]), months
        octocat = stack.request("GET", "/v1/profiles/octocat").json
        assert octocat["display_name"] == "The Octocat" and octocat["recipients"], octocat
        waiting = stack.request("GET", "/v1/unclaimed").json["items"]
        names = {item["recipient"]["display_name"] for item in waiting}
        assert {"monalisa", "fdroid"} <= names, names
        mail = stack.request("GET", "/_local/outbox").json["items"]
        assert any("monalisa@example.org" in m["to"] for m in mail)
        _, token = stack.sign_in("ada@example.org")
        history = stack.request("GET", "/v1/me/statements", token=token)
        assert history.status == 200, history.body
    finally:
        stop_stack(process)

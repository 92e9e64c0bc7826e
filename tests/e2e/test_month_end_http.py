"""The month ends on the local stack: the scheduler runs the split, the money adds up."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from tests.e2e.conftest import Client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_month_end_split_over_http(stack: Client):
    user_id, token = stack.sign_in("split-e2e@example.org")
    assert (
        stack.request(
            "POST", "/_local/balance", {"user_id": user_id, "amount": {"amount": "10"}}
        ).status
        == 200
    )
    patched = stack.request("PATCH", "/v1/me", {"monthly_budget": {"amount": "5"}}, token=token)
    assert patched.status == 200
    for url in ("https://a.example/1", "https://b.example/1", "https://b.example/2"):
        made = stack.request(
            "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": url}, token=token
        )
        assert made.status == 201, made.body
    balance = stack.request("GET", "/v1/me/balance", token=token).json
    assert balance["flattrs"] == 3
    month = balance["month"]

    now = datetime.fromisoformat(
        stack.request("GET", "/_local/clock").json["now"].replace("Z", "+00:00")
    )
    next_month = (now.replace(day=1) + timedelta(days=32)).replace(
        day=1, hour=0, minute=31, second=0
    )
    moved = stack.request(
        "POST", "/_local/clock", {"now": next_month.strftime("%Y-%m-%dT%H:%M:%SZ")}
    )
    assert "monthly-split" in moved.json["jobs_fired"]

    _, token = stack.sign_in("split-e2e@example.org")  # the clock moved past the old token
    statement = stack.request("GET", f"/v1/me/statements?month={month}", token=token).json
    assert statement["status"] == "split"
    assert statement["charge"]["amount"] == "5.000000" and statement["fee"]["amount"] == "0.500000"
    assert sorted(p["amount"]["amount"] for p in statement["parts"]) == ["1.500000", "3.000000"]
    unclaimed = stack.request("GET", "/v1/me/unclaimed", token=token).json["items"]
    assert {u["recipient"]["key"] for u in unclaimed} == {"web:a.example", "web:b.example"}
    rerun = stack.request("POST", "/_local/jobs/monthly-split", {"month": month})
    assert rerun.status == 200 and rerun.json["currencies"]["EUR"]["charged"] == 0

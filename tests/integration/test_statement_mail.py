"""The monthly statement email: sent once the month's split is done, once per contributor
and month, not to those who opted out."""

from __future__ import annotations

from tests.conftest import call
from tests.integration.claim_helpers import outbox, split_june
from tests.integration.payout_helpers import claim, run_job

BLOG = "web:blog.example.org"


def test_each_contributor_gets_their_statement_once_after_the_split(aws: None) -> None:
    assert run_job("statement-email", month="2031-06")["waiting_for_split"] is True
    claim(BLOG, "bea")
    split_june(("carl", BLOG, 3), ("carl", "web:elsewhere.example", 1), ("dina", BLOG, 1))
    call("PATCH", "/v1/me", {"money_emails": False}, user="dina")
    assert call("GET", "/v1/me", user="dina").json["money_emails"] is False
    assert run_job("statement-email")["sent"] == 1  # the month before July 1st: June
    (mail,) = [m for m in outbox("carl@example.org") if "statement" in m["subject"]]
    assert mail["subject"] == "Your Flattr statement for 2031-06"
    assert "you gave EUR 5.00, split equally over your 4 flattrs to 2 creators" in mail["text"]
    assert "EUR 1.12 of it waits for creators who have not joined" in mail["text"]
    assert not outbox("dina@example.org")
    assert run_job("statement-email")["sent"] == 0  # once

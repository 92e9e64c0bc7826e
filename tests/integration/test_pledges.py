"""Pledges (issue 35, step 1; rules.md "Pledges", api.md "Pledges and currencies"): a
monthly amount to one recipient, claimed or not, part of the budget and paid first at the
split, each whole or not at all, the newest dropped first; held in escrow for an unclaimed
recipient until it is claimed; shown in statements and in the creator's revenue. The ledger
check holds after each split."""

from __future__ import annotations

from decimal import Decimal

import pytest

from functions.common import clock
from functions.core.models import Recipient
from tests.conftest import call
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    claim,
    run_job,
)

JULY_SPLIT = JUNE.replace(month=7, day=1, hour=0, minute=30)


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def shown(amount: str) -> dict[str, str]:
    """An amount as the API answers it (to the micro-unit)."""
    return {"amount": f"{Decimal(amount):.6f}", "currency": "EUR"}


def pledge(recipient: str, amount: str, user: str = "ada"):
    return call("POST", "/v1/pledges", {"recipient": recipient, "amount": money(amount)}, user=user)


@pytest.fixture
def june(aws):
    clock.move_to(JUNE)
    add_user("ada", budget=5 * EUR, paid_in=20 * EUR)


def split() -> dict:
    if clock.now() < JULY_SPLIT:
        clock.move_to(JULY_SPLIT)
    summary = run_job("monthly-split", month="2031-06")
    assert_ledger_checks()
    return summary


def test_a_pledge_is_made_listed_changed_and_ended(june):
    made = pledge("github:octocat", "3.00")
    assert made.status == 201, made.raw
    assert made.json["recipient"]["key"] == "github:octocat" and made.json["amount"] == shown(
        "3.00"
    )
    assert made.json["budget_raised_to"] is None  # 3.00 fits the 5.00 budget
    listed = call("GET", "/v1/pledges", user="ada").json
    assert [p["id"] for p in listed["items"]] == [made.json["id"]]
    assert listed["total"] == shown("3.00")
    changed = call("PATCH", f"/v1/pledges/{made.json['id']}", {"amount": money("4.00")}, user="ada")
    assert changed.status == 200 and changed.json["amount"] == shown("4.00")
    assert call("DELETE", f"/v1/pledges/{made.json['id']}", user="ada").status == 204
    assert call("GET", "/v1/pledges", user="ada").json["items"] == []
    gone = call("DELETE", f"/v1/pledges/{made.json['id']}", user="ada")
    assert gone.status == 404


def test_pledging_more_than_the_budget_raises_it_and_says_so(june):
    pledge("github:octocat", "3.00")
    more = pledge("web:blog.example", "4.00")
    assert more.json["budget_raised_to"] == shown("7.00")
    assert call("GET", "/v1/me", user="ada").json["monthly_budget"] == shown("7.00")


@pytest.mark.parametrize(
    ("recipient", "amount", "status", "field"),
    [
        ("not a key", "3.00", 422, "body.recipient"),
        ("pending:abc", "3.00", 422, "body.recipient"),
        ("user:ada", "3.00", 422, "body.recipient"),
        ("github:octocat", "0.50", 422, "body.amount"),
        ("github:octocat", "5000.00", 422, "body.amount"),
    ],
)
def test_what_cannot_be_pledged_is_a_clear_4xx(june, recipient, amount, status, field):
    refused = pledge(recipient, amount)
    assert refused.status == status, refused.raw
    assert field in [e["field"] for e in refused.json["errors"]]


def test_ones_own_declined_and_repeated_recipients_are_refused(june):
    claim("github:mine", "ada")
    assert pledge("github:mine", "3.00").json["errors"][0]["message"] == "that is you"
    Recipient("github:refuser", declined_by="someone", declined_at=clock.now()).save()
    assert pledge("github:refuser", "3.00").status == 422
    assert pledge("github:octocat", "3.00").status == 201
    assert pledge("github:octocat", "2.00").status == 409


def test_the_split_pays_pledges_first_then_flattrs_and_holds_an_unclaimed_ones_money(june):
    add_user("creator")
    claim("github:octocat", "creator")
    pledge("github:octocat", "3.00")
    clock.advance(1)  # the older pledge first
    pledge("web:waiting.example", "1.00")
    add_flattrs("ada", "web:read.example", 2)
    summary = split()
    assert (
        summary["currencies"]["EUR"]["charged"] == 5 * EUR
        and summary["currencies"]["EUR"]["fees"] == 500_000
    )
    statement = call("GET", "/v1/me/statements", user="ada", query="month=2031-06").json
    assert [(p["recipient"]["key"], p["amount"], p["held"]) for p in statement["pledges"]] == [
        ("github:octocat", shown("2.70"), False),
        ("web:waiting.example", shown("0.90"), True),
    ]
    assert [(p["recipient"]["key"], p["amount"]) for p in statement["parts"]] == [
        ("web:read.example", shown("0.90"))
    ]
    revenue = call("GET", "/v1/me/revenue", user="creator", query="month=2031-06").json
    (month,) = revenue["items"]
    assert [(r["recipient"], r["amount"], r["supporters"]) for r in month["recipients"]] == [
        ("github:octocat", shown("2.70"), 1)
    ]
    split()  # a re-run: the ledger still checks, the statement is the same
    again = call("GET", "/v1/me/statements", user="ada", query="month=2031-06").json
    assert again == statement


def test_a_pledge_alone_is_charged_alone_and_the_newest_that_do_not_fit_are_dropped(aws):
    clock.move_to(JUNE)
    add_user("patron", budget=5 * EUR, paid_in=5 * EUR)
    pledge("github:first", "3.00", user="patron")
    clock.advance(60)
    pledge("github:second", "3.00", user="patron")  # the budget is raised to 6.00
    summary = split()
    assert summary["currencies"]["EUR"]["charged"] == 3 * EUR and summary["contributors"] == 1
    statement = call("GET", "/v1/me/statements", user="patron", query="month=2031-06").json
    assert [p["recipient"]["key"] for p in statement["pledges"]] == ["github:first"]
    assert [r["key"] for r in statement["dropped"]] == ["github:second"]
    assert statement["charge"] == shown("3.00")


def test_the_balance_page_shows_this_months_pledges_before_the_split(june):
    pledge("github:octocat", "3.00")
    balance = call("GET", "/v1/me/balance", user="ada").json
    assert [(p["recipient"]["key"], p["amount"]) for p in balance["pledges"]] == [
        ("github:octocat", shown("2.70"))
    ]


def test_pledges_are_in_the_export_and_go_with_the_account(june):
    from tests.integration.deletion_helpers import finish_deletions

    pledge("github:octocat", "3.00")
    exported = call("GET", "/v1/me/export", user="ada").json
    assert [p["recipient"] for p in exported["pledges"]] == ["github:octocat"]
    assert call("DELETE", "/v1/me", user="ada").status in (200, 202, 204)
    finish_deletions()
    from functions.core.models import Pledge

    assert list(Pledge.query("ada")) == []


def test_the_budget_may_not_go_below_the_pledges(june):
    pledge("github:octocat", "4.00")
    lowered = call("PATCH", "/v1/me", {"monthly_budget": money("3.00")}, user="ada")
    assert lowered.status == 422, lowered.raw
    assert lowered.json["errors"][0]["field"] == "body.monthly_budget.amount"
    assert "pledges" in lowered.json["errors"][0]["message"]

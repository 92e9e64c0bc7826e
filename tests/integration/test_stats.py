"""The public stats: per split month, aggregates only, counted by the split itself, the
same after a re-run or a crash; held money claimed, declined or expired since moves where it
went (issue 31: "stats count money claimed after its month's split"), and no marker of who
was paid is kept once the month's escrow is over."""

from __future__ import annotations

import pytest

from functions.claim.models import DomainClaim
from functions.common import clock
from functions.core import flattrs
from functions.core.models import MonthStat
from functions.payout import monthly
from tests.conftest import call
from tests.integration.payout_helpers import EUR, JUNE, add_flattrs, add_user, claim, run_job

JUNE_STATS = {
    "month": "2031-06",
    "contributors": 3,
    "flattrs": 7,
    "money_split": {"amount": "12.000000", "currency": "EUR"},
    # ada: 4.50 after the fee, half to octocat (claimed), half held for a.example; bob: 4.50
    # over blog.example (claimed, 1) and a.example (3); cy: 1.80 held for c.example.
    "to_creators": {"amount": "3.375000", "currency": "EUR"},  # 2.25 + 1.125
    "held_for_creators": {"amount": "7.425000", "currency": "EUR"},  # 2.25 + 3.375 + 1.80
    "share_claimed": "0.3125",  # 3.375 / 10.80
    "creators_paid": 2,
}


def june(aws) -> None:
    """ada (5 EUR) and bob (5 EUR) flattr two claimed creators and an unclaimed site;
    cy has 2 EUR for one unclaimed flattr; dee has nothing and made no flattr."""
    clock.move_to(JUNE)
    claim("github:octocat", "creator-1")
    claim("web:blog.example", "creator-2")
    for user, money in (("ada", 10 * EUR), ("bob", 10 * EUR), ("cy", 2 * EUR), ("dee", 0)):
        add_user(user, budget=5 * EUR, paid_in=money)
    add_flattrs("ada", "github:octocat", 1)
    add_flattrs("ada", "web:a.example", 1)
    add_flattrs("bob", "web:blog.example", 1)
    add_flattrs("bob", "web:a.example", 3)
    add_flattrs("cy", "web:c.example", 1)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))


def stats() -> list[dict]:
    answer = call("GET", "/v1/stats", user=None, query="from=2031-01&to=2031-12")
    assert answer.status == 200, answer.raw
    assert answer.headers["cache-control"] == "no-cache"  # a page never lags
    items = answer.json["items"]
    for item in items:  # one currency here: each list holds its one figure
        for name in ("money_split", "to_creators", "held_for_creators"):
            assert item.pop(f"{name}_by_currency") == [item[name]]
    return items


def test_the_split_counts_the_months_aggregates(aws):
    june(aws)
    run_job("monthly-split", month="2031-06")
    assert stats() == [JUNE_STATS]
    # Without a range: the twelve months up to the last one split.
    default = call("GET", "/v1/stats", user=None).json["items"]
    assert [m["month"] for m in default] == ["2031-06"]


def test_a_rerun_or_a_crash_counts_everyone_once(aws):
    june(aws)
    real = monthly.split_contributor
    calls = {"n": 0}

    def crash_on_the_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the Lambda died here")
        return real(*args, **kwargs)

    monthly.split_contributor = crash_on_the_second
    crashed = 0
    try:
        for shard in range(flattrs.shards_of("2031-06")):
            try:
                monthly.split_shard("2031-06", shard)
            except RuntimeError:
                crashed += 1
    finally:
        monthly.split_contributor = real
    assert crashed == 1
    run_job("monthly-split", month="2031-06")  # finishes the crashed shard, counts it whole
    assert stats() == [JUNE_STATS]
    run_job("monthly-split", month="2031-06")
    assert stats() == [JUNE_STATS]


def post(path: str, recipient: str, user: str) -> bool:
    answer = call("POST", path, body={"recipient": recipient}, user=user)
    assert answer.status == 200, answer.raw
    return True


def prove_domain(user: str, domain: str) -> None:
    DomainClaim(domain, user, token="t", verified_at=clock.now(), created_at=clock.now()).save()


def test_held_money_claimed_or_given_back_since_moves_in_the_stats(aws):
    """After the split: a new creator claims a.example (5.625 held), c.example's owner
    declines it (1.80 back to cy); the stats say where the money is now, and count the
    new creator paid in June."""
    june(aws)
    run_job("monthly-split", month="2031-06")
    prove_domain("creator-3", "a.example")
    assert post("/v1/claims", "web:a.example", "creator-3")
    prove_domain("creator-4", "c.example")
    assert post("/v1/declines", "web:c.example", "creator-4")
    now = {
        **JUNE_STATS,
        "to_creators": {"amount": "9.000000", "currency": "EUR"},  # 3.375 + 5.625
        "held_for_creators": {"amount": "0.000000", "currency": "EUR"},  # 1.80 went back
        "share_claimed": "0.8333",  # 9.00 / 10.80
        "creators_paid": 3,
    }
    assert stats() == [now]
    # A second claim request moves nothing more and counts nothing twice.
    assert post("/v1/claims", "web:a.example", "creator-3")
    assert stats() == [now]
    # Once June's escrow is over (1 January), who was paid is forgotten, the count kept.
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=3))
    run_job("expire-escrow")
    run_job("expire-escrow")
    assert stats() == [now]
    assert {i.part.split("#")[0] for i in MonthStat.query("2031-06")} == {
        "shard",
        "total",
        "later",
    }


def test_expired_escrow_leaves_the_held_figure(aws):
    june(aws)
    run_job("monthly-split", month="2031-06")
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=3))
    assert run_job("expire-escrow")["expired"] == 3
    (figures,) = stats()
    assert figures["held_for_creators"] == {"amount": "0.000000", "currency": "EUR"}
    assert figures["to_creators"] == JUNE_STATS["to_creators"]
    assert figures["creators_paid"] == 2


@pytest.mark.parametrize(
    ("query", "field"), [("from=2031-13", "query.from"), ("to=0000-01", "query.to")]
)
def test_bad_months_are_a_clear_4xx(aws, query, field):
    """``to=0000-01`` was a 500 (found by the HTTP fuzzer): no month before year 1."""
    answer = call("GET", "/v1/stats", user=None, query=query)
    assert answer.status in (400, 422), answer.raw
    assert answer.json["errors"][0]["field"] == field


def test_a_range_backwards_is_empty(aws):
    answer = call("GET", "/v1/stats", user=None, query="from=2031-06&to=2031-01")
    assert answer.status == 200 and answer.json["items"] == []

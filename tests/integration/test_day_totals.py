"""The day's totals (hardening finding 5): a request's cost does not grow with the pages
the day already holds; distinct pages and sites per contributor-day are capped.
(Parallel requests are tested over HTTP against the local stack, in
``tests/e2e/test_hardening_http.py``: in-process moto with threads proved unreliable.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.track.models import ActivityItem, PageDay
from tests.integration.track_helpers import (
    at_base,
    attend,
    dynamodb_calls,
    limits,
    report,
    visit,
    visits,
)

URL = "https://example.com/long-read"


@pytest.fixture
def now(aws):
    return at_base()


def test_a_requests_cost_does_not_grow_with_the_days_pages(now):
    assert attend(report(URL, 10, now - timedelta(seconds=60))).json["accepted"] == 1
    with dynamodb_calls() as empty_day:
        assert attend(report(URL, 10, now - timedelta(seconds=50))).json["accepted"] == 1
    for batch in range(3):
        attend(*[report(f"https://many.example/{batch}-{i}", 5, now) for i in range(100)])
    with dynamodb_calls() as full_day:
        assert attend(report(URL, 10, now - timedelta(seconds=40))).json["accepted"] == 1
    assert full_day == empty_day  # the same calls, whatever the day holds
    assert full_day["Query"] == 0 and full_day["Scan"] == 0


def test_distinct_pages_per_day_are_capped(now, monkeypatch):
    with limits(monkeypatch, MAX_PAGES_PER_DAY="3"):
        first = attend(
            *[report(f"https://cap.example/{i}", 5, now - timedelta(seconds=60)) for i in range(5)]
        )
        assert first.json["accepted"] == 3
        assert [r["reason"] for r in first.json["rejected"]] == ["daily_page_limit"] * 2
        # The pages already seen today still count their attention; the others stay out.
        again = attend(*[report(f"https://cap.example/{i}", 5, now) for i in range(5)])
        assert again.json["accepted"] == 3
        assert [r["reason"] for r in again.json["rejected"]] == ["daily_page_limit"] * 2
        assert len([i for i in PageDay.query("user-1") if i.item_key.startswith("att#")]) == 3


def test_distinct_sites_per_day_are_capped(now, monkeypatch):
    with limits(monkeypatch, MAX_SITES_PER_DAY="2"):
        answer = visits(
            *[visit(f"https://site{i}.example/", now - timedelta(minutes=5)) for i in range(4)]
        )
        assert answer.json["accepted"] == 2
        assert [r["reason"] for r in answer.json["rejected"]] == ["daily_site_limit"] * 2
        sites = [i for i in ActivityItem.query("user-1") if i.item_key.startswith("vis#")]
        assert len(sites) == 2

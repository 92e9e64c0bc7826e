"""Contention on one page-day (hardening finding 4): parallel attention reports from
several devices give no server error and count every second exactly once; parallel
visits to one site give no server error either; a request's cost does not grow with the
pages the day already holds; distinct pages and sites per contributor-day are capped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from functions.common.models import ActivityItem, PageDay, SiteVisits
from tests.integration.track_helpers import (
    at_base,
    attend,
    dynamodb_calls,
    limits,
    my_flattrs,
    report,
    visit,
    visits,
)

URL = "https://example.com/long-read"


@pytest.fixture
def now(aws):
    return at_base()


def in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def page_day() -> PageDay:
    (item,) = [i for i in PageDay.query("user-1") if i.item_key.startswith("att#")]
    return item


def test_fifty_parallel_reports_from_five_devices_count_every_second_once(now):
    start = now - timedelta(minutes=30)
    reports = [report(URL, 4, start + timedelta(seconds=4 * (i + 1))) for i in range(50)]
    answers = in_parallel(
        [lambda r=r, i=i: attend(r, device=f"device-{i % 5}") for i, r in enumerate(reports)]
    )
    assert [a.status for a in answers] == [200] * 50
    assert [a.json["rejected"] for a in answers] == [[]] * 50
    # Each report is recorded once. (A write whose answer was lost to a retry reads back
    # as a duplicate of itself: counted once all the same.)
    assert sum(a.json["accepted"] + a.json["duplicates"] for a in answers) == 50
    assert page_day().seconds == 200  # the sum sent, once
    # 50, 96, 138 and 176 seconds were crossed: four flattrs, each made once.
    assert len(my_flattrs()) == 4
    assert page_day().awarded == 4

    again = in_parallel([lambda r=r: attend(r, device="device-9") for r in reports[:20]])
    assert [a.json["duplicates"] for a in again] == [1] * 20
    assert page_day().seconds == 200 and len(my_flattrs()) == 4


def test_ten_parallel_visits_to_one_site_are_no_server_error(now):
    pages = [f"https://blog.example.net/post-{i}" for i in range(10)]
    answers = in_parallel(
        [
            lambda p=p, i=i: visits(visit(p, now - timedelta(minutes=20 - i), dwell=30))
            for i, p in enumerate(pages)
        ]
    )
    assert [a.status for a in answers] == [200] * 10
    assert sum(a.json["accepted"] for a in answers) == 10
    (site,) = SiteVisits.query("user-1", ActivityItem.item_key.startswith("vis#"))
    assert len(site.views) == 10


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

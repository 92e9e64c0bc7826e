"""POST /v1/visits: loyal reader, browsing session, synced duplicates, multi-author sites."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from functions.common import clock
from tests.integration.track_helpers import (
    at_base,
    dynamodb_calls,
    my_flattrs,
    visit,
    visits,
    writes,
)

SITE = "https://blog.example.org"


@pytest.fixture
def now(aws):
    return at_base()


def test_loyal_reader_three_visits_six_hours_apart(now):
    start = now - timedelta(hours=13)
    first = visits(visit(f"{SITE}/a", start), visit(f"{SITE}/b", start + timedelta(hours=6)))
    assert first.json["flattrs"] == []
    third = visits(visit(f"{SITE}/c", start + timedelta(hours=12)))
    (flattr,) = third.json["flattrs"]
    assert flattr["source"] == "visit"
    assert flattr["recipient"]["key"] == "web:example.org"
    assert flattr["url"] == "https://example.org/"  # the site, not the page read


def test_a_visit_5h59m_after_the_last_counted_one_does_not_count(now):
    start = now - timedelta(hours=12)
    answer = visits(
        visit(f"{SITE}/a", start),
        visit(f"{SITE}/b", start + timedelta(hours=6)),
        visit(f"{SITE}/c", start + timedelta(hours=12) - timedelta(seconds=1)),
    )
    assert answer.json["accepted"] == 3 and answer.json["flattrs"] == []


def test_loyal_visits_spread_over_more_than_30_days_do_not_count(now):
    start = now - timedelta(hours=40)
    visits(visit(f"{SITE}/a", start))
    clock.advance(15 * 86400)
    visits(visit(f"{SITE}/b", clock.now()))
    clock.advance(15 * 86400 + 40 * 3600 + 1)
    assert visits(visit(f"{SITE}/c", clock.now())).json["flattrs"] == []


def test_at_most_one_loyal_flattr_per_30_days(now):
    made = []
    for day in range(12):
        made += visits(visit(f"{SITE}/d{day}", clock.now())).json["flattrs"]
        clock.advance(86400)
    assert len(made) == 1


def test_browsing_session_four_pages_fifteen_seconds_each(now):
    answer = visits(
        *[visit(f"{SITE}/p{i}", now - timedelta(minutes=10 - i), dwell=15) for i in range(4)]
    )
    assert len(answer.json["flattrs"]) == 1


def test_browsing_session_with_a_14_second_page_is_no_flattr(now):
    dwell = [15, 15, 14, 15]
    answer = visits(
        *[
            visit(f"{SITE}/p{i}", now - timedelta(minutes=10 - i), dwell=d)
            for i, d in enumerate(dwell)
        ]
    )
    assert answer.json["flattrs"] == []


def test_the_same_synced_visit_from_two_devices_counts_once(now):
    at = now - timedelta(minutes=5)
    laptop = visits(
        *[visit(f"{SITE}/p{i}", at + timedelta(seconds=i), dwell=20) for i in range(3)],
        device="laptop",
    )
    phone = visits(
        *[visit(f"{SITE}/p{i}", at + timedelta(seconds=i), dwell=20) for i in range(3)],
        device="phone",
    )
    assert laptop.json["accepted"] == 3
    assert phone.json == {"accepted": 0, "duplicates": 3, "rejected": [], "flattrs": [], "done": []}
    assert my_flattrs() == []  # still 3 pages, not 6


def test_repeated_event_id_is_a_duplicate(now):
    item = visit(f"{SITE}/a", now, dwell=20, event_id=str(uuid.uuid4()))
    assert visits(item).json["accepted"] == 1
    assert visits(item).json["duplicates"] == 1


def test_multi_author_sites_earn_no_visit_flattrs(now):
    for host in (
        "https://alice.wordpress.com",
        "https://github.com/octocat",
        "https://mastodon.social/@x",
    ):
        answer = visits(
            *[visit(f"{host}/p{i}", now - timedelta(minutes=10 - i), dwell=30) for i in range(6)]
        )
        assert answer.json["accepted"] == 6 and answer.json["flattrs"] == []
    assert my_flattrs() == []


def test_refused_visits_have_reasons(now):
    answer = visits(visit("mailto:x@example.org", now), visit(f"{SITE}/a", now - timedelta(days=3)))
    assert [r["reason"] for r in answer.json["rejected"]] == ["not_http", "at_too_old"]


def test_more_than_500_visits_is_422(now):
    answer = visits(*[visit(f"{SITE}/a", now) for _ in range(501)])
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "body.visits"


def test_one_write_per_site(now):
    with dynamodb_calls() as counts:
        visits(
            *[visit(f"{SITE}/p{i}", now - timedelta(hours=i * 7)) for i in range(2)],
            visit("https://other.example/x", now),
        )
    assert writes(counts) == 2 + 1  # and the day's distinct sites, once
    with dynamodb_calls() as counts:
        visits(visit("https://other.example/y", now))
    assert writes(counts) == 1  # a site already visited today takes no new place


def test_a_request_reads_its_sites_visits_and_their_records_in_one_request(now):
    at = now - timedelta(minutes=5)
    with dynamodb_calls() as counts:
        answer = visits(*[visit(f"https://site{i}.example/", at, dwell=20) for i in range(3)])
    assert answer.json["accepted"] == 3
    assert counts["BatchGetItem activity+recipients"] == 1 and counts["BatchGetItem"] == 1

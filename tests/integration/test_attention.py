"""POST /v1/attention: thresholds, page-days across devices, limits, idempotency, cheap writes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from functions.common import clock
from functions.track import store, tracking
from functions.track.store import day_counter
from tests.conftest import call
from tests.integration.track_helpers import (
    at_base,
    attend,
    dynamodb_calls,
    explicit,
    limits,
    my_flattrs,
    report,
    writes,
)

URL = "https://example.com/article"


@pytest.fixture
def now(aws):
    return at_base()


def test_49_seconds_is_no_flattr_and_50_is_one(now):
    first = attend(report(URL, 49, now - timedelta(minutes=5)))
    assert first.status == 200
    assert first.json == {"accepted": 1, "duplicates": 0, "rejected": [], "flattrs": [], "done": []}
    second = attend(report(URL, 1, now))
    (flattr,) = second.json["flattrs"]
    assert flattr["recipient"] == {
        "key": "web:example.com",
        "platform": "web",
        "display_name": "example.com",
        "claimed": False,
    }
    assert flattr["source"] == "attention" and flattr["url"] == URL
    assert flattr["month"] == "2031-06"


def test_a_page_today_counts_every_device_and_names_the_seconds_to_the_next_flattr(now):
    def today():
        answer = call("GET", "/v1/attention", query=f"url={URL}")
        assert answer.status == 200
        return answer.json

    assert today() == {
        "url": URL,
        "day": "2031-06-10",
        "seconds": 0,
        "media": False,
        "flattrs": 0,
        "next_flattr_in": 50,
    }
    attend(report(URL, 30, now - timedelta(minutes=5)), device="laptop")
    attend(report(URL, 30, now), device="phone")
    assert (today()["seconds"], today()["flattrs"], today()["next_flattr_in"]) == (60, 1, 36)
    explicit(URL)  # the button moves the page-day to the next threshold
    assert (today()["seconds"], today()["flattrs"], today()["next_flattr_in"]) == (96, 2, 42)
    other = call("GET", "/v1/attention", query=f"url={URL}", user="user-2").json
    assert other["seconds"] == 0  # one contributor's page-day only


def test_a_page_today_of_a_page_nobody_can_be_flattred_for_is_a_422(now):
    from tests.conftest import call

    answer = call("GET", "/v1/attention", query="url=http://localhost/x")
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "query.url"


def test_media_139_and_140_seconds(now):
    assert attend(report(URL, 139, now - timedelta(minutes=10), "media")).json["flattrs"] == []
    assert len(attend(report(URL, 1, now, "media")).json["flattrs"]) == 1


def test_the_5th_text_flattr_comes_and_the_6th_never(now):
    start = now - timedelta(hours=2)
    made = []
    for minute in range(10):  # 10 reports of 60 s, one a minute apart: 600 s in all
        answer = attend(report(URL, 60, start + timedelta(minutes=minute + 1)))
        made += answer.json["flattrs"]
    assert len(made) == 5
    assert len(my_flattrs()) == 5


def test_two_devices_add_up_on_one_page_day(now):
    laptop = attend(report(URL, 30, now - timedelta(hours=3)), device="laptop")
    phone = attend(report(URL, 30, now - timedelta(hours=1)), device="phone")
    assert laptop.json["flattrs"] == []
    assert len(phone.json["flattrs"]) == 1


def test_the_page_day_starts_at_four_local(now):
    # 03:59:59 and 04:00:00 UTC are different days for a UTC profile.
    clock.move_to(now.replace(day=11, hour=4, minute=0, second=30))
    before = clock.now().replace(hour=3, minute=59, second=59)
    after = clock.now().replace(hour=4, minute=0, second=30)
    assert attend(report(URL, 40, before)).json["flattrs"] == []
    assert attend(report(URL, 20, after)).json["flattrs"] == []  # 20 s on a new day


def test_time_zone_moves_the_day_boundary(now):
    from tests.conftest import call

    call("PATCH", "/v1/me", body={"time_zone": "Asia/Tokyo"})  # UTC+9: 04:00 local = 19:00 UTC
    clock.move_to(now.replace(hour=19, minute=0, second=30))
    before = clock.now().replace(hour=18, minute=59, second=0)
    after = clock.now().replace(hour=19, minute=0, second=30)
    attend(report(URL, 40, before))
    assert attend(report(URL, 20, after)).json["flattrs"] == []


def test_a_repeated_event_id_counts_once(now):
    event = str(uuid.uuid4())
    first = attend(report(URL, 40, now - timedelta(minutes=2), event_id=event))
    again = attend(report(URL, 40, now - timedelta(minutes=2), event_id=event))
    assert first.json["accepted"] == 1
    assert again.json == {"accepted": 0, "duplicates": 1, "rejected": [], "flattrs": [], "done": []}
    assert attend(report(URL, 9, now)).json["flattrs"] == []  # 49 s in all, not 89


def test_same_event_id_twice_in_one_request(now):
    event = str(uuid.uuid4())
    answer = attend(
        report(URL, 30, now - timedelta(minutes=1), event_id=event),
        report(URL, 30, now - timedelta(minutes=1), event_id=event),
    )
    assert answer.json["accepted"] == 1 and answer.json["duplicates"] == 1
    assert answer.json["flattrs"] == []


def test_explicit_flattr_after_30_seconds_of_reading(now):
    attend(report(URL, 30, now - timedelta(minutes=1)))
    button = explicit(URL)
    assert button.status == 201
    # Attention moved to 50 s: reading on to 95 s makes nothing new, 96 s does.
    assert attend(report(URL, 45, now)).json["flattrs"] == []
    clock.advance(60)
    assert len(attend(report(URL, 1, clock.now())).json["flattrs"]) == 1
    assert sorted(f["source"] for f in my_flattrs()) == ["attention", "button"]


@pytest.mark.parametrize("seconds", [0, 901, -5])
def test_active_seconds_outside_1_to_900_is_422(now, seconds):
    answer = attend(report(URL, seconds, now))
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "body.reports.0.active_seconds"


@pytest.mark.parametrize("seconds", [1, 900])
def test_active_seconds_at_the_bounds_is_accepted(now, seconds):
    assert attend(report(URL, seconds, now)).json["accepted"] == 1


def test_float_seconds_and_naive_times_are_422(now):
    bad = report(URL, 10, now)
    bad["active_seconds"] = 10.5
    assert attend(bad).status == 422
    naive = report(URL, 10, now)
    naive["at"] = "2031-06-10T11:00:00"
    answer = attend(naive)
    assert answer.status == 422 and answer.json["errors"][0]["field"] == "body.reports.0.at"


def test_more_than_100_reports_is_422(now):
    answer = attend(*[report(URL, 1, now) for _ in range(101)])
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "body.reports"


def test_attention_cannot_exceed_the_time_that_passed(now):
    assert attend(report(URL, 600, now - timedelta(minutes=10))).json["accepted"] == 1
    # Another device claims 10 minutes ending at the same moment: impossible.
    answer = attend(report(URL, 600, now - timedelta(minutes=10)), device="phone")
    assert answer.json["rejected"][0]["reason"] == "exceeds_elapsed_time"
    assert answer.json["accepted"] == 0


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (-48 * 3600 - 1, "at_too_old"),
        (5 * 60 + 1, "at_in_future"),
    ],
)
def test_at_outside_the_window_is_rejected_with_a_reason(now, offset, reason):
    answer = attend(report(URL, 10, now + timedelta(seconds=offset)))
    assert answer.json["rejected"] == [
        {"event_id": answer.json["rejected"][0]["event_id"], "reason": reason}
    ]


@pytest.mark.parametrize("offset", [-48 * 3600 + 60, 5 * 60])
def test_at_inside_the_window_is_accepted(now, offset):
    assert attend(report(URL, 10, now + timedelta(seconds=offset))).json["accepted"] == 1


def test_a_month_already_split_is_closed(now):
    from functions.core.flattrs import close_month

    close_month("2031-06")
    clock.move_to(now.replace(month=7, day=1, hour=0, minute=30))
    late = clock.now().replace(month=6, day=30, hour=23, minute=0)
    answer = attend(report(URL, 10, late))
    assert answer.json["rejected"][0]["reason"] == "month_closed"


def test_not_flattrable_urls_are_refused_with_a_reason_and_not_stored(now):
    answer = attend(
        report("ftp://example.com/x", 60, now),
        report("https://www.paypal.com/myaccount", 60, now),
        report("https://github.com/settings", 60, now),
    )
    reasons = [r["reason"] for r in answer.json["rejected"]]
    assert reasons == ["not_http", "blocked_domain", "no_owner"]
    from functions.track.models import ActivityItem

    assert list(ActivityItem.scan()) == []


def test_daily_attention_limit(now, monkeypatch):
    with limits(monkeypatch, MAX_ATTENTION_SECONDS_PER_DAY="100"):
        ok = attend(report("https://a.example/1", 60, now - timedelta(minutes=30)))
        assert ok.json["accepted"] == 1
        over = attend(report("https://b.example/2", 41, now))
        assert over.json["rejected"][0]["reason"] == "daily_attention_limit"
        assert attend(report("https://b.example/2", 40, now)).json["accepted"] == 1


def test_daily_flattr_limit(now, monkeypatch):
    with limits(monkeypatch, MAX_FLATTRS_PER_DAY="2"):
        for page in range(2):
            got = attend(report(f"https://site{page}.example/", 50, now - timedelta(minutes=5)))
            assert len(got.json["flattrs"]) == 1
        third = attend(report("https://site9.example/", 50, now - timedelta(minutes=5)))
        assert third.json["rejected"][0]["reason"] == "daily_flattr_limit"
        assert explicit("https://site8.example/").status == 422
        assert len(my_flattrs()) == 2


# Every request also writes the day's totals once (its seconds and new pages, reserved
# under the daily limits in one atomic update).


def test_reports_for_one_page_are_folded_into_one_write(now):
    attend(report(URL, 5, now - timedelta(minutes=30)))  # the page-day exists
    with dynamodb_calls() as counts:
        answer = attend(*[report(URL, 2, now - timedelta(minutes=20 - i)) for i in range(10)])
    assert answer.json["accepted"] == 10 and answer.json["flattrs"] == []
    assert writes(counts) == 1 + 1


def test_the_page_days_a_request_only_adds_seconds_to_are_one_transaction(now):
    pages = [f"https://example.com/p{i}" for i in range(5)]
    with dynamodb_calls() as counts:
        answer = attend(
            *[report(p, 10, now - timedelta(minutes=1)) for p in pages for _ in range(3)]
        )
    # Three reports of 10 s ending at the same moment on one page: two pass the time.
    assert answer.json["accepted"] == 5
    assert writes(counts) == 1 + 1 and counts["TransactWriteItems"] == 1
    assert counts["TransactItems"] == 5  # one item a page-day
    for page in pages:
        assert call("GET", "/v1/attention", query=f"url={page}").json["seconds"] == 10


def test_a_page_day_changed_meanwhile_cancels_the_transaction_and_each_is_written_alone(
    now, monkeypatch
):
    """Another device reports one of the pages between this request's read and its write:
    the shared transaction writes nothing, each page-day is applied on its own (the changed
    one read again), and no second is lost or counted twice."""
    pages = [f"https://example.com/p{i}" for i in range(3)]
    shared = store.update_page_days
    meanwhile = []

    def another_device_first(contributor_id, updates):
        if not meanwhile:  # the phone's request, as the handler runs it
            phone = tracking.AttentionReport(
                str(uuid.uuid4()), pages[0], "text", 20, now - timedelta(minutes=3)
            )
            meanwhile.append(tracking.record_attention(contributor_id, [phone], now))
        return shared(contributor_id, updates)

    monkeypatch.setattr(store, "update_page_days", another_device_first)
    with dynamodb_calls() as counts:
        answer = attend(*[report(p, 10, now - timedelta(minutes=1)) for p in pages])
    assert meanwhile[0].accepted == 1
    assert answer.json["accepted"] == 3 and answer.json["rejected"] == []
    # The cancelled transaction; the laptop's day (1), the phone's day and page-day (2),
    # each page-day alone (3) and the changed one again, once read afresh (1).
    assert counts["TransactWriteItems"] == 1 and counts["UpdateItem activity"] == 7
    seconds = [call("GET", "/v1/attention", query=f"url={p}").json["seconds"] for p in pages]
    assert seconds == [30, 10, 10]


def test_the_day_budget_a_failed_shared_transaction_took_is_given_back(now, monkeypatch):
    """The page-days' transaction fails for a reason that is no conflict (the database
    unreachable): the request fails, and the seconds its reservation took are given back,
    so that the same reports sent again are not counted twice against the daily limit."""
    pages = [f"https://example.com/p{i}" for i in range(3)]

    def unreachable(contributor_id, updates):
        raise OSError("connection reset")

    monkeypatch.setattr(store, "update_page_days", unreachable)
    reports = [
        tracking.AttentionReport(str(uuid.uuid4()), p, "text", 10, now - timedelta(minutes=1))
        for p in pages
    ]
    with pytest.raises(OSError):
        tracking.record_attention("user-1", reports, now)
    assert store.day_totals("user-1", now.date().isoformat()).attention == 0


def test_crossing_a_threshold_is_one_transaction(now):
    with dynamodb_calls() as counts:
        answer = attend(report(URL, 60, now - timedelta(minutes=2)))
    assert len(answer.json["flattrs"]) == 1
    assert writes(counts) == 1 + 1 and counts["TransactWriteItems"] == 1
    # The page-day and the flattr: the day's flattr counter was taken with its totals.
    assert counts["TransactItems"] == 2
    assert day_counter("user-1", now.date().isoformat()) == 1


def test_flattrs_past_the_daily_limit_in_one_request_are_refused_one_by_one(now, monkeypatch):
    with limits(monkeypatch, MAX_FLATTRS_PER_DAY="2"):
        answer = attend(
            *[
                report(f"https://site{page}.example/", 50, now - timedelta(minutes=5))
                for page in range(3)
            ]
        )
    assert len(answer.json["flattrs"]) == 2
    assert [r["reason"] for r in answer.json["rejected"]] == ["daily_flattr_limit"]
    assert day_counter("user-1", now.date().isoformat()) == 2
    assert len(my_flattrs()) == 2


def test_the_answer_names_a_page_done_for_the_day_once_it_has_every_text_flattr(now):
    start = now - timedelta(hours=2)
    answers = [
        attend(
            report(
                URL,
                60,
                start + timedelta(minutes=minute + 1),
                event_id=f"00000000-0000-4000-8000-00000000000{minute}",
            )
        ).json
        for minute in range(4)  # 60, 120, 180, 240 s: the fifth flattr at 210
    ]
    assert [a["done"] for a in answers[:3]] == [[], [], []]
    day_end = now.replace(hour=4, minute=0, second=0, microsecond=0) + timedelta(days=1)
    assert answers[3]["done"] == [
        {
            "event_id": "00000000-0000-4000-8000-000000000003",
            "until": day_end.isoformat().replace("+00:00", "Z"),
            "kind": "text",
        }
    ]
    # Sent anyway (another device, say): still done; a media report could still earn more.
    again = attend(report(URL, 60, start + timedelta(minutes=6))).json
    assert again["done"][0]["kind"] == "text" and again["flattrs"] == []


def test_a_media_page_is_done_for_every_kind_past_its_last_threshold(now):
    start = now - timedelta(hours=4)
    for minute in range(4):
        attend(report(URL, 900, start + timedelta(minutes=15 * (minute + 1)), kind="media"))
    last = attend(report(URL, 900, start + timedelta(minutes=75), kind="media")).json
    assert last["done"][0]["kind"] == "any"

"""The month of a flattr (hardening finding 6): the UTC calendar month of the moment it
was made, whatever offset the client wrote its time in, for attention, visits, explicit
flattrs and likes; the flattr's id (which sorts a month as a key range) is in UTC too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from functions.common import clock
from functions.connections.poller import store_like
from functions.core.models import Flattr
from functions.core.platforms.base import Like
from tests.integration.track_helpers import attend, explicit, visit, visits

# Midnight UTC between June and July 2031.
BOUNDARY = datetime(2031, 7, 1, tzinfo=UTC)
EAST = timezone(timedelta(hours=2))  # 01:09+02:00 on 1 July is 23:09 UTC on 30 June
WEST = timezone(timedelta(hours=-2))  # 23:30-02:00 on 30 June is 01:30 UTC on 1 July


def report_at(url: str, at: datetime, seconds: int = 60) -> dict:
    return {
        "event_id": f"00000000-0000-4000-8000-{abs(hash((url, at))) % 10**12:012d}",
        "url": url,
        "kind": "text",
        "active_seconds": seconds,
        "at": at.isoformat(),
    }


def months() -> list[tuple[str, str]]:
    return sorted((f.month, f.flattr_id[:8]) for f in Flattr.query("user-1"))


@pytest.fixture
def at_boundary(aws):
    clock.move_to(BOUNDARY + timedelta(hours=3))


@pytest.mark.parametrize(
    ("local", "month", "day"),
    [
        (datetime(2031, 7, 1, 1, 9, tzinfo=EAST), "2031-06", "20310630"),
        (datetime(2031, 6, 30, 23, 30, tzinfo=WEST), "2031-07", "20310701"),
    ],
)
def test_attention_flattrs_belong_to_the_utc_month(at_boundary, local, month, day):
    answer = attend(report_at("https://example.com/a", local))
    assert len(answer.json["flattrs"]) == 1, answer.json
    assert answer.json["flattrs"][0]["month"] == month
    assert months() == [(month, day)]


@pytest.mark.parametrize(
    ("now", "month"),
    [(BOUNDARY - timedelta(minutes=30), "2031-06"), (BOUNDARY + timedelta(minutes=30), "2031-07")],
)
def test_explicit_flattrs_belong_to_the_utc_month(aws, now, month):
    clock.move_to(now.astimezone(EAST))
    answer = explicit("https://example.com/b")
    assert answer.status == 201 and answer.json["month"] == month


def test_visit_flattrs_belong_to_the_utc_month(at_boundary):
    pages = [f"https://reader.example/p{i}" for i in range(4)]
    start = BOUNDARY - timedelta(minutes=20)
    answer = visits(
        *[
            visit(p, (start + timedelta(minutes=i)).astimezone(WEST), dwell=30)
            for i, p in enumerate(pages)
        ]
    )
    assert [f["month"] for f in answer.json["flattrs"]] == ["2031-06"]


@pytest.mark.parametrize(
    ("liked", "month"),
    [
        (datetime(2031, 7, 1, 1, 9, tzinfo=EAST), "2031-06"),
        (datetime(2031, 6, 30, 23, 30, tzinfo=WEST), "2031-07"),
    ],
)
def test_like_flattrs_belong_to_the_utc_month(at_boundary, liked, month):
    like = Like("repo-1", "https://github.com/octo/repo", "github:octo", liked)
    assert store_like("user-1", "github", like, clock.now(), {})
    assert [m for m, _ in months()] == [month]

"""List cursors (hardening finding 4): a cursor this API gave pages on; anything else,
forged, altered, another user's or another month's, is a 422 naming ``query.cursor``,
never a 500. Fuzzed with hypothesis."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import call
from tests.integration.track_helpers import at_base, explicit


@pytest.fixture
def two_pages(aws):
    at_base()
    for i in range(3):
        assert explicit(f"https://example.org/{i}").status == 201
    first = call("GET", "/v1/flattrs", query="limit=2")
    assert first.status == 200 and first.json["cursor"]
    return first.json["cursor"]


def flattrs_page(cursor: str, user: str = "user-1", extra: str = ""):
    return call("GET", "/v1/flattrs", user=user, query=f"limit=2&cursor={quote(cursor)}{extra}")


def test_a_cursor_we_gave_pages_on(two_pages):
    second = flattrs_page(two_pages)
    assert second.status == 200 and len(second.json["items"]) == 1


def test_an_altered_cursor_another_users_or_another_months_is_a_422(two_pages):
    payload, _, signature = two_pages.partition(".")
    altered = payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature
    for answer in (
        flattrs_page(altered),
        flattrs_page(two_pages, user="user-2"),
        flattrs_page(two_pages, extra="&month=2031-05"),
    ):
        assert answer.status == 422, answer.raw
        assert answer.json["errors"][0]["field"] == "query.cursor"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cursor=st.text(min_size=1, max_size=300))
@example(cursor="0.\x80")  # found by this test: a non-ASCII signature once gave a 500
@example(cursor="é.é")
def test_any_other_cursor_is_a_422_never_a_500(two_pages, cursor):
    for path in ("/v1/flattrs", "/v1/unclaimed"):
        answer = call("GET", path, query=f"cursor={quote(cursor)}")
        assert answer.status == 422, (path, cursor, answer.raw)

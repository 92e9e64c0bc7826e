"""Bad input to every route: a clear 4xx as problem+json naming the field, never a 500."""

from __future__ import annotations

import json
import re

import pytest

from functions.deployment import ROUTES
from tests.conftest import call

BODY_ROUTES = [r for r in ROUTES if r.method in {"POST", "PATCH", "PUT"}]


def _takes_a_body(route) -> bool:
    from functions.openapi import openapi_document

    operation = openapi_document()["paths"][route.path][route.method.lower()]
    return "requestBody" in operation


JSON_BODY_ROUTES = [r for r in BODY_ROUTES if _takes_a_body(r)]
PROBLEM = "application/problem+json"


def concrete(path: str) -> str:
    return re.sub(r"\{\w+\}", "x1", path)


def assert_problem(answer, status: int, field: str | None = None) -> None:
    assert answer.status == status, answer.raw
    if answer.json.keys() >= {"error", "error_description"}:
        # The REST API v2 for apps answers in its own shape (api.md: errors), never
        # problem+json: the field is named in its description.
        assert answer.headers["content-type"].startswith("application/json")
        assert field is None or answer.json["error_description"].startswith(f"{field}:")
        return
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    if field is not None:
        assert field in [error["field"] for error in problem["errors"]], problem


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.route_key)
@pytest.mark.usefixtures("aws")
class TestBadBodies:
    def test_not_json(self, route):
        assert_problem(call(route.method, concrete(route.path), raw=b"{not json"), 400, "body")

    def test_not_utf8(self, route):
        raw = b'{"x": "\xff\xfe"}'
        assert_problem(call(route.method, concrete(route.path), raw=raw), 400, "body")

    def test_too_large(self, route):
        from functions.common.api import BULK_BODY_BYTES, BULK_ROUTES

        # 256 KiB, but the Flattr extension's bulk route takes API Gateway's 10 MB.
        limit = BULK_BODY_BYTES if route.route_key in BULK_ROUTES else 256 * 1024
        raw = json.dumps({"padding": "x" * (limit + 1024)}).encode()
        assert_problem(call(route.method, concrete(route.path), raw=raw), 413, "body")

    def test_binary_content_type_is_still_checked(self, route):
        answer = call(
            route.method,
            concrete(route.path),
            raw=b"\x00\x01\x02",
            headers={"content-type": "application/octet-stream"},
        )
        assert_problem(answer, 400, "body")


@pytest.mark.parametrize("route", JSON_BODY_ROUTES, ids=lambda r: r.route_key)
@pytest.mark.usefixtures("aws")
def test_wrong_type_for_the_whole_body(route):
    answer = call(route.method, concrete(route.path), body=[1, 2, 3])
    assert_problem(answer, 422)
    # Every bad field is named (a route with a required header names it too).
    assert any(error["field"].startswith("body") for error in answer.json["errors"])


def test_json_labelled_as_a_form_is_read_as_json(aws):
    # `curl -d '{...}'` labels its body application/x-www-form-urlencoded
    answer = call(
        "POST",
        "/v1/domains",
        raw=b'{"domain": "www.ada.dev"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 201, answer.raw
    assert answer.json["domain"] == "ada.dev"


def test_a_form_post_is_not_refused_as_bad_json(aws):
    answer = call(
        "POST",
        "/v1/email/unsubscribe",
        raw=b"List-Unsubscribe=One-Click",
        query="token=not-a-real-token",
        headers={"content-type": "application/x-www-form-urlencoded"},
        user=None,
    )
    assert_problem(answer, 400, "query.token")  # the token, not the body, is what is wrong


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
@pytest.mark.usefixtures("aws")
def test_junk_query_never_gives_a_server_error(route):
    answer = call(
        route.method,
        concrete(route.path),
        query="limit=abc&month=13-2026&cursor=%ZZ&url=javascript:alert(1)&receiver=nobody",
        body={} if route in BODY_ROUTES else None,
    )
    assert answer.status < 500, answer.raw


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": 5}, "body.time_zone"),
        ({"time_zone": "Mars/Olympus"}, "body.time_zone"),
        ({"time_zone": "localtime"}, "body.time_zone"),
        ({"time_zone": "posixrules"}, "body.time_zone"),
        ({"time_zone": "Factory"}, "body.time_zone"),
        ({"time_zone": "../../etc/passwd"}, "body.time_zone"),
        ({"monthly_budget": {"amount": 7.5}}, "body.monthly_budget.amount"),
        ({"monthly_budget": {"amount": "1.99"}}, "body.monthly_budget.amount"),
        ({"monthly_budget": {"amount": "5", "currency": "USD"}}, "body.monthly_budget.currency"),
        ({"monthly_budget": "5"}, "body.monthly_budget"),
        ({"email": "not an email"}, "body.email"),
    ],
)
def test_profile_fields_are_named(aws, body, field):
    assert_problem(call("PATCH", "/v1/me", body=body), 422, field)


def test_a_refused_change_loses_nothing_already_stored(aws):
    assert call("PATCH", "/v1/me", body={"time_zone": "Europe/Berlin"}).status == 200
    assert call("PATCH", "/v1/me", body={"time_zone": "Nowhere/Else"}).status == 422
    assert call("GET", "/v1/me").json["time_zone"] == "Europe/Berlin"


def test_unknown_route_is_a_problem_not_a_crash(aws):
    from local.gateway import match

    assert match("GET", "/v1/nothing-here") is None


def test_missing_claims_is_401(aws):
    answer = call("GET", "/v1/me", user=None)
    assert_problem(answer, 401)

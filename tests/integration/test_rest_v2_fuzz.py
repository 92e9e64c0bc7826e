"""Every REST API v2 route fuzzed (issue 33, "Safety"): generated paths, queries, bodies
(JSON, forms, neither) and tokens (an app's with every scope, a revoked-looking one, none)
get a 2xx, a 302 or a 4xx in v2's own error shape, never a 5xx and never problem+json.
In process, through the real handler: the HTTP fuzz of the whole API (``tests/e2e``) signs
in with the website's token, which these routes refuse before reading anything."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import call
from tests.integration.app_helpers import token_for

ROUTES = [
    ("GET", "/rest/v2/user"),
    ("GET", "/rest/v2/users/{text}"),
    ("GET", "/rest/v2/users/{text}/flattrs"),
    ("GET", "/rest/v2/user/flattrs"),
    ("POST", "/rest/v2/flattr"),
    ("GET", "/rest/v2/things/lookup"),
    ("GET", "/rest/v2/things/{text}"),
    ("POST", "/rest/v2/things/{text}/flattr"),
    ("GET", "/rest/v2/rate_limit"),
    ("GET", "/rest/v2/{text}"),
    ("DELETE", "/rest/v2/things/{text}"),
]
SEGMENT = st.one_of(
    st.text(st.characters(codec="ascii", exclude_characters="/?#%"), min_size=1, max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.just("1,2,3"),
)
VALUES = st.one_of(
    st.text(max_size=60),
    st.integers().map(str),
    st.sampled_from(["https://github.com/octocat/x", "https://flattr.com/submit/auto?url=x",
                     "http://127.0.0.1/", "javascript:alert(1)", "", "0", "-1", "True"]),
)  # fmt: skip
QUERY = st.dictionaries(st.sampled_from(["url", "count", "page", "full", "x"]), VALUES)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
BODY = st.one_of(
    st.none(),
    st.builds(lambda v: ("application/json", json.dumps({"url": v}).encode()), JSON_VALUE),
    st.builds(lambda v: ("application/json", json.dumps(v).encode()), JSON_VALUE),
    st.builds(lambda q: ("application/x-www-form-urlencoded", urlencode(q).encode()), QUERY),
    st.builds(lambda b: ("text/plain", b), st.binary(max_size=40)),
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    segment=SEGMENT,
    query=QUERY,
    body=BODY,
    which=st.sampled_from(["app", "none", "unknown"]),
    slash=st.booleans(),
)
def test_no_v2_request_gets_a_server_error(app, route, segment, query, body, which, slash):
    token = {"none": None, "unknown": "fa_unknown", "app": _token(app)}[which]
    method, template = route
    path = template.replace("{text}", segment) + ("/" if slash else "")
    headers = {"authorization": f"Bearer {token}"} if token else {}
    raw = b""
    if body is not None:
        headers["content-type"], raw = body
    answer = call(method, path, user=None, query=urlencode(query), raw=raw, headers=headers)
    assert answer.status < 500, (method, path, query, body, answer.raw)
    assert not answer.headers.get("content-type", "").startswith("application/problem")
    if answer.status >= 400:
        assert {"error", "error_description"} <= set(json.loads(answer.raw)), answer.raw


_tokens: dict[str, str] = {}


def _token(app: dict) -> str:
    """One token per app (the fixture's app is made once per test, not per example)."""
    if app["client_id"] not in _tokens:
        _tokens[app["client_id"]] = token_for(app, "fuzzer", "flattr extendedread email thing")
    return _tokens[app["client_id"]]

"""Turns an HTTP request into an API Gateway HTTP API (payload 2.0) event and
invokes the real handler of its route, using the route table the CDK app uses."""

from __future__ import annotations

import base64
import importlib
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from functions.deployment import CATCH_ALL, ROUTES, Route


@dataclass
class LambdaContext:
    """What the Lambda runtime passes as ``context``, enough for Powertools."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    log_group_name: str = "local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:eu-west-1:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _pattern(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))  # greedy: {proxy+}
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


# As API Gateway chooses: a declared route first, a catch-all only for what none matches.
_COMPILED = [(route, _pattern(route.path)) for route in ROUTES + CATCH_ALL]


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route, pattern in _COMPILED:
        found = pattern.match(path)
        if found and route.method in (method, "ANY"):
            return route, found.groupdict()
    return None


def path_exists(path: str) -> bool:
    return any(pattern.match(path) for _, pattern in _COMPILED)


# Lambda runs one invocation at a time in an execution environment, and sends requests
# that come together to other environments. Here one environment a function serves them
# all, so its invocations take turns (Powertools' resolver keeps the request it is
# answering on the app: two requests at once in one handler clashed, a 500 now and then
# when the gateway took hundreds of connections at once). An invocation made from inside
# one of the same function, on its thread, runs nested rather than waiting for itself (the
# in-process fake Stripe of the tests delivers its event to the payments webhook before
# the payments request that caused it returns; Lambda would take it in another
# environment).
_ENVIRONMENTS: dict[str, threading.RLock] = {}
_GUARD = threading.Lock()


def invoke(domain: str, entry: str, event: dict[str, Any]) -> Any:
    """Invoke ``functions.<domain>.handler.<entry>`` as the Lambda runtime would: one
    invocation of a function at a time."""
    module = importlib.import_module(f"functions.{domain}.handler")
    context = LambdaContext(function_name=f"flattr-{domain}", aws_request_id=str(uuid.uuid4()))
    with _GUARD:
        environment = _ENVIRONMENTS.setdefault(f"{domain}.{entry}", threading.RLock())
    with environment:
        return getattr(module, entry)(event, context)


def _request_context(
    route: Route,
    method: str,
    path: str,
    headers: dict[str, str],
    source_ip: str,
    claims: dict[str, Any] | None,
) -> dict[str, Any]:
    now = time.time()
    context: dict[str, Any] = {
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": headers.get("host", "127.0.0.1"),
        "domainPrefix": "local",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.route_key,
        "stage": "$default",
        "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None and route.devices:
        # The device routes' Lambda authorizer's context (``functions/authorizer``).
        context["authorizer"] = {"lambda": {k: str(v) for k, v in claims.items()}}
    elif claims is not None:
        context["authorizer"] = {
            "jwt": {"claims": {k: str(v) for k, v in claims.items()}, "scopes": None}
        }
    return context


def _with_body(event: dict[str, Any], headers: dict[str, str], body: bytes) -> None:
    """Text as is; anything else base64-encoded, as API Gateway does."""
    content_type = headers.get("content-type", "")
    textual = content_type.startswith(("application/json", "text/")) or content_type == ""
    try:
        if not textual:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "binary content type")
        event["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        event["body"] = base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = True


def build_event(
    route: Route,
    path_parameters: dict[str, str],
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    claims: dict[str, Any] | None,
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event of one request."""
    query_parameters: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        query_parameters[key] = (
            f"{query_parameters[key]},{value}" if key in query_parameters else value
        )
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": _request_context(route, method, path, headers, source_ip, claims),
        "isBase64Encoded": False,
    }
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers["cookie"].split(";")]
    if query_parameters:
        event["queryStringParameters"] = query_parameters
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        _with_body(event, headers, body)
    return event


def response_parts(result: Any) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a payload 2.0 Lambda response (its cookies apart:
    ``response_cookies``)."""
    status = int(result.get("statusCode", 200))
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    return status, headers, raw


def response_cookies(result: Any) -> list[str]:
    """The ``Set-Cookie`` values of a payload 2.0 response: one header each, as API
    Gateway sends them (joined, their ``Expires`` commas would be ambiguous)."""
    return [str(cookie) for cookie in result.get("cookies") or []]

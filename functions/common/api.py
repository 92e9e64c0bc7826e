"""The API app factory: one Powertools resolver per Lambda, errors as problem+json."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from functions.common import deletions
from functions.common.errors import (
    PROBLEM_JSON,
    Busy,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Malformed,
    Missing,
    NotAuthenticated,
    Problem,
    TooMany,
    Unauthorized,
    Unavailable,
    V2Error,
    bad_field,
)
from functions.common.settings import settings

METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Declared:
    """A route as its decorator declares it: method, path, and who may call it."""

    method: str
    path: str
    public: bool = False  # anyone, signed in or not
    devices: bool = False  # a browser extension's device token too, not only Cognito's JWTs


class DomainRouter(Router):
    """A domain's routes, each declared once, by its decorator: method and path, and who
    may call it (``public=True``: anyone; ``devices=True``: an extension's device token
    too, ``functions/authorizer``: what an extension needs, nothing that moves money out).
    ``functions/deployment.py`` reads ``declared`` for the CDK app, the local gateway and
    the OpenAPI document."""

    def __init__(self) -> None:
        super().__init__()
        self.declared: list[Declared] = []

    def _declared(
        self,
        method: str,
        register: Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]],
        rule: str,
        public: bool,
        devices: bool,
        *args: Any,
        **kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        path = re.sub(r"<(\w+)>", r"{\1}", rule)  # Powertools' <name> is API Gateway's {name}
        self.declared.append(Declared(method, path, public, devices))
        return register(rule, *args, **kwargs)

    def get(  # type: ignore[override]
        self, rule: str, *args: Any, public: bool = False, devices: bool = False, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._declared("GET", super().get, rule, public, devices, *args, **kwargs)

    def post(  # type: ignore[override]
        self, rule: str, *args: Any, public: bool = False, devices: bool = False, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._declared("POST", super().post, rule, public, devices, *args, **kwargs)

    def patch(  # type: ignore[override]
        self, rule: str, *args: Any, public: bool = False, devices: bool = False, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._declared("PATCH", super().patch, rule, public, devices, *args, **kwargs)

    def put(  # type: ignore[override]
        self, rule: str, *args: Any, public: bool = False, devices: bool = False, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._declared("PUT", super().put, rule, public, devices, *args, **kwargs)

    def delete(  # type: ignore[override]
        self, rule: str, *args: Any, public: bool = False, devices: bool = False, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._declared("DELETE", super().delete, rule, public, devices, *args, **kwargs)


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """The user id and password of an HTTP ``Basic`` authorization (RFC 7617; OAuth clients
    form-encode both first, RFC 6749 2.3.1), or None for anything else."""
    if not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return unquote(user), unquote(password)


def problem_response(problem: Problem) -> Response[str]:
    return Response(status_code=problem.status, content_type=PROBLEM_JSON, body=problem.to_json())


def _field_name(location: Iterable[Any]) -> str:
    parts = [str(part) for part in location]
    return ".".join(parts) if parts else "body"


def validation_problem(errors: Iterable[dict[str, Any]]) -> Problem:
    listed = [
        {"field": _field_name(error.get("loc", ())), "message": error.get("msg", "is invalid")}
        for error in errors
    ]
    fields = ", ".join(item["field"] for item in listed) or "body"
    return Problem(422, "validation-error", f"invalid fields: {fields}", errors=listed)


STATUS_OF: tuple[tuple[type[DomainError], int], ...] = (
    (Malformed, 400),
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (Missing, 404),
    (Conflict, 409),
    (Invalid, 422),
    (Unavailable, 502),
)


def problem_of(error: DomainError) -> Problem:
    """The problem+json a domain error is answered with."""
    status = next((code for kind, code in STATUS_OF if isinstance(error, kind)), 422)
    errors = [{"field": error.field, "message": error.message}] if error.field else None
    return Problem(status, error.slug, error.detail, errors=errors)


V2_PREFIX = "/rest/v2/"  # the Flattr REST API v2: its own error shape (``V2Error``)
# The request's ``limits.Window``, kept on the request's own event: the one object a
# router and the resolver that answers surely share (a router's ``context`` is that of the
# last resolver that included it: another one, where the OpenAPI document is built).
V2_RATE_LIMIT = "v2_rate_limit"


def v2_response(
    app: APIGatewayHttpResolver, status: int, body: Any, headers: dict[str, str] | None = None
) -> Response[str]:
    """An answer of the REST API v2: JSON, with the ``X-RateLimit-*`` headers wherever the
    request was counted."""
    window = app.current_event.raw_event.get(V2_RATE_LIMIT)
    found = dict(headers or {})
    if window is not None:
        found.update(
            {
                "X-RateLimit-Limit": str(window.limit),
                "X-RateLimit-Remaining": str(window.remaining),
                "X-RateLimit-Current": str(window.used),
                "X-RateLimit-Reset": str(window.reset),
            }
        )
    return Response(
        status_code=status,
        content_type="application/json; charset=utf-8",
        body=json.dumps(body),
        headers=found,
    )


def v2_body(error: str, description: str) -> dict[str, str]:
    """v2's error body."""
    return {
        "error": error,
        "error_description": description,
        "error_uri": f"{settings().public_url}/developers",
    }


def v2_error(app: APIGatewayHttpResolver, error: V2Error) -> Response[str]:
    return v2_response(app, error.status, v2_body(error.error, error.description))


def _is_v2(app: APIGatewayHttpResolver) -> bool:
    return _v2_path(app.current_event.raw_event)


def _v2_path(event: dict[str, Any]) -> bool:
    """A request of the REST API v2 for apps (the Flattr extension's bulk route answers as
    the rest of the API does)."""
    path = str(event.get("rawPath") or "")
    return path.startswith(V2_PREFIX) and f"POST {path}" not in BULK_ROUTES


def make_resolver(routers: Iterable[Router], logger: Logger) -> APIGatewayHttpResolver:
    """A resolver with validation and every error mapped to problem+json (the REST API
    v2's to its own shape)."""
    app = APIGatewayHttpResolver(enable_validation=True)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(V2Error)
    def _v2(error: V2Error) -> Response[str]:
        return v2_error(app, error)

    @app.exception_handler(Problem)
    def _problem(error: Problem) -> Response[str]:
        return problem_response(error)

    @app.exception_handler(DomainError)
    def _refused(error: DomainError) -> Response[str]:
        return problem_response(problem_of(error))

    @app.exception_handler(TooMany)
    def _too_many(error: TooMany) -> Response[str]:
        return Response(
            status_code=429,
            content_type=PROBLEM_JSON,
            body=Problem(429, error.slug, error.detail).to_json(),
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(Busy)
    def _busy(error: Busy) -> Response[str]:
        problem = Problem(503, "busy", "the item is being changed by other requests; retry")
        return Response(
            status_code=503,
            content_type=PROBLEM_JSON,
            body=problem.to_json(),
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[str]:
        return problem_response(validation_problem(error.errors()))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        if _is_v2(app):
            return v2_error(app, V2Error(404, "not_found", "The resource was not found"))
        return problem_response(Problem(404, "not-found", "no such route"))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        if _is_v2(app):
            return v2_error(app, V2Error(500, "server_error", "An unexpected error occurred"))
        return problem_response(Problem(500, "internal-error", "an unexpected error occurred"))

    return app


# The Flattr extension resends its whole backlog at once (issue 15): its route takes up to
# API Gateway's own limit.
BULK_ROUTES = frozenset({"POST /rest/v2/flattr/bulk"})
# Routes that read a form body themselves (OAuth's token and revocation endpoints: RFC 6749
# and 7009 speak forms; and every POST of the REST API v2, whose clients send either);
# every other route's form body is dropped.
FORM_ROUTES = frozenset({"POST /oauth/token", "POST /oauth/revoke"})


def _reads_forms(event: dict[str, Any]) -> bool:
    return event.get("routeKey") in FORM_ROUTES or _v2_path(event)


BULK_BODY_BYTES = 10 * 1024 * 1024


def check_raw_body(event: dict[str, Any]) -> Problem | None:
    """Refuse what the validation layer cannot describe: oversized, non-UTF-8, non-JSON."""
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET")
    body = event.get("body")
    if method not in METHODS_WITH_BODY or body is None:
        return None
    raw: bytes
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return bad_field(400, "body", "is not valid base64")
    else:
        raw = body.encode("utf-8", "surrogatepass")
    limit = BULK_BODY_BYTES if event.get("routeKey") in BULK_ROUTES else settings().max_body_bytes
    if len(raw) > limit:
        return Problem(
            413,
            "payload-too-large",
            f"body: larger than {limit} bytes",
            errors=[{"field": "body", "message": "too large"}],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return bad_field(400, "body", "is not UTF-8")
    if text.strip() == "":
        return None
    try:
        json.loads(text)
    except RecursionError:
        return bad_field(400, "body", "is nested too deeply")
    except ValueError:
        content_type = next(
            (
                str(v)
                for k, v in (event.get("headers") or {}).items()
                if k.lower() == "content-type"
            ),
            "",
        )
        if content_type.split(";", 1)[0].strip().lower() != "application/x-www-form-urlencoded":
            return bad_field(400, "body", "is not valid JSON")
        if _reads_forms(event):
            event["body"] = text
            event["isBase64Encoded"] = False
            return None
        # A real form post (RFC 8058's one-click unsubscribe sends one): no route reads a
        # form body, so it is dropped; a route that wants JSON then says what is missing.
        event["body"] = None
        event["isBase64Encoded"] = False
        return None
    # Normalise: the resolver then sees plain UTF-8 JSON, whatever the client labelled it.
    event["body"] = text
    event["isBase64Encoded"] = False
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    headers["content-type"] = "application/json"
    event["headers"] = headers
    return None


def check_not_deleted(event: dict[str, Any]) -> Problem | None:
    """A token of a deleted account is refused on every route, as if it had expired."""
    sub = authorizer_claims(event).get("sub")
    if sub and deletions.is_deleted(str(sub)):
        return Unauthorized()
    return None


def guarded(
    app: APIGatewayHttpResolver,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wrap ``app.resolve`` so a malformed raw body is a 4xx, and a deleted account's
    token a 401, before any route runs."""

    def resolve(event: dict[str, Any], context: Any) -> dict[str, Any]:
        _normal_v2_path(event)
        if _v2_path(event):
            return _resolve_v2(app, event, context)
        problem = check_raw_body(event) or check_not_deleted(event)
        if problem is not None:
            return {
                "statusCode": problem.status,
                "headers": {"Content-Type": PROBLEM_JSON, "X-Content-Type-Options": "nosniff"},
                "body": problem.to_json(),
                "isBase64Encoded": False,
            }
        return with_security_headers(app.resolve(event, context))

    return resolve


# The REST API v2 "supports CORS for all requests" (its documentation): apps in a browser
# call it with a bearer token, never a cookie, so any origin may read its answers.
V2_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "Location, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Current, X-RateLimit-Reset"
    ),
}
V2_PREFLIGHT = {
    **V2_CORS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


def _normal_v2_path(event: dict[str, Any]) -> None:
    """v2's paths as its clients write them: with or without a trailing slash (its
    documentation does both) or a ``.json`` suffix (its default format named); the
    catch-all route ``deployment.CATCH_ALL`` brings them here."""
    path = str(event.get("rawPath") or "")
    if path.startswith(V2_PREFIX):
        path = path.rstrip("/")
        event["rawPath"] = path.removesuffix(".json")


def _resolve_v2(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A request of the REST API v2: its own error shape before any route runs too, and
    CORS on every answer (a preflight answered here)."""
    method = (event.get("requestContext") or {}).get("http", {}).get("method", "GET")
    if method == "OPTIONS":
        return {"statusCode": 204, "headers": V2_PREFLIGHT, "body": "", "isBase64Encoded": False}
    problem = check_raw_body(event) or check_not_deleted(event)
    if problem is not None:
        error = "unauthorized" if problem.status == 401 else "invalid_request"
        response: dict[str, Any] = {
            "statusCode": problem.status,
            "headers": {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff"},
            "body": json.dumps(v2_body(error, problem.detail)),
            "isBase64Encoded": False,
        }
    else:
        response = with_security_headers(app.resolve(event, context))
    return {**response, "headers": {**(response.get("headers") or {}), **V2_CORS}}


# Every HTML page the API serves (claim pages, unsubscribe) is plain HTML with one
# stylesheet and at most a form posting to itself: nothing else may load, nothing may frame
# it, and its URL (which holds a token) goes to no other site. Sent by the handler itself,
# so the API's own host serves them as the website's host (through CloudFront) does.
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def with_security_headers(response: dict[str, Any]) -> dict[str, Any]:
    """``nosniff`` on every answer; ``HTML_HEADERS`` too on HTML (a route's own win)."""
    headers = dict(response.get("headers") or {})
    names = {name.lower() for name in headers}
    content_type = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
    wanted = {"X-Content-Type-Options": "nosniff"}
    if content_type.split(";", 1)[0].strip().lower() == "text/html":
        wanted.update(HTML_HEADERS)
    headers.update({k: v for k, v in wanted.items() if k.lower() not in names})
    return {**response, "headers": headers}


def authorizer_claims(event: dict[str, Any]) -> dict[str, Any]:
    """What the authorizer verified of the caller: the JWT authorizer's claims, or the
    device routes' authorizer's context (``functions/authorizer``); empty when public."""
    found = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = (found.get("jwt") or {}).get("claims") or found.get("lambda")
    return dict(claims) if isinstance(claims, dict) else {}


def jwt_claims(app: APIGatewayHttpResolver | Router) -> dict[str, Any]:
    """The claims that the authorizer verified for this request (empty when public)."""
    return authorizer_claims(app.current_event.raw_event)


def current_user_id(app: APIGatewayHttpResolver | Router) -> str:
    """The user id (``sub``) that the JWT authorizer verified for this request."""
    sub = jwt_claims(app).get("sub")
    if not sub:
        raise Unauthorized()
    return str(sub)


def private_cookie(
    name: str, value: str, *, path: str, max_age: int, same_site: SameSite
) -> Cookie:
    """A cookie page script cannot read, sent back only to ``path``, ``Secure`` wherever the
    site is served over HTTPS (plain HTTP only on the local stack's loopback)."""
    return Cookie(
        name,
        value,
        path=path,
        secure=settings().public_url.startswith("https://"),
        http_only=True,
        max_age=max_age,
        same_site=same_site,
    )


def request_cookie(app: APIGatewayHttpResolver | Router, wanted: str) -> str | None:
    """The value of the cookie ``wanted`` the browser sent (payload 2.0 lists them apart)."""
    for cookie in app.current_event.raw_event.get("cookies") or []:
        name, _, value = cookie.strip().partition("=")
        if name == wanted and value:
            return value
    return None


def bearer_token(app: APIGatewayHttpResolver | Router) -> str:
    """The access token the request came with (the authorizer verified it): what Cognito's
    own API wants for a user's changes to their sign-in (TOTP)."""
    header = app.current_event.headers.get("authorization") or ""
    if not header.lower().startswith("bearer "):
        raise Unauthorized()
    return header[7:].strip()

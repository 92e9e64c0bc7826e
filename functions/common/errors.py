"""RFC 9457 problem details: every error the API answers has this shape."""

from __future__ import annotations

import json
from typing import Any

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """A client-facing error. ``slug`` becomes the problem ``type``."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title or slug.replace("-", " ").capitalize()
        self.detail = detail
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def to_json(self) -> str:
        return json.dumps(self.body())


def bad_field(status: int, field: str, message: str, slug: str = "invalid-request") -> Problem:
    """A problem about one named field of the request."""
    return Problem(
        status,
        slug,
        f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )


class NotFound(Problem):
    def __init__(self, what: str) -> None:
        super().__init__(404, "not-found", f"{what} was not found")


class Unauthorized(Problem):
    def __init__(self) -> None:
        super().__init__(401, "unauthorized", "a valid bearer token is required")


class DomainError(Exception):
    """Domain logic refusing what was asked, in the domain's words: what is wrong and, where
    one field is to blame, which. Logic and jobs raise these, never HTTP problems; the API
    layer (``common/api.py``) answers each kind with its status as problem+json, and a job
    handles or logs them."""

    slug = "invalid-request"

    def __init__(self, message: str, *, field: str | None = None, slug: str | None = None):
        detail = f"{field}: {message}" if field else message
        super().__init__(detail)
        self.detail = detail
        self.message = message
        self.field = field
        if slug is not None:
            self.slug = slug


class NotAuthenticated(DomainError):
    """The caller's credentials were refused where they were used (401), as the edge
    answers a missing or expired token."""

    slug = "unauthorized"

    def __init__(self, message: str = "a valid bearer token is required") -> None:
        super().__init__(message)


class Malformed(DomainError):
    """The request is missing something or cannot be read (400)."""


class Invalid(DomainError):
    """The request is well formed but breaks a rule (422)."""


class Forbidden(DomainError):
    """The caller may not do this (403)."""

    slug = "forbidden"


class Missing(DomainError):
    """What the request names does not exist, or not for this caller (404)."""

    slug = "not-found"


class Conflict(DomainError):
    """The request conflicts with what is stored (409)."""

    slug = "conflict"


class Unavailable(DomainError):
    """A service outside ours did not answer, or answered nonsense (502)."""

    slug = "unavailable"


class TooMany(DomainError):
    """A limit on how often the caller may ask this was reached (429 with ``Retry-After``:
    the seconds until it may ask again)."""

    slug = "too-many-requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Busy(Exception):
    """Domain logic found an item contended through every attempt: nothing was lost, the
    client should send the same request again soon (a 503 with ``Retry-After``)."""

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(f"busy, retry after {retry_after} s")
        self.retry_after = retry_after


class V2Error(Exception):
    """An error of the Flattr REST API v2 (``/rest/v2``), answered in its own shape,
    ``{"error", "error_description", "error_uri"}``, not problem+json: its clients read that
    (``common/api.v2_response``)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

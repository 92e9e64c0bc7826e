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


class Busy(Exception):
    """Domain logic found an item contended through every attempt: nothing was lost, the
    client should send the same request again soon (a 503 with ``Retry-After``)."""

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(f"busy, retry after {retry_after} s")
        self.retry_after = retry_after

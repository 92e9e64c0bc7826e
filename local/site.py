"""The website's files (``web/dist``, built by ``make run``/``make test``) on the stack's
own origin, as CloudFront serves them in AWS: a file by its path, and ``index.html`` for
every page path (the site routes in the browser). API paths are never answered here."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from infra.headers import API_PATHS, REFERRER_POLICY, content_security_policy

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
# The API's paths, as CloudFront routes them, and the local stack's own.
API_PREFIXES = (*API_PATHS, "/_local/", "/_fake/")
# As the CDK app's response headers policy sets them (one definition for both).
HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": REFERRER_POLICY,
}


def is_site_path(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") and not path.startswith(API_PREFIXES)


def answer(path: str) -> tuple[int, dict[str, str], bytes] | None:
    """The file (or the page shell) for ``path``; None when there is none to give."""
    if not DIST.is_dir():
        return None
    wanted = (DIST / path.lstrip("/")).resolve()
    if path != "/" and wanted.is_file() and wanted.is_relative_to(DIST):
        kind = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
        return (
            200,
            {**HEADERS, "Content-Type": kind, "Cache-Control": "no-cache"},
            wanted.read_bytes(),
        )
    if "." in path.rsplit("/", 1)[-1]:
        return None  # a missing file, not a page
    shell = DIST / "index.html"
    headers = {**HEADERS, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
    return 200, headers, shell.read_bytes()

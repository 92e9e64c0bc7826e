"""The local stack's web: pages a person publishes (``POST /_local/pages``: a URL and its
HTML) served to the stack's own fetches, so that on one machine a site can be verified by
its ``flattr:id`` meta tag, a page can declare its author (``flattr:id``,
``fediverse:creator``) and a site can publish its contact address. The stack names this
fake for every host it has no other server for (``KNOWN_SERVER_URLS``' ``*``): a guarded
fetch of ``https://<host>/<path>`` arrives here as ``/_fake/web/<host>/<path>``; a page
nobody published is a 404, as on a web this machine cannot reach."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

Answer = tuple[int, dict[str, str], bytes]
PREFIX = "/_fake/web/"


def page_key(url: str) -> str | None:
    """A published page's address as it is looked up: ``host/path?query``, lower-case
    host, no fragment; None for what is not an https URL."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        return None
    return f"{parts.hostname.lower()}{parts.path or '/'}" + (
        f"?{parts.query}" if parts.query else ""
    )


class FakeWeb:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self._lock = threading.Lock()

    def publish(self, url: str, html: str) -> str:
        key = page_key(url)
        if key is None:
            raise ValueError("url: an https address, like https://example.org/post")
        with self._lock:
            self.pages[key] = html
        return f"https://{key}"

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        key = path.removeprefix(PREFIX) + (f"?{query}" if query else "")
        if "/" not in key:
            key += "/"
        with self._lock:
            found = self.pages.get(key)
        if found is None or method not in ("GET", "HEAD"):
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Not found</h1>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, found.encode()

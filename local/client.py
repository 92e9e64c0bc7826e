"""A browser's worth of HTTP against the local stack: its own cookie jar (cookies kept and
sent by their path), redirects answered rather than followed, and the connect flow's two
steps as a person's browser takes them. The end-to-end tests and the demo data use it."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """One browser: its own cookie jar (cookies kept and sent by their path, as a browser
    does); redirects are answered, not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            _KeepRedirects, urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def browser(self) -> Client:
        """Another browser on the same stack, with an empty cookie jar."""
        return Client(self.base)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request; redirects are answered, not followed."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        url = path if path.startswith(("http://", "https://")) else self.base + path
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) only
        request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self._opener.open(request, timeout=30) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def sign_in(self, email: str) -> tuple[str, str]:
        reply = self.request("POST", "/_local/users", {"email": email})
        assert reply.status == 200, reply.body
        return reply.json["user_id"], reply.json["token"]


def start_connect(
    browser: Client, token: str, platform: str = "github", *, as_json: bool = False
) -> str:
    """Authorize in ``browser`` (which keeps the binding cookie); answer the consent URL."""
    headers = {"Accept": "application/json"} if as_json else None
    answer = browser.request(
        "GET",
        f"/v1/connections/{platform}/authorize?return_to=/settings",
        token=token,
        headers=headers,
    )
    if as_json:
        assert answer.status == 200, answer.body
        return str(answer.json["authorize_url"])
    assert answer.status == 302, answer.body
    return answer.headers["Location"]


def approve(browser: Client, consent_url: str, login: str) -> str:
    """The fake GitHub's account ``login`` approves in ``browser``: the callback URL."""
    page = browser.request("GET", consent_url)
    assert page.status == 200 and b"Authorize" in page.body
    approved = browser.request(
        "POST",
        consent_url,
        raw=urlencode({"login": login}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert approved.status == 302, approved.body
    return approved.headers["Location"]

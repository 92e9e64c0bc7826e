"""Requests to hosts that users name (a Mastodon server, a site to verify): no private,
loopback or link-local addresses, bounded time and size, redirects only within the host.

A user-given host is resolved and every address must be global before we connect.
``RESOLVER`` is ``socket.getaddrinfo``; tests put a local stub in its place. The check
is made right before each request and each redirect hop; DNS answers that change
between the check and the connection (rebinding) are bounded by the short timeouts and
by the Lambda's network having nothing private worth reaching.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

RESOLVER: Callable[..., list[Any]] = socket.getaddrinfo
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_REDIRECTS = 3


class Refused(Exception):
    """The host or the answer is not one we fetch; ``reason`` says why, for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str
    body: bytes
    headers: dict[str, str]


def check_host(host: str) -> str:
    """``host`` lowercased if it is a public DNS name whose every address is global."""
    name = host.strip().rstrip(".").lower()
    if not HOST.match(name):
        raise Refused("not a public host name")
    try:
        answers = RESOLVER(name, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise Refused("the host name does not resolve") from error
    if not answers:
        raise Refused("the host name does not resolve")
    for answer in answers:
        address = ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise Refused("the host resolves to a private address")
    return name


def request(
    method: str,
    url: str,
    *,
    session: requests.Session | None = None,
    max_bytes: int = 256 * 1024,
    timeout: float = 5.0,
    **kwargs: Any,
) -> Fetched:
    """One HTTPS request to a public host, following redirects only on that host."""
    http = session or requests.Session()
    host = urlsplit(url).hostname or ""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.port not in (None, 443):
            raise Refused("only https on the default port")
        if (parts.hostname or "") != host:
            raise Refused("redirected to another host")
        check_host(host)
        with http.request(
            method, url, timeout=timeout, allow_redirects=False, stream=True, **kwargs
        ) as response:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                method = "GET" if response.status_code in (301, 302, 303) else method
                kwargs.pop("data", None) if method == "GET" else None
                continue
            body = bytearray()
            for chunk in response.iter_content(16 * 1024):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise Refused("the answer is too large")
            return Fetched(response.status_code, url, bytes(body), dict(response.headers))
    raise Refused("too many redirects")

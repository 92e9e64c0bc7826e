"""Requests to hosts that users name (a Mastodon server, a Bluesky PDS or DID document, a
site to verify): no private, loopback, link-local, CGNAT, multicast or metadata addresses
(IPv4-mapped IPv6 included), HTTPS on the default port only, bounded time and size.

Two ways in: ``request`` (one request, redirects only within the host) and ``session()``
(a ``requests.Session`` whose transport checks every request it sends, and so every
redirect hop, since requests sends each hop through the same transport; OAuth sessions
are guarded the same way with ``guard``). A user-given host is resolved and every
address must be global before we connect. ``RESOLVER`` is ``socket.getaddrinfo``; tests
put a local stub in its place. DNS answers that change between the check and the
connection (rebinding) are bounded by the short timeouts and by the Lambda's network
having nothing private worth reaching.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

RESOLVER: Callable[..., list[Any]] = socket.getaddrinfo
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_REDIRECTS = 3
CGNAT = ipaddress.ip_network("100.64.0.0/10")  # shared address space: refused, said explicitly


class Refused(requests.RequestException):
    """The host or the answer is not one we fetch; ``reason`` says why, for the client.
    A ``RequestException``, so code that survives an unreachable host survives this."""

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
        if not is_public_address(str(answer[4][0])):
            raise Refused("the host resolves to a private address")
    return name


def is_public_address(text: str) -> bool:
    """A global unicast address (an IPv4-mapped IPv6 address is judged as its IPv4)."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast and address not in CGNAT


def check_url(url: str) -> None:
    """Refuse a URL we would not fetch for a user: HTTPS on 443 to a public host (or on a
    server an operator named)."""
    if _known_server(url) is None:
        _check_public(url)


def _check_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.port not in (None, 443):
        raise Refused("only https on the default port")
    check_host(parts.hostname or "")


def _known_server(url: str) -> str | None:
    """``url`` on a server an operator named (``KNOWN_SERVER_URLS``: a host and where to
    reach it; ``*``: every other host, at ``<where>/<host>``), rewritten to where it is
    reached (or already there); ``None`` for any other URL, which the guard checks. Trusted
    as configuration is; in AWS none is named."""
    from functions.common.settings import settings

    known = settings().server_urls
    if any(url == base or url.startswith(f"{base}/") for base in known.values()):
        return url  # already where a named server is reached
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme != "https" or parts.port not in (None, 443):
        return None
    rest = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if host in known:
        return known[host] + rest
    if "*" in known and HOST.match(host):
        return f"{known['*']}/{host}{rest}"
    return None


class GuardedAdapter(HTTPAdapter):
    """A transport that checks each request before it connects and bounds its answer."""

    def __init__(self, max_bytes: int = 1024 * 1024, timeout: float = 10.0) -> None:
        super().__init__(max_retries=0)
        self.max_bytes = max_bytes
        self.timeout = timeout

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        known = _known_server(str(request.url))
        if known is not None:
            request.url = known  # a server an operator named: reached where configured
        else:
            _check_public(str(request.url))
        response = super().send(request, stream=True, timeout=timeout or self.timeout, **kwargs)
        if not stream:
            body = bytearray()
            for chunk in response.iter_content(16 * 1024):
                body.extend(chunk)
                if len(body) > self.max_bytes:
                    response.close()
                    raise Refused("the answer is too large")
            response._content = bytes(body)
        return response


S = TypeVar("S", bound=requests.Session)


def guard(http: S, max_bytes: int = 1024 * 1024) -> S:
    """``http`` with every request and redirect hop checked (an OAuth session too)."""
    adapter = GuardedAdapter(max_bytes)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.max_redirects = MAX_REDIRECTS
    return http


def session(max_bytes: int = 1024 * 1024) -> requests.Session:
    """A new guarded session, for hosts that users name."""
    return guard(requests.Session(), max_bytes)


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
        if (urlsplit(url).hostname or "") != host:
            raise Refused("redirected to another host")
        known = _known_server(url)
        if known is None:
            _check_public(url)
        target = known or url
        with http.request(
            method, target, timeout=timeout, allow_redirects=False, stream=True, **kwargs
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

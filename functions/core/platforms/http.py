"""The platforms' one HTTP client: every request to a provider (owner lookups, profiles,
likes' owners) goes through ``fetch``, one GET per host guard (a rate and a circuit
breaker per host), so a slow or failing provider costs a bounded number of tries. Below
the platforms and owner resolution alike, so neither needs the other for HTTP. Cheap to
import: ``requests`` is loaded where a request is made (the track Lambda makes none)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from functions.common.errors import Unavailable
from functions.core.platforms.clients import credentials

if TYPE_CHECKING:
    import requests

    from functions.core.platforms.base import Connectable


class LookupFailed(Unavailable):
    """The provider did not answer usefully now (down, rate limited, circuit open): the
    lookup is tried again later, and falls back when its month's split cannot wait."""

    def __init__(self, what: str) -> None:
        super().__init__(f"owner lookup: {what}", slug="lookup-failed")


class HostGuard:
    """Per host: at most ``rate`` requests a second (a token bucket), and a circuit breaker
    that opens after ``failures`` failures in a row and lets one try through after
    ``cooldown`` seconds. In memory, per Lambda: the worker's concurrency is capped."""

    def __init__(
        self,
        rate: float = 5.0,
        failures: int = 5,
        cooldown: float = 60.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.failures, self.cooldown, self.now = rate, failures, cooldown, now
        self._tokens: dict[str, tuple[float, float]] = {}
        self._failed: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._failed.clear()

    def enter(self, host: str) -> None:
        """Raises ``LookupFailed`` when the host's circuit is open or its rate is spent."""
        with self._lock:
            now = self.now()
            count, since = self._failed.get(host, (0, 0.0))
            if count >= self.failures and now - since < self.cooldown:
                raise LookupFailed(f"{host}: circuit open")
            tokens, at = self._tokens.get(host, (self.rate, now))
            tokens = min(self.rate, tokens + (now - at) * self.rate)
            if tokens < 1:
                raise LookupFailed(f"{host}: rate limited")
            self._tokens[host] = (tokens - 1, now)

    def succeeded(self, host: str) -> None:
        with self._lock:
            self._failed.pop(host, None)

    def failed(self, host: str) -> None:
        with self._lock:
            count, _ = self._failed.get(host, (0, 0.0))
            self._failed[host] = (count + 1, self.now())


GUARD = HostGuard()


def fetch(
    http: requests.Session,
    address: str,
    params: dict[str, str] | None = None,
    *,
    stream: bool = False,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> requests.Response:
    """One GET to a provider (no redirects followed), through the host's guard; a failure
    to connect or a 5xx or 429 counts against the host and raises ``LookupFailed``.
    ``stream``: the body is read later, in part (``read_head``); ``headers`` and ``auth``:
    our app's key, where the provider wants one."""
    import requests as requests_lib  # loaded where a request is made: see the module's note

    host = urlsplit(address).hostname or ""
    GUARD.enter(host)
    try:
        response = http.get(
            address,
            params=params,
            timeout=5,
            allow_redirects=False,
            stream=stream,
            headers=headers,
            auth=auth,
        )
    except requests_lib.RequestException as error:  # a refused hop too: checked before
        GUARD.failed(host)
        raise LookupFailed(f"{host}: no answer") from error
    if response.status_code == 429 or response.status_code >= 500 or _limit_spent(response):
        GUARD.failed(host)
        raise LookupFailed(f"{host}: answered {response.status_code}")
    GUARD.succeeded(host)
    return response


def _limit_spent(response: requests.Response) -> bool:
    """GitHub answers a spent rate limit with 403 and ``x-ratelimit-remaining: 0``."""
    return response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"


def app_key(platform: Connectable) -> tuple[str, str] | None:
    """Our app's client id and secret on ``platform`` (``flattr/oauth/<platform>``), or None
    where none is configured: a lookup that needs a key then names nobody (the handle's
    own key holds)."""
    # Powertools' parameters package loads boto3's clients: only where a key is read.
    from aws_lambda_powertools.utilities.parameters.exceptions import (
        GetParameterError,
        TransformParameterError,
    )

    try:
        found = credentials(platform)
    except (GetParameterError, TransformParameterError):
        return None
    return found.client_id, found.client_secret


def json_of(response: requests.Response) -> dict[str, object]:
    """A provider's JSON object, or nothing (any other status or shape: nobody to name)."""
    if response.status_code != 200:
        return {}
    try:
        found = response.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


HEAD_BYTES = 256 * 1024


def read_head(response: requests.Response) -> str:
    """The start of an HTML page, up to its ``</head>`` (at most 256 KB), as text."""
    if response.status_code != 200:
        response.close()
        return ""
    body = bytearray()
    for chunk in response.iter_content(16 * 1024):
        body.extend(chunk)
        if len(body) >= HEAD_BYTES or b"</head>" in body:
            break
    response.close()
    return bytes(body[:HEAD_BYTES]).decode("utf-8", "replace")


def read_body(response: requests.Response, most: int) -> bytes | None:
    """A 200 answer's body, if it is no bigger than ``most`` bytes (read no further)."""
    if response.status_code != 200:
        response.close()
        return None
    body = bytearray()
    for chunk in response.iter_content(16 * 1024):
        body.extend(chunk)
        if len(body) > most:
            response.close()
            return None
    response.close()
    return bytes(body)

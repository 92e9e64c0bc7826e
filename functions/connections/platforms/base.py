"""What every platform adapter shares: OAuth settings, identity, paged likes, rate limits.

An adapter is mostly configuration (endpoints, scopes, field paths) over these classes.
HTTP goes through a ``requests.Session`` (an OAuth session in production, any session in
tests), so adapters run unchanged against recorded responses and the local fake provider.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests


class NeedsReauth(Exception):
    """The platform refused the token (revoked or expired)."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Identity:
    stable_id: str  # the platform's durable id: money follows it, not the handle
    handle: str


@dataclass(frozen=True)
class Like:
    item_id: str  # the liked item's id on the platform: one flattr per item, ever
    url: str
    owner_key: str  # the recipient key of the item's owner
    liked_at: datetime | None


@dataclass(frozen=True)
class LikesPage:
    likes: list[Like]
    cursor: str | None  # pass back next time to read only newer likes


@dataclass(frozen=True)
class OAuth2Config:
    authorize_path: str
    token_path: str
    scopes: tuple[str, ...] = ()
    pkce: bool = True


class Platform:
    """Base adapter. Subclasses set the class attributes and implement two methods."""

    name: str
    web_url_env: str
    api_url_env: str
    default_web_url: str
    default_api_url: str
    oauth: OAuth2Config

    @property
    def web_url(self) -> str:
        return os.environ.get(self.web_url_env, self.default_web_url).rstrip("/")

    @property
    def api_url(self) -> str:
        return os.environ.get(self.api_url_env, self.default_api_url).rstrip("/")

    def authorize_url(self) -> str:
        return self.web_url + self.oauth.authorize_path

    def token_url(self) -> str:
        return self.web_url + self.oauth.token_path

    def get(self, session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
        response = session.get(url, timeout=20, **kwargs)
        if response.status_code == 401:
            raise NeedsReauth(self.name)
        if response.status_code == 429 or (
            response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"
        ):
            raise RateLimited(_retry_after(response))
        response.raise_for_status()
        return response

    def revoke(self, token: dict[str, Any], client_id: str, client_secret: str) -> bool:
        """Revoke ``token`` at the platform, where it allows; False where it does not."""
        return False

    def start_cursor(self, now: datetime) -> str | None:
        """The cursor when auto-flattr is turned on: only likes made from then on count."""
        return None

    def identity(self, session: requests.Session) -> Identity:
        raise NotImplementedError

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        raise NotImplementedError


def _retry_after(response: requests.Response) -> int:
    header = response.headers.get("Retry-After")
    if header and header.isdigit():
        return int(header)
    reset = response.headers.get("x-ratelimit-reset")
    if reset and reset.isdigit():
        return max(1, int(reset) - int(datetime.now().timestamp()))  # noqa: DTZ005 - epoch math
    return 60

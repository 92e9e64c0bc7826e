"""What every platform adapter shares: OAuth settings, identity, paged likes, rate limits.

An adapter is mostly configuration (endpoints, scopes, field paths) over these classes.
HTTP goes through a ``requests.Session`` (an OAuth session in production, any session in
tests), so adapters run unchanged against recorded responses and the local fake provider.
"""

from __future__ import annotations

import contextlib
import copy
import os
import weakref
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol, TypeVar

import requests

from functions.common import clock, safe_http
from functions.core.ownership.urls import owner_key


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
    revoke_path: str | None = None  # RFC 7009 token revocation, where the platform has it
    token_on_api: bool = False  # the token endpoint is on the API host, not the web host
    request_token_path: str | None = None  # OAuth 1.0a: where the request token comes from


@dataclass(frozen=True)
class AppLimit:
    """A request limit per app key, shared by every user (Flickr, Tumblr)."""

    requests: int
    seconds: int


class Budget(Protocol):
    def take(self, platform: str, limits: tuple[AppLimit, ...]) -> None:
        """Spend one request of every limit, or raise ``RateLimited`` until one resets."""


Flow = Literal["oauth2", "oauth1", "atproto"]
S = TypeVar("S", bound=requests.Session)


class Platform:
    """Base adapter. Subclasses set the class attributes and implement two methods."""

    name: str
    web_url_env: str
    api_url_env: str
    default_web_url: str
    default_api_url: str
    oauth: OAuth2Config
    flow: Flow = "oauth2"
    per_instance = False  # one platform, many servers: ``at(instance)`` picks one (Mastodon)
    app_limits: tuple[AppLimit, ...] = ()
    polls_with_token = True  # False where likes are public records (Bluesky)

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget
        self.instance: str | None = None

    def at(self, instance: str | None) -> Platform:
        """This adapter on one server of a many-server platform."""
        if not self.per_instance:
            return self
        bound = copy.copy(self)
        bound.instance = instance
        return bound

    @property
    def web_url(self) -> str:
        if self.per_instance and self.instance:
            return f"https://{self.instance}"
        return os.environ.get(self.web_url_env, self.default_web_url).rstrip("/")

    @property
    def api_url(self) -> str:
        if self.per_instance and self.instance:
            return f"https://{self.instance}"
        return os.environ.get(self.api_url_env, self.default_api_url).rstrip("/")

    @property
    def user_named_hosts(self) -> bool:
        """Does a user name the hosts we talk to (their Mastodon server)? Then every request
        and redirect hop is SSRF-checked; an operator-configured host is trusted."""
        return self.per_instance

    def protect(self, session: S) -> S:
        """``session``, guarded where users name the hosts it reaches."""
        return safe_http.guard(session) if self.user_named_hosts else session

    def authorize_url(self) -> str:
        return self.web_url + self.oauth.authorize_path

    def token_url(self) -> str:
        return (self.api_url if self.oauth.token_on_api else self.web_url) + self.oauth.token_path

    def owner_key(self, url: str, fallback: str) -> str:
        """The recipient key of a liked item: by the resolver's rules for its URL (one
        definition per platform), else the owner the platform's answer names."""
        return owner_key(url, self.name) or fallback

    def get(self, session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
        if self.budget is not None and self.app_limits:
            self.budget.take(self.name, self.app_limits)
        response = session.get(url, timeout=20, **kwargs)
        if response.status_code == 401:
            raise NeedsReauth(self.name)
        spent = _limit_spent(response)
        if response.status_code == 429 or (response.status_code == 403 and spent):
            raise RateLimited(_retry_after(response))
        response.raise_for_status()
        if spent:
            # This answer was the last one the limit allows: the next poll waits for the reset.
            _WAITS[session] = max(_WAITS.get(session, 0), _retry_after(response))
        return response

    def revoke(self, token: dict[str, Any], client_id: str, client_secret: str) -> bool:
        """Revoke ``token`` at the platform, where it allows (RFC 7009); False where not."""
        if self.oauth.revoke_path is None:
            return False
        response = self.protect(requests.Session()).post(
            self.web_url + self.oauth.revoke_path,
            data={
                "token": token.get("refresh_token") or token.get("access_token"),
                "client_id": client_id,
                "client_secret": client_secret,
            },
            timeout=20,
        )
        return response.status_code in (200, 204)

    def identity_from_token(self, token: dict[str, Any], session: requests.Session) -> Identity:
        """Who the token belongs to; most platforms are asked, some put it in the token."""
        return self.identity(session)

    def start_cursor(self, now: datetime) -> str | None:
        """The cursor when auto-flattr is turned on: only likes made from then on count."""
        return None

    def identity(self, session: requests.Session) -> Identity:
        raise NotImplementedError

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        raise NotImplementedError

    def poll(self, session: requests.Session, cursor: str | None, account: str) -> LikesPage:
        """The likes since ``cursor`` of the account whose stable id is ``account``."""
        return self.likes(session, cursor)


# Sessions whose rate limit a successful answer said is spent, and for how long.
_WAITS: weakref.WeakKeyDictionary[requests.Session, int] = weakref.WeakKeyDictionary()
REMAINING = ("x-ratelimit-remaining", "ratelimit-remaining")
RESET = ("x-ratelimit-reset", "ratelimit-reset")


def wait_after(session: requests.Session) -> int:
    """Seconds until the platform's limit resets, if an answer on ``session`` spent it."""
    return _WAITS.get(session, 0)


def _limit_spent(response: requests.Response) -> bool:
    return any(response.headers.get(name, "").strip() == "0" for name in REMAINING)


def _retry_after(response: requests.Response) -> int:
    """``Retry-After`` (seconds or an HTTP date), else the limit's reset: epoch seconds
    (GitHub, GitLab), seconds to go (the IETF draft), or an ISO time (Mastodon)."""
    now = clock.now()
    header = response.headers.get("Retry-After", "").strip()
    if header.isdigit():
        return int(header)
    if header:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            return max(1, int((parsedate_to_datetime(header) - now).total_seconds()))
    for name in RESET:
        reset = response.headers.get(name, "").strip()
        if reset.isdigit():
            value = int(reset)
            return max(1, value - int(now.timestamp()) if value > 1_000_000_000 else value)
        if reset:
            with contextlib.suppress(ValueError):
                at = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                return max(1, int((at - now).total_seconds()))
    return 60

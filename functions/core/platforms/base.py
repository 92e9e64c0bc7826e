"""What every platform shares: its URL rules, and, where it can be connected, identity,
paged likes and rate limits.

One class per platform (``core/platforms/<platform>.py``) holds everything about it: the
URL rules the resolver reads, the OAuth client settings, the API endpoints, and how likes
and identity are read from the answers. The connect flow is chosen by the base class the
platform extends (``flows.py``: OAuth 2, OAuth 1.0a, AT Protocol), never by a switch.

The resolver loads every platform's URL rules on every track request, so this module and
the platform modules import no HTTP library at load time: ``requests`` and the OAuth
libraries are imported where a request is made (the track Lambda never makes one).
HTTP goes through a ``requests.Session`` (an OAuth session in production, any session in
tests), so adapters run unchanged against recorded responses and the local fake provider.
"""

from __future__ import annotations

import contextlib
import copy
import json
import weakref
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from functions.common import clock
from functions.common.errors import Invalid, Malformed, Unavailable
from functions.common.settings import settings
from functions.core import urlparts
from functions.core.platforms.searches import is_search
from functions.core.platforms.sites import Shape, Site, Tier, shape_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import requests


class NeedsReauth(Exception):
    """The platform refused the token (revoked or expired)."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class AuthorizationRefused(Malformed):
    """The platform refused the authorization the person brought back (a bad code)."""

    def __init__(self, detail: str = "code: the platform refused it") -> None:
        super().__init__(detail, slug="authorization-failed")


class PlatformUnavailable(Unavailable):
    """The platform did not answer, or answered nonsense."""

    def __init__(self, platform: str, what: str = "no answer") -> None:
        super().__init__(f"{platform}: {what}", slug="platform-unavailable")


class NoAccount(Invalid):
    """The person signed in at the platform, but has no account of the kind we connect
    (a Google account without a YouTube channel)."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__(f"{platform}: {detail}", slug="no-account")


@dataclass(frozen=True)
class Identity:
    stable_id: str  # the platform's durable id: money follows it, not the handle
    handle: str | None  # an alias of the id, where the account has one


@dataclass(frozen=True)
class Like:
    item_id: str  # the liked item's id on the platform: one flattr per item, ever
    url: str
    owner_key: str  # the recipient key of the item's owner
    liked_at: datetime | None
    # The owner's handle key, where the answer names it beside the id (Flickr's path
    # alias): put on record, so that money held under the handle finds its account.
    owner_handle: str | None = None


@dataclass(frozen=True)
class LikesPage:
    likes: list[Like]
    cursor: str | None  # pass back next time to read only newer likes


@dataclass(frozen=True)
class AppLimit:
    """A request limit per app key, shared by every user (Flickr, Tumblr)."""

    requests: int
    seconds: int


class Budget(Protocol):
    def take(self, platform: str, limits: tuple[AppLimit, ...]) -> None:
        """Spend one request of every limit, or raise ``RateLimited`` until one resets."""


@dataclass(frozen=True)
class Authorization:
    """A connect flow begun: where to send the person, the value the platform brings
    back to name this authorization, and what to keep until then."""

    url: str
    state: str
    verifier: str = "-"  # the PKCE code verifier, where the flow has one
    kept: dict[str, Any] | None = None  # secrets for the callback (sealed while they wait)


@dataclass(frozen=True)
class Callback:
    """What the platform sent back: the authorization it names, and the code (absent
    where the person said no)."""

    state: str
    code: str | None


@dataclass(frozen=True)
class Connected:
    token: dict[str, Any] | None  # None where nothing is kept (Bluesky: public likes)
    identity: Identity


S = TypeVar("S", bound="requests.Session")


class Platform:
    """A platform whose URLs name their owners. Subclasses set the class attributes."""

    name: ClassVar[str]
    display: ClassVar[str]
    tier: ClassVar[Tier]
    sites: ClassVar[tuple[Site, ...]] = ()
    # Other hosts that mean the same as the first host of the first site.
    aliases: ClassVar[tuple[str, ...]] = ()
    # The first site's rules hold on any host (a fediverse server of any name).
    any_host: ClassVar[bool] = False
    case_sensitive_owner: ClassVar[bool] = False
    # The lookup kinds ``owner_of`` answers (others resolve at once: a rule's fallback, or
    # ``owner_unknown``): a flattr waits for these only.
    looks_up: ClassVar[frozenset[str]] = frozenset()
    # The lookup kinds answered by following the URL's redirects to the platform's page
    # that names its owner (a platform's own short links, Medium's ``/p/<id>``).
    expands: ClassVar[frozenset[str]] = frozenset()

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """The owner of an item a URL names only by reference (a rule's ``lookup``: a
        video, a handle), asked of the platform through ``core/platforms/http.fetch``
        (never in a request's path: the lookup worker asks). None: nobody we can name
        (removed, private), or the platform offers no lookup without a key (then a rule's
        fallback holds, or the flattr has no recipient). Raises ``LookupFailed`` when the
        platform cannot answer now."""
        return None

    @classmethod
    def own_aliases(cls) -> dict[str, str]:
        """Its other hosts, each meaning its first site's first host."""
        return {alias: cls.sites[0].hosts[0] for alias in cls.aliases}

    @classmethod
    def site_for(cls, host: str) -> Site | None:
        """The site of its own that serves ``host``, if any."""
        for site in cls.sites:
            if site.subdomain_of and host.endswith("." + site.subdomain_of):
                return site
            if host in site.hosts:
                return site
        return None

    @classmethod
    def own_shape(cls, url: str) -> Shape | None:
        """What its own URL rules say of ``url``'s owner (owner and handle lower-cased where
        its owners are), or None: not a page of its own (on any host, for a platform of
        many servers: its first site's rules), or a URL no one can be paid for."""
        try:
            parts = urlparts.split(url, cls.own_aliases())
            site_name = urlparts.registrable_site(parts.host)
        except urlparts.NotFlattrable:
            return None
        site = cls.site_for(parts.host)
        if site is None and not cls.any_host:
            return None
        pairs = urlparts.kept_query(parts.query, site.keep_query if site else None)
        if is_search(parts.host, site_name, parts.path, [name for name, _ in pairs]):
            return None
        return cls.named(shape_of(site or cls.sites[0], parts.host, parts.path, dict(pairs)))

    @classmethod
    def named(cls, shape: Shape) -> Shape:
        """``shape`` with its owner, and a handle to look up, as this platform names them:
        lower-cased where its owners are (one lookup for Octocat, octocat)."""
        if cls.case_sensitive_owner:
            return shape
        lookup = shape.lookup
        if lookup is not None and lookup[0] == "handle":
            lookup = (lookup[0], lookup[1].lower())
        owner = shape.owner.lower() if shape.owner is not None else None
        return Shape(owner, lookup, shape.fallback_owner, shape.nobody)

    @classmethod
    def key_for(cls, owner: str) -> str:
        """The recipient key of an owner it names."""
        return f"{cls.name}:{owner if cls.case_sensitive_owner else owner.lower()}"

    def author_of(self, url: object) -> tuple[str | None, tuple[str, str] | None]:
        """(owner, lookup) that an oEmbed ``author_url`` names on this platform."""
        shape = self.own_shape(url) if isinstance(url, str) else None
        if shape is None or shape.nobody:
            return None, None
        return shape.owner, shape.lookup


class Connectable(Platform):
    """A platform people connect: identity, likes, and a connect flow (from the base
    class in ``flows.py``). Its web and API hosts are settings (``<NAME>_WEB_URL``,
    ``<NAME>_API_URL``), so the local stack and tests point them at fakes."""

    default_web_url: ClassVar[str]
    default_api_url: ClassVar[str]
    per_instance: ClassVar[bool] = False  # one platform, many servers: ``at()`` picks one
    default_instance: ClassVar[str | None] = None  # the server when the person names none
    app_limits: ClassVar[tuple[AppLimit, ...]] = ()

    @property
    def secret_client(self) -> bool:
        """Is our client on this platform an id and secret that operators keep (in the
        secret ``flattr/oauth/<platform>``)? Not on a platform of many servers (our app
        registers itself on each) nor where the client is public (the AT Protocol)."""
        return not self.per_instance

    @property
    def scopes(self) -> tuple[str, ...]:
        """What we ask the person to grant (registering our app on a server names them)."""
        return ()

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget
        self.instance: str | None = None

    def at(self, instance: str | None) -> Connectable:
        """This adapter on one server of a many-server platform."""
        if not self.per_instance:
            return self
        bound = copy.copy(self)
        bound.instance = instance
        return bound

    def _configured(self, kind: str, default: str, per_server: bool = True) -> str:
        if per_server and self.per_instance and self.instance:
            return settings().server_urls.get(self.instance, f"https://{self.instance}")
        return settings().platform_urls.get(f"{self.name.upper()}_{kind}_URL", default)

    @property
    def web_url(self) -> str:
        return self._configured("WEB", self.default_web_url).rstrip("/")

    @property
    def api_url(self) -> str:
        return self._configured("API", self.default_api_url).rstrip("/")

    @property
    def budget_key(self) -> str:
        """Whose limits a request spends: the app key's, or on a platform of many servers,
        our app's on that server (Mastodon limits per account and per address)."""
        return f"{self.name}@{self.instance}" if self.per_instance and self.instance else self.name

    @property
    def user_named_hosts(self) -> bool:
        """Does a user name the hosts we talk to (their Mastodon server)? Then every request
        and redirect hop is SSRF-checked; an operator-configured host is trusted (a
        server named in ``KNOWN_SERVER_URLS`` too)."""
        return self.per_instance and self.instance not in settings().server_urls

    def protect(self, session: S) -> S:
        """``session``, guarded where users name the hosts it reaches."""
        from functions.common import safe_http

        return safe_http.guard(session) if self.user_named_hosts else session

    def owner_key(self, url: str, fallback: str) -> str:
        """The recipient key of a liked item: by this platform's URL rules, else the owner
        the platform's answer names."""
        shape = self.own_shape(url)
        return self.key_for(shape.owner) if shape and shape.owner else fallback

    def get(self, session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
        if self.budget is not None and self.app_limits:
            self.budget.take(self.budget_key, self.app_limits)
        response = session.get(url, timeout=20, **kwargs)
        if response.status_code == 401:
            raise NeedsReauth(self.name)
        spent = _limit_spent(response)
        # GitHub's secondary limits answer 403 (or 429) with Retry-After and no spent count.
        told_to_wait = spent or "Retry-After" in response.headers
        if response.status_code == 429 or (response.status_code == 403 and told_to_wait):
            raise RateLimited(_retry_after(response))
        response.raise_for_status()
        if spent:
            # This answer was the last one the limit allows: the next poll waits for the reset.
            _WAITS[session] = max(_WAITS.get(session, 0), _retry_after(response))
        return response

    # ------------------------------------------------------------ the connect flow

    def authorization(self, redirect_uri: str) -> Authorization:
        """Begin connecting: the platform's consent URL and what the callback needs."""
        raise NotImplementedError

    def callback(self, query: Mapping[str, str | None]) -> Callback:
        """Read the callback's query: OAuth 2 and the AT Protocol send ``code`` and
        ``state`` (or ``error``)."""
        state = query.get("state")
        if not state:
            raise Malformed("missing: the platform sends it", field="query.state")
        refused = query.get("error") or not query.get("code")
        return Callback(state=state, code=None if refused else query.get("code"))

    def complete(
        self, redirect_uri: str, code: str, verifier: str, kept: dict[str, Any] | None
    ) -> Connected:
        """Exchange the code for a token, and say whose account it is."""
        raise NotImplementedError

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        """A session that sends ``token`` (and refreshes it where the flow can)."""
        raise NotImplementedError

    def revoke(self, token: dict[str, Any]) -> bool:
        """Revoke ``token`` at the platform, where it allows; False where not."""
        return False

    # ------------------------------------------------------------ identity and likes

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


@dataclass(frozen=True)
class Backlog:
    """Where a newest-first likes list was read to. Everything newer than ``since`` is
    wanted; ``newest`` is the newest item taken; ``resume`` is where reading stopped at
    the per-poll cap (the rest is carried to the next poll, never dropped)."""

    since: str | None
    newest: str | None = None
    resume: str | None = None

    @classmethod
    def of(cls, cursor: str | None) -> Backlog:
        if cursor is None or not cursor.startswith("{"):
            return cls(cursor, cursor)  # a plain cursor: nothing carried
        data = json.loads(cursor)
        return cls(data.get("since"), data.get("newest"), data.get("resume"))

    def cursor(self) -> str | None:
        if self.resume is None and self.since == self.newest:
            return self.since
        return json.dumps({"since": self.since, "newest": self.newest, "resume": self.resume})


T = TypeVar("T")


def read_newest_first(
    page_at: Callable[[str | None], tuple[list[T], str | None]],
    key: Callable[[T], str],
    backlog: Backlog,
    max_pages: int,
) -> tuple[list[T], Backlog]:
    """Read a newest-first list (``page_at(None)`` is the first page, ``page_at(ref)`` a
    later one; each answers its items and the next page's ref) down to ``backlog.since``,
    at most ``max_pages`` pages a poll. What the cap leaves is read on the next poll: first
    what came in on top (down to ``newest``), then on from ``resume`` down to ``since``,
    which only moves once it is reached. Items seen twice (the list shifted between
    polls) are the caller's to ignore: a like makes one flattr, whenever it is seen."""
    taken: list[T] = []
    budget = max_pages
    newest = backlog.newest

    def walk(ref: str | None, stop: str | None) -> tuple[bool, str | None]:
        """Read from ``ref`` down to ``stop``: (True, None) once reached or at the end of
        the list, else (False, where to resume)."""
        nonlocal budget, newest
        while budget > 0:
            budget -= 1
            items, next_ref = page_at(ref)
            for item in items:
                if stop is not None and key(item) <= stop:
                    return True, None
                taken.append(item)
                newest = key(item) if newest is None else max(newest, key(item))
            if next_ref is None:
                return True, None
            ref = next_ref
        return False, ref

    if backlog.resume is not None:
        # What came in on top first, but never with every page: the backlog must shrink.
        budget = max_pages - 1
        reached, top = walk(None, backlog.newest) if budget > 0 else (True, None)
        if not reached:
            return taken, Backlog(backlog.since, newest, top)
        budget += 1  # the page kept for the backlog
        reached, rest = walk(backlog.resume, backlog.since)
    else:
        reached, rest = walk(None, backlog.since)
    if not reached:
        return taken, Backlog(backlog.since, newest, rest)
    done = newest if newest is not None else backlog.since
    return taken, Backlog(done, done)

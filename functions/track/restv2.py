"""The Flattr REST API v2 as apps used it (``docs/apps.md``): the person an app's token
stands for, their flattrs, flattring a URL or a thing, things looked up by URL or id, users
by name, the rate limit. Shapes, errors and status codes as v2's documentation writes them
(``flattr/developers.flattr.net``, ``content/api``); its errors are ``V2Error``s, never
problem+json. A thing is a URL someone flattred (``core/things.py``).

An app's token is checked here, on every request, not by an authorizer whose answers are
cached: a revoked app's tokens fail at once. Every route but ``/rate_limit`` is counted per
hour: per person (all their apps together; per address without a token) and per app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlsplit
from uuid import uuid4

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from pynamodb.exceptions import DoesNotExist

from functions.common import clock, deletions, limits
from functions.common.api import V2_RATE_LIMIT, DomainRouter, v2_response
from functions.common.errors import V2Error
from functions.common.hashing import keyed_hash
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.core import grants, profiles, things
from functions.core.flattrs import thing_id
from functions.core.models import Flattr, User
from functions.track import tracking

router = DomainRouter()

HOUR = 3600
PER_PERSON = limits.Limit("v2", 1000, window=HOUR)  # v2's own: a person, or an address
PER_APP = limits.Limit("v2-app", 100_000, window=HOUR)  # all of one app's users together
PAGE_SIZE, MAX_PAGE_SIZE = 30, 100  # v2's default ``count``, and the most we give
MAX_LISTED = 10_000  # ``page`` times ``count`` beyond this lists nothing
MAX_IDS = 30  # things asked at once (``/things/1,2,3``)
REFUSED = {
    "own_recipient": (403, "flattr_owner", "You own this thing"),
    "daily_flattr_limit": (403, "flattr_limit", "Today's flattrs are made; flattr again tomorrow"),
}


@dataclass(frozen=True)
class Caller:
    """Who asks: the person an app's token stands for, with the scopes they allowed (no
    token: nobody)."""

    user_id: str | None = None
    scopes: frozenset[str] = frozenset()
    client_id: str | None = None
    app: str | None = None


def _token() -> str | None:
    header = router.current_event.headers.get("authorization") or ""
    if not header.lower().startswith("bearer "):
        return None
    return header[7:].strip() or None


def caller(*, signed_in: bool = False, scope: str | None = None, counted: bool = True) -> Caller:
    """The caller, counted against the hourly limits; a token that is unknown, revoked or
    of a deleted account is ``unauthorized`` even where none is needed."""
    token = _token()
    who = Caller()
    if token is not None:
        grant = grants.of(token)
        if grant is None or deletions.is_deleted(grant.user_id):
            raise V2Error(401, "unauthorized", "The access token is unknown or was revoked")
        app = grant.client_name or grant.client_id
        who = Caller(grant.user_id, frozenset(grant.scopes.split()), grant.client_id, app)
    if counted:
        _count(who)
    if who.user_id is None and (signed_in or scope):
        raise V2Error(401, "unauthorized", "An access token is needed (Authorization: Bearer)")
    if scope is not None and scope not in who.scopes:
        raise V2Error(403, "insufficient_scope", f"The token lacks the scope {scope}")
    return who


def _whose(who: Caller) -> str:
    if who.user_id is not None:
        return f"user:{who.user_id}"
    source = router.current_event.raw_event.get("requestContext", {}).get("http", {})
    return f"ip:{keyed_hash(str(source.get('sourceIp', '')))}"


def _count(who: Caller) -> None:
    now = clock.now()
    window, fits = limits.counted(PER_PERSON, _whose(who), now)
    if fits and who.client_id is not None:
        app_window, fits = limits.counted(PER_APP, who.client_id, now)
        window = window if fits else app_window
    router.current_event.raw_event[V2_RATE_LIMIT] = window
    if not fits:
        raise V2Error(403, "rate_limit_exceeded", "Too many requests this hour")


def _answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response[str]:
    return v2_response(router, status, body, headers)  # type: ignore[arg-type]


# ------------------------------------------------------------------ shapes


def _unix(at: datetime) -> int:
    return int(at.timestamp())


def _site() -> str:
    return settings().public_url


def _mini_user(username: str) -> dict[str, Any]:
    return {
        "type": "user",
        "resource": f"{_site()}/rest/v2/users/{quote(username)}",
        "link": f"{_site()}/u/{quote(username)}",
        "username": username,
    }


def _user(user: User, who: Caller) -> dict[str, Any]:
    """v2's user object. Of the caller themself only: the email with the ``email`` scope
    (``rules.md``: never without it, though v2 gave it to ``extendedread`` too), the time
    they signed up with ``extendedread``."""
    own = who.user_id == user.user_id
    name = user.username
    found: dict[str, Any] = {
        "type": "user",
        "resource": f"{_site()}/rest/v2/user",
        "link": f"{_site()}/account",
        "username": None,
    }
    if name:
        found = _mini_user(name)
    found.update(
        {
            "url": f"{_site()}/u/{quote(name)}" if name else "",
            "firstname": user.display_name or name or "",
            "lastname": "",
            "avatar": _avatar(name, user.avatar),
            "about": user.description or "",
            "city": "",
            "country": "",
        }
    )
    if own and "email" in who.scopes and user.email:
        found["email"] = user.email
    if own and "extendedread" in who.scopes:
        found["registered_at"] = _unix(user.created_at)
    return found


def _avatar(username: str | None, version: str | None) -> str:
    if not (username and version):
        return ""
    return f"{_site()}/v1/profiles/{quote(username)}/avatar?v={version}"


class Owners:
    """The v2 owner of each recipient asked in one request: its creator's user object, or,
    while nobody claimed it, a user without a name whose link is the recipient's page."""

    def __init__(self) -> None:
        self._found: dict[str, dict[str, Any]] = {}

    def of(self, recipient: str) -> dict[str, Any]:
        if recipient not in self._found:
            self._found[recipient] = self._look_up(recipient)
        return self._found[recipient]

    def _look_up(self, recipient: str) -> dict[str, Any]:
        user_id = recipient[5:] if recipient.startswith("user:") else None
        if user_id is None:
            record = tracking.directory().records([recipient]).get(recipient)
            user_id = (record.claimed_by or record.declared_user) if record else None
        user = _user_of(user_id) if user_id else None
        if user is not None and user.username:
            return _mini_user(user.username)
        return {
            "type": "user",
            "resource": None,
            "link": f"{_site()}/r?key={quote(recipient, safe=':@')}",
            "username": None,
        }


def _user_of(user_id: str) -> User | None:
    ensure_bound()
    try:
        return User.get(user_id)
    except DoesNotExist:
        return None


def _mini_thing(
    thing: int, url: str, title: str | None, flattrs: int, owner: dict[str, Any]
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": "thing",
        "resource": f"{_site()}/rest/v2/things/{thing}",
        "link": f"{_site()}/flattr?url={quote(url, safe='')}",
        "id": thing,
        "url": url,
        "title": title or url,
        "image": "",
        "flattrs": flattrs,
        "owner": owner,
    }
    return found


def _thing(thing: things.Thing, who: Caller, owners: Owners) -> dict[str, Any]:
    found = _mini_thing(thing.id, thing.url, thing.title, thing.flattrs, owners.of(thing.recipient))
    found.update(
        {
            "flattrs_user_count": thing.flattrers,
            "created_at": _unix(thing.created_at),
            "description": "",
            "tags": [],
            "hidden": False,
        }
    )
    if who.user_id is not None:
        found["flattred"] = thing.flattred
    return found


# ------------------------------------------------------------------ input


def _query(name: str) -> str | None:
    return router.current_event.get_query_string_value(name)


def _number(name: str, default: int, least: int, most: int) -> int:
    raw = _query(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise V2Error(400, "invalid_parameters", f"{name} must be a whole number") from error
    if value < least:
        raise V2Error(400, "invalid_parameters", f"{name} must be at least {least}")
    return min(value, most)


def _full() -> bool:
    return (_query("full") or "").strip().lower() in {"1", "true", "yes", "on"}


def _body() -> dict[str, Any]:
    """A POST's parameters: v2 takes JSON or a form (``common/api`` keeps either)."""
    raw = router.current_event.decoded_body or ""
    if raw.strip() == "":
        return {}
    if (router.current_event.headers.get("content-type") or "").startswith("application/json"):
        found = json.loads(raw)
        if not isinstance(found, dict):
            raise V2Error(400, "invalid_request", "The body must be a JSON object or a form")
        return found
    return {name: values[-1] for name, values in parse_qs(raw).items()}


def _url_in(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 2048:
        raise V2Error(400, "invalid_parameters", "url is missing or is not a URL")
    return unwrapped(value)


def unwrapped(url: str) -> str:
    """An auto-submit URL's ``url`` (``https://<any host>/submit/auto?user_id=…&url=…``);
    any other URL as it is. Its ``user_id`` changes nothing here: it counts only where that
    user proved the page theirs, and the page then resolves to them anyway (``rules.md``)."""
    parts = urlsplit(url)
    if parts.path.rstrip("/").endswith("/submit/auto"):
        inner = parse_qs(parts.query).get("url")
        if inner and inner[-1]:
            return inner[-1]
    return url


def _thing_ids(ids: str) -> list[int]:
    found = []
    for part in ids.split(",")[:MAX_IDS]:
        if part.strip().isdigit() and len(part.strip()) <= 17:
            found.append(int(part.strip()))
    return found


# ------------------------------------------------------------------ routes


@router.get("/rest/v2/rate_limit", public=True)
def rate_limit() -> Response[str]:
    """Where the caller stands this hour (not itself counted)."""
    who = caller(counted=False)
    window = limits.standing(PER_PERSON, _whose(who), clock.now())
    reset = datetime.fromtimestamp(window.reset, UTC)
    return _answer(
        {
            "hourly_limit": window.limit,
            "remaining_hits": window.remaining,
            "current_hits": window.used,
            "reset_time_in_seconds": window.reset,
            "reset_time": reset.strftime("%a, %d %b %Y %H:%M:%S +0000 GMT"),
        }
    )


@router.get("/rest/v2/user", public=True)
def authenticated_user() -> Response[str]:
    who = caller(signed_in=True)
    user = _user_of(str(who.user_id))
    if user is None:
        raise V2Error(401, "unauthorized", "The access token is unknown or was revoked")
    return _answer(_user(user, who))


@router.get("/rest/v2/users/<username>", public=True)
def user_by_name(username: Annotated[str, Path(max_length=100)]) -> Response[str]:
    who = caller()
    owner = profiles.owner(username) if 0 < len(username) <= 30 else None
    user = _user_of(owner) if owner else None
    if user is None or not user.username:
        raise V2Error(404, "not_found", "The user was not found")
    return _answer(_user(user, who))


@router.get("/rest/v2/users/<username>/flattrs", public=True)
def flattrs_of_user(username: Annotated[str, Path(max_length=100)]) -> Response[str]:
    """Whose flattrs are theirs alone here: an existing user's list is empty, as v2 answered
    for a user who hid what they flattr."""
    caller()
    if not (0 < len(username) <= 30 and profiles.owner(username)):
        raise V2Error(404, "not_found", "The user was not found")
    return _answer([])


def _my_flattrs(user_id: str, start: int, count: int) -> Iterator[Flattr]:
    ensure_bound()
    newest_first = Flattr.query(
        user_id, scan_index_forward=False, page_size=min(start + count, 500)
    )
    return islice(newest_first, start, start + count)


@router.get("/rest/v2/user/flattrs", public=True)
def my_flattrs() -> Response[str]:
    """The caller's flattrs, newest first, ``count`` a page, page ``page`` (from 1)."""
    who = caller(signed_in=True)
    count = _number("count", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _number("page", 1, 1, MAX_LISTED)
    if page * count > MAX_LISTED:
        return _answer([])
    user = _user_of(str(who.user_id))
    me = _user(user, who) if user is not None else {"type": "user", "username": None}
    if not _full():
        me = {k: me[k] for k in ("type", "resource", "link", "username") if k in me}
    owners = Owners()
    listed = []
    for flattr in _my_flattrs(str(who.user_id), (page - 1) * count, count):
        thing = flattr.thing if flattr.thing is not None else thing_id(flattr.url)
        flattrs = things.count(int(thing))
        owner = owners.of(flattr.recipient)
        listed.append(
            {
                "type": "flattr",
                "thing": _mini_thing(int(thing), flattr.url, flattr.title, flattrs, owner),
                "owner": me,
                "created_at": _unix(flattr.created_at),
                "app": flattr.app,
            }
        )
    return _answer(listed)


def _flattr(who: Caller, url: str) -> Response[str]:
    """An explicit flattr of ``url`` under the usual rules and caps, marked with the app;
    the same page again the same day answers with the first."""
    try:
        flattr, _, _ = tracking.give_explicit_flattr(
            str(who.user_id), str(uuid4()), url, None, clock.now(), app=who.app
        )
    except tracking.Refused as refusal:
        status, error, description = REFUSED.get(
            refusal.reason, (400, "invalid_parameters", f"url is not flattrable ({refusal.reason})")
        )
        raise V2Error(status, error, description) from refusal
    thing = int(flattr.thing) if flattr.thing is not None else thing_id(flattr.url)
    owner = Owners().of(flattr.recipient)
    mini = _mini_thing(thing, flattr.url, flattr.title, max(things.count(thing), 1), owner)
    return _answer(
        {"message": "ok", "description": "Thing was successfully flattred", "thing": mini}
    )


@router.post("/rest/v2/flattr", public=True)
def flattr_url() -> Response[str]:
    """Flattr a URL, or the URL of an auto-submit URL (scope ``flattr``)."""
    who = caller(scope="flattr")
    return _flattr(who, _url_in(_body().get("url")))


@router.get("/rest/v2/things/lookup", public=True)
def lookup() -> Response[str]:
    """v2's lookup: 302 to the thing of a URL someone flattred, else 404, each with v2's own
    body (the 404's also carries ``error``, which its clients read for every 4xx)."""
    caller()
    url = tracking.normal_url(unwrapped(_url_in(_query("url"))))
    thing = thing_id(url) if url is not None else None
    if thing is None or not things.exists(thing):
        body = {"message": "not_found", "description": "No thing was found"}
        body.update(error="not_found", error_description="No thing was found")
        return _answer(body, 404)
    location = f"{_site()}/rest/v2/things/{thing}"
    return _answer({"message": "found", "location": location}, 302, {"Location": location})


@router.get("/rest/v2/things/<ids>", public=True)
def thing_by_id(ids: Annotated[str, Path(max_length=1000)]) -> Response[str]:
    """A thing, or several (``/things/1,2``: a list of those found)."""
    who = caller()
    owners = Owners()
    wanted = _thing_ids(ids)
    found = [t for t in (things.find(i, who.user_id) for i in wanted) if t is not None]
    if not found:
        raise V2Error(404, "not_found", "The resource was not found")
    shown = [_thing(t, who, owners) for t in found]
    return _answer(shown if "," in ids else shown[0])


@router.post("/rest/v2/things/<thing>/flattr", public=True)
def flattr_thing(thing: Annotated[str, Path(max_length=100)]) -> Response[str]:
    who = caller(scope="flattr")
    ids = _thing_ids(thing)
    found = things.find(ids[0], who.user_id) if ids and "," not in thing else None
    if found is None:
        raise V2Error(404, "not_found", "Thing does not exist")
    return _flattr(who, found.url)

"""Flickr: OAuth 1.0a (it has no OAuth 2); the token answer names the account
(``user_nsid``); favourites carry their date, so ``min_fave_date`` reads only newer
ones. 3,600 requests an hour per app key, spent from one budget by every user."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import (
    AppLimit,
    Backlog,
    Identity,
    Like,
    LikesPage,
    NeedsReauth,
    PlatformUnavailable,
    RateLimited,
    read_newest_first,
)
from functions.core.platforms.flows import OAuth1Platform, OAuth1Settings
from functions.core.platforms.http import app_key, fetch, json_of
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests

PAGE_SIZE = 500
MAX_PAGES = 5
NSID = re.compile(r"\d+@N\d+")
REFUSED_TOKEN = {96, 97, 98, 99}  # invalid signature, missing signature, bad token, no perms


class Flickr(OAuth1Platform):
    name = "flickr"
    display = "Flickr"
    tier = "likes"
    expands = frozenset({"short_link"})
    looks_up = frozenset({"handle"})
    sites = (
        Site(
            ("flickr.com",),
            (
                rule(r"^/(?:photos|people)/(?P<owner>\d+@N\d+)(?:/|$)"),  # an NSID: the id
                # An alias names the account only until it changes: settled to its NSID.
                rule(rf"^/(?:photos|people)/(?P<ref>{SEGMENT})", lookup="handle", fallback="{ref}"),
            ),
            nobody(
                "explore",
                "search",
                "account",
                "signin",
                "groups",
                "camera",
                "cameras",
                "help",
                "about",
                "services",
                "commons",
                "map",
                "places",
                "photos/(?:tags|friends|upload|organize)",
                "photos$",
                "create",
                "prints",
            ),
        ),
        Site(("flic.kr",), (rule(rf"^/p/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    )
    aliases = ("www.flickr.com", "m.flickr.com", "secure.flickr.com")
    default_web_url = "https://www.flickr.com"
    default_api_url = "https://api.flickr.com"
    oauth = OAuth1Settings(
        request_token_path="/services/oauth/request_token",  # noqa: S106 - a path
        authorize_path="/services/oauth/authorize",
        access_token_path="/services/oauth/access_token",  # noqa: S106 - a path
        perms="read",
    )
    app_limits = (AppLimit(3_600, 3_600),)

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """An alias's NSID: ``flickr.urls.lookupUser`` with the alias's profile URL and our
        app's key (``{"user": {"id": "<nsid>"}, "stat": "ok"}``). No key configured, or
        no such user (``stat: fail``): nobody (the alias's own key holds)."""

        key = app_key(self) if kind == "handle" else None
        if key is None:
            return None
        answer = fetch(
            http,
            f"{self.api_url}/services/rest",
            {
                "method": "flickr.urls.lookupUser",
                "api_key": key[0],
                "url": f"https://www.flickr.com/photos/{reference}/",
                "format": "json",
                "nojsoncallback": "1",
            },
        )
        user = json_of(answer).get("user")
        found = user.get("id") if isinstance(user, dict) else None
        return found if isinstance(found, str) and NSID.fullmatch(found) else None

    def identity_from_token(self, token: dict[str, Any], session: requests.Session) -> Identity:
        return Identity(stable_id=str(token["user_nsid"]), handle=str(token["user_nsid"]).lower())

    def identity(self, session: requests.Session) -> Identity:
        raise NotImplementedError("Flickr names the account in the token answer")

    def start_cursor(self, now: datetime) -> str | None:
        return str(int(now.timestamp()))

    def call(self, session: requests.Session, method: str, **params: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.get(
            session,
            f"{self.api_url}/services/rest",
            params={"method": method, "format": "json", "nojsoncallback": 1, **params},
        ).json()
        if answer.get("stat") != "ok":
            code = int(answer.get("code", 0))
            if code in REFUSED_TOKEN:
                raise NeedsReauth(self.name)
            if code == 105:  # service unavailable
                raise RateLimited(300)
            raise PlatformUnavailable(self.name, f"error {code}")
        return answer

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """Favourites after the cursor (a time), most recent first, at most ``MAX_PAGES``
        pages a poll: a larger burst is carried on (``Backlog``)."""
        backlog = Backlog.of(cursor or str(int(datetime.now(UTC).timestamp())))

        def page_at(ref: str | None) -> tuple[list[dict[str, Any]], str | None]:
            page = int(ref or 1)
            photos = self.call(
                session,
                "flickr.favorites.getList",
                min_fave_date=int(backlog.since or 0) + 1,
                extras="path_alias",  # the owner's alias beside its NSID
                per_page=PAGE_SIZE,
                page=page,
            )["photos"]
            more = page < int(photos.get("pages", 1))
            return list(photos["photo"]), str(page + 1) if more else None

        photos, after = read_newest_first(
            page_at, lambda photo: f"{int(photo['date_faved']):012d}", _padded(backlog), MAX_PAGES
        )
        likes = {str(photo["id"]): self._like(photo) for photo in photos}
        return LikesPage(likes=list(likes.values()), cursor=_unpadded(after).cursor())

    def _like(self, photo: dict[str, Any]) -> Like:
        url = f"https://www.flickr.com/photos/{photo['owner']}/{photo['id']}"
        alias = photo.get("pathalias")
        return Like(
            item_id=str(photo["id"]),
            url=url,
            owner_key=self.owner_key(url, f"flickr:{str(photo['owner']).lower()}"),
            liked_at=datetime.fromtimestamp(int(photo["date_faved"]), UTC),
            owner_handle=f"flickr:{str(alias).lower()}"
            if (alias := photo.get("pathalias"))
            else None,
        )


def _padded(backlog: Backlog) -> Backlog:
    """Times as fixed-width strings, so that they compare as numbers."""

    def pad(value: str | None) -> str | None:
        return f"{int(value):012d}" if value is not None else None

    return Backlog(pad(backlog.since), pad(backlog.newest), backlog.resume)


def _unpadded(backlog: Backlog) -> Backlog:
    def unpad(value: str | None) -> str | None:
        return str(int(value)) if value is not None else None

    return Backlog(unpad(backlog.since), unpad(backlog.newest), backlog.resume)

"""SoundCloud: OAuth 2.1 with PKCE required, one-hour tokens and single-use refresh
tokens (the poller keeps each new one). Liked tracks come newest first with no time, so
the cursor keeps the ids of the latest likes and a poll reads until it meets one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import Identity, Like, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

PAGE_SIZE = 50
MAX_PAGES = 10
KEEP = 100  # ids remembered; enough to find our place even after a few unlikes
KNOWN_RUN = 3  # known likes in a row that mean the rest were seen before


class SoundCloud(OAuth2Platform):
    name = "soundcloud"
    display = "SoundCloud"
    tier = "likes"
    expands = frozenset({"short_link"})
    sites = (
        Site(
            ("soundcloud.com",),
            (rule(rf"^/(?P<owner>{SEGMENT})"),),
            nobody(
                "discover",
                "search",
                "stream",
                "you",
                "settings",
                "upload",
                "charts",
                "pages",
                "terms-of-use",
                "messages",
                "notifications",
                "signin",
                "feed",
                "people",
                "tags",
                "jobs",
                "imprint",
                "popular",
                "mobile",
                "creators",
                "connect",
                "pro",
                "artists",
            ),
        ),
        Site(("on.soundcloud.com",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    )
    aliases = ("www.soundcloud.com", "m.soundcloud.com")
    default_web_url = "https://secure.soundcloud.com"
    default_api_url = "https://api.soundcloud.com"
    oauth = OAuth2Settings("/authorize", "/oauth/token", pkce=True)
    # No per-app budget: SoundCloud's 15,000 a day limits stream plays, not API reads.

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        """SoundCloud's documented header is ``Authorization: OAuth <token>``."""
        session = super().session(token, on_refresh)
        session.mount(self.api_url, _oauth_scheme())  # our requests to its API, and only them
        return session

    def revoke(self, token: dict[str, Any]) -> bool:
        """SoundCloud's sign-out ends the session the token belongs to."""
        import requests

        response = requests.post(
            f"{self.web_url}/sign-out",
            json={"access_token": token.get("access_token")},
            timeout=20,
        )
        return response.status_code in (200, 204)

    def identity(self, session: requests.Session) -> Identity:
        me = self.get(session, f"{self.api_url}/me").json()
        return Identity(stable_id=str(me["urn"]), handle=str(me["permalink"]).lower())

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """New likes since the snapshot in the cursor (the latest liked ids, newest
        first). Reading stops at a run of known likes, not at the first one: a re-liked
        old track comes back on top, and the new likes are below it. A burst larger than
        one poll's pages is carried: the cursor keeps where reading stopped and the
        snapshot to stop at, and the next poll reads what came in on top, then on."""
        state = _Snapshot.of(cursor)
        first = f"{self.api_url}/me/likes/tracks?linked_partitioning=true&limit={PAGE_SIZE}"
        read = _Reading(self, session, taking=cursor is not None)
        if cursor is None:  # the first poll only takes a snapshot
            read.walk(first, stop=set(), skip=set(), pages=1)
            return LikesPage([], json.dumps(read.fresh[:KEEP]))
        if state.resume is None:
            resume = read.walk(first, stop=set(state.seen), skip=set(), pages=MAX_PAGES)
            below, on_top = state.seen, len(read.fresh)
        else:
            # What came in on top first (never with every page), then on from where the
            # last poll stopped, down to the snapshot it started from.
            resume = read.walk(first, stop=set(state.seen), skip=set(), pages=MAX_PAGES - 1)
            below = state.below
            on_top = len(read.fresh)
            if resume is None:
                resume = read.walk(
                    state.resume, stop=set(below), skip=set(state.seen), pages=read.left()
                )
        # Newest first: what came in on top, the snapshot, then the older part of a burst.
        earlier = [u for u in state.seen if u not in read.fresh]
        seen = (read.fresh[:on_top] + earlier + read.fresh[on_top:])[:KEEP]
        carried = _Snapshot(seen, below, resume) if resume else _Snapshot(seen)
        return LikesPage(likes=read.likes, cursor=carried.cursor())

    def _like(self, track: dict[str, Any]) -> Like:
        link = str(track["permalink_url"])
        return Like(
            item_id=str(track["urn"]),
            url=link,
            owner_key=self.owner_key(link, f"soundcloud:{str(track['user']['permalink']).lower()}"),
            liked_at=None,
        )


def _oauth_scheme() -> Any:
    """A transport that sends the token as ``OAuth <token>`` (oauthlib writes Bearer)."""
    from requests.adapters import HTTPAdapter

    class OAuthScheme(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            value = request.headers.get("Authorization", "")
            if value.startswith("Bearer "):
                request.headers["Authorization"] = "OAuth " + value.removeprefix("Bearer ")
            return super().send(request, *args, **kwargs)

    return OAuthScheme()


@dataclass(frozen=True)
class _Snapshot:
    """The latest liked ids (newest first); while a burst is carried, also where reading
    stopped (``resume``) and the snapshot it is read down to (``below``)."""

    seen: list[str]
    below: list[str] = field(default_factory=list)
    resume: str | None = None

    @classmethod
    def of(cls, cursor: str | None) -> _Snapshot:
        data = json.loads(cursor) if cursor else []
        if isinstance(data, list):
            return cls([str(u) for u in data])
        return cls(data["seen"], data["below"], data["resume"])

    def cursor(self) -> str:
        if self.resume is None:
            return json.dumps(self.seen)
        return json.dumps({"seen": self.seen, "below": self.below, "resume": self.resume})


class _Reading:
    """One poll's reading of the likes list, within its page budget."""

    def __init__(self, adapter: SoundCloud, session: requests.Session, taking: bool) -> None:
        self.adapter, self.session, self.taking = adapter, session, taking
        self.fresh: list[str] = []
        self.likes: list[Like] = []
        self.pages = 0

    def left(self) -> int:
        return MAX_PAGES - self.pages

    def walk(self, url: str | None, stop: set[str], skip: set[str], pages: int) -> str | None:
        """Read from ``url`` until a run of ``stop`` ids (``skip`` ids are passed over);
        None when done, else the next page's URL, where the next poll resumes."""
        run, limit = 0, min(KNOWN_RUN, len(stop)) or 1
        for _ in range(pages):
            if url is None:
                return None
            self.pages += 1
            answer = self.adapter.get(self.session, url).json()
            for track in answer["collection"]:
                urn = str(track["urn"])
                if urn in stop:
                    run += 1
                    if run >= limit:
                        return None
                    continue
                run = 0
                if urn in skip or urn in self.fresh:
                    continue
                self.fresh.append(urn)
                if self.taking:
                    self.likes.append(self.adapter._like(track))
            url = answer.get("next_href")
        return url

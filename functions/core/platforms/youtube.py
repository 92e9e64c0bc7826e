"""YouTube: proves ownership of a channel, and its likes flattr each liked video's channel.
OAuth 2 with PKCE; the identity is the signed-in account's channel. Channel ids are
case-sensitive.

Liked videos (``videos.list?myRating=like``) come in no time order: a poll reads them at most
once a day, compares them with the ids it kept last time, and flattrs the new ones, each
video once ever. The first poll only keeps the list (videos liked before connecting are
not likes made on a connected platform). Each page costs one unit of the project's 10,000
a day, shared by every user (``app_limits``)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from functions.common import clock
from functions.core.platforms.base import AppLimit, Identity, Like, LikesPage, NoAccount
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import fetch, json_of, read_head
from functions.core.platforms.sites import Site, nobody, rule

if TYPE_CHECKING:
    import requests

POLL_EVERY = timedelta(days=1)  # liked videos have no order: read them whole, daily
PAGE_SIZE = 50  # YouTube's most
MAX_PAGES = 20  # a poll reads at most 1,000 liked videos (20 units)
KEPT_IDS = 5_000  # the ids a connection keeps to tell new likes from old

# The channel page's head names the channel's id: its canonical address.
CANONICAL_CHANNEL = re.compile(
    r'<link\s+rel="canonical"\s+href="https://www\.youtube\.com/channel/(UC[\w-]{22})"'
)


class YouTube(OAuth2Platform):
    name = "youtube"
    display = "YouTube"
    tier = "likes"
    # The project's 10,000 units a day, shared by every user; a little is left for lookups.
    app_limits = (AppLimit(9_000, 86_400),)
    sites = (
        Site(
            ("youtube.com",),
            (
                rule(r"^/channel/(?P<owner>UC[\w-]{22})(?:/|$)"),
                rule(r"^/@(?P<ref>[\w.-]+)", lookup="handle", fallback="@{ref}"),
                rule(r"^/watch$", lookup="video", query="v"),
                rule(r"^/(?:shorts|live|embed)/(?P<ref>[\w-]{6,})", lookup="video"),
                rule(r"^/(?:c|user)/(?P<ref>[^/]+)", lookup="legacy_name"),
                rule(r"^/playlist$", lookup="playlist", query="list"),
            ),
            nobody(
                "results",
                "feed",
                "account",
                "premium",
                "signin",
                "gaming",
                "hashtag",
                "kids",
                "about",
                "t",
                "howyoutubeworks",
                "creators",
                "ads",
                "shorts$",
                "upload",
            ),
            keep_query=("v", "list"),
        ),
    )
    case_sensitive_owner = True
    aliases = (
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    )
    default_web_url = "https://accounts.google.com"
    default_api_url = "https://www.googleapis.com"
    oauth = OAuth2Settings(
        "/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        scopes=("https://www.googleapis.com/auth/youtube.readonly",),
        pkce=True,
        revoke_path="https://oauth2.googleapis.com/revoke",
    )

    looks_up = frozenset({"video", "handle", "legacy_name", "playlist"})
    oembed_url = "https://www.youtube.com/oembed"
    channel_page_url = "https://www.youtube.com/@{handle}"

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """A video's (or playlist's) channel from YouTube's oEmbed (no key needed): its
        ``author_url`` names the channel by handle (``/@name``) or id (``/channel/UC…``); a
        handle (or a legacy ``/c/name``) is settled to its channel id from the channel
        page's canonical link. oEmbed answers 401, 403 or 404 for private, unembeddable
        and removed videos: nobody to name."""

        if kind in ("video", "playlist"):
            watch = (
                f"https://www.youtube.com/watch?v={reference}"
                if kind == "video"
                else f"https://www.youtube.com/playlist?list={reference}"
            )
            answer = fetch(http, self.oembed_url, {"url": watch, "format": "json"})
            owner, lookup = self.author_of(json_of(answer).get("author_url"))
            if owner or lookup is None or lookup[0] != "handle":
                return owner
            handle = lookup[1]
            return self.owner_of("handle", handle, http) or f"@{handle}"
        if kind in ("handle", "legacy_name"):
            address = (
                self.channel_page_url.format(handle=reference)
                if kind == "handle"
                else f"https://www.youtube.com/c/{reference}"
            )
            page = fetch(http, address, stream=True)
            found = CANONICAL_CHANNEL.search(read_head(page))
            return found.group(1) if found else None
        return None

    def identity(self, session: requests.Session) -> Identity:
        """The signed-in account's channel: its id is enough (money follows it); the
        handle (``customUrl``, ``@name``) only where the channel has one."""
        answer = self.get(
            session, f"{self.api_url}/youtube/v3/channels?part=snippet&mine=true"
        ).json()
        channels = answer.get("items") or []
        if not channels:
            raise NoAccount(self.name, "this Google account has no YouTube channel")
        channel = channels[0]
        handle = channel.get("snippet", {}).get("customUrl")
        return Identity(stable_id=str(channel["id"]), handle=str(handle) if handle else None)

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """The videos liked since the last poll (a day at least), each to its channel."""
        kept = _Kept.of(cursor)
        now = clock.now()
        if kept is not None and now - kept.at < POLL_EVERY:
            return LikesPage(likes=[], cursor=cursor)
        known = set(kept.ids) if kept is not None else set()
        current: list[str] = []  # in YouTube's order: the most recent first, as it lists them
        now_liked: set[str] = set()
        likes: list[Like] = []
        page: str | None = None
        for _ in range(MAX_PAGES):
            answer = self._liked_page(session, page)
            if answer is None:  # read again whole next time: a part is no snapshot
                return LikesPage(likes=[], cursor=cursor)
            for video in answer.get("items") or []:
                video_id, channel = str(video.get("id", "")), _channel_of(video)
                if not video_id or video_id in now_liked:
                    continue
                current.append(video_id)
                now_liked.add(video_id)
                if kept is None or video_id in known or channel is None:
                    continue
                url = f"https://www.youtube.com/watch?v={video_id}"
                likes.append(Like(video_id, url, f"youtube:{channel}", liked_at=None))
            page = answer.get("nextPageToken")
            if not page:
                break
        seen = current + [i for i in (kept.ids if kept else []) if i not in now_liked]
        return LikesPage(likes=likes, cursor=_Kept(now, seen[:KEPT_IDS]).dumps())

    def _liked_page(self, session: requests.Session, page: str | None) -> dict[str, Any] | None:
        """One page of liked videos; None where YouTube did not give it (a spent quota)."""
        query = {"part": "snippet", "myRating": "like", "maxResults": str(PAGE_SIZE)}
        if page:
            query["pageToken"] = page
        import requests as requests_lib  # loaded where a request is made

        try:
            answer = self.get(session, f"{self.api_url}/youtube/v3/videos?{urlencode(query)}")
            found = answer.json()
        except (requests_lib.HTTPError, ValueError):
            return None  # 403 quotaExceeded: the project's units are spent until tomorrow
        return found if isinstance(found, dict) else None


def _channel_of(video: dict[str, Any]) -> str | None:
    channel = (video.get("snippet") or {}).get("channelId")
    return str(channel) if isinstance(channel, str) and channel.startswith("UC") else None


class _Kept:
    """A connection's cursor: when its likes were last read, and the ids it saw."""

    def __init__(self, at: datetime, ids: list[str]) -> None:
        self.at, self.ids = at, ids

    @classmethod
    def of(cls, cursor: str | None) -> _Kept | None:
        if not cursor:
            return None
        found = json.loads(cursor)
        return cls(datetime.fromisoformat(found["at"]), [str(i) for i in found["ids"]])

    def dumps(self) -> str:
        return json.dumps({"at": self.at.isoformat(), "ids": self.ids})

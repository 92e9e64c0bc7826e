"""YouTube: proves ownership of a channel (no likes used). OAuth 2 with PKCE; the
identity is the signed-in account's channel. Channel ids are case-sensitive."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from functions.core.platforms.base import Identity, LikesPage, NoAccount
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import fetch, json_of, read_head
from functions.core.platforms.sites import Site, nobody, rule

if TYPE_CHECKING:
    import requests

# The channel page's head names the channel's id: its canonical address.
CANONICAL_CHANNEL = re.compile(
    r'<link\s+rel="canonical"\s+href="https://www\.youtube\.com/channel/(UC[\w-]{22})"'
)


class YouTube(OAuth2Platform):
    name = "youtube"
    display = "YouTube"
    tier = "ownership"
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
        return LikesPage(likes=[], cursor=cursor)  # ownership only: polling costs nothing

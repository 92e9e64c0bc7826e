"""YouTube: proves ownership of a channel (no likes used). OAuth 2 with PKCE; the
identity is the signed-in account's channel. Channel ids are case-sensitive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.core.platforms.base import Identity, LikesPage, NoAccount
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import Site, nobody, rule

if TYPE_CHECKING:
    import requests


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

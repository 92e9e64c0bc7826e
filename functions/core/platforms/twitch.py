"""Twitch: proves ownership of a channel (no likes API). OAuth 2; the identity is
``GET /helix/users``; videos and clips name their channel only through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.core.platforms.base import Identity, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests


class Twitch(OAuth2Platform):
    name = "twitch"
    display = "Twitch"
    tier = "ownership"
    sites = (
        Site(
            ("twitch.tv",),
            (
                rule(r"^/videos/(?P<ref>\d+)", lookup="video"),
                rule(r"^/(?P<owner>[a-z0-9_]{3,25})(?:/|$)"),
            ),
            nobody(
                "directory",
                "settings",
                "subscriptions",
                "inventory",
                "wallet",
                "search",
                "downloads",
                "login",
                "signup",
                "p",
                "jobs",
                "turbo",
                "prime",
                "drops",
                "friends",
                "messages",
                "store",
                "videos$",
            ),
        ),
        Site(("clips.twitch.tv",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="clip"),)),
    )
    aliases = ("www.twitch.tv", "m.twitch.tv")
    default_web_url = "https://id.twitch.tv"
    default_api_url = "https://api.twitch.tv"
    oauth = OAuth2Settings(
        "/oauth2/authorize",
        "/oauth2/token",
        scopes=(),
        pkce=False,
        revoke_path="/oauth2/revoke",
        revokes="access",  # Twitch revokes access tokens only
    )

    def identity(self, session: requests.Session) -> Identity:
        """Helix wants our client id beside the user's token (401 without it)."""
        client_id = getattr(session, "client_id", None)
        if client_id is None:
            from functions.core.platforms.clients import credentials

            client_id = credentials(self).client_id
        answer = self.get(session, f"{self.api_url}/helix/users", headers={"Client-Id": client_id})
        user = answer.json()["data"][0]
        return Identity(stable_id=str(user["id"]), handle=str(user["login"]).lower())

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        return LikesPage(likes=[], cursor=cursor)  # ownership only: polling costs nothing

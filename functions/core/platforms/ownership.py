"""Platforms that prove ownership only (no usable likes API): Twitch, Vimeo, YouTube.

Configuration over the base class: where the identity is and which recipient key it
proves; ``likes`` answers nothing, so polling them costs no requests.
"""

from __future__ import annotations

from typing import Any, ClassVar

import requests

from functions.core.platforms.base import Identity, LikesPage, OAuth2Config, Platform


class OwnershipOnly(Platform):
    identity_path: str
    # Where the stable id and the handle are in the identity answer.
    id_path: tuple[str | int, ...]
    handle_path: tuple[str | int, ...]
    headers: ClassVar[dict[str, str]] = {}

    def identity(self, session: requests.Session) -> Identity:
        answer = self.get(session, self.api_url + self.identity_path, headers=self.headers).json()
        return Identity(
            stable_id=str(_dig(answer, self.id_path)),
            handle=str(_dig(answer, self.handle_path)).lower(),
        )

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        return LikesPage(likes=[], cursor=cursor)


def _dig(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


class Twitch(OwnershipOnly):
    name = "twitch"
    web_url_env, api_url_env = "TWITCH_WEB_URL", "TWITCH_API_URL"
    default_web_url, default_api_url = "https://id.twitch.tv", "https://api.twitch.tv"
    oauth = OAuth2Config(
        "/oauth2/authorize", "/oauth2/token", scopes=(), pkce=False, revoke_path="/oauth2/revoke"
    )
    identity_path = "/helix/users"
    id_path = ("data", 0, "id")
    handle_path = ("data", 0, "login")


class Vimeo(OwnershipOnly):
    name = "vimeo"
    web_url_env, api_url_env = "VIMEO_WEB_URL", "VIMEO_API_URL"
    default_web_url, default_api_url = "https://api.vimeo.com", "https://api.vimeo.com"
    oauth = OAuth2Config("/oauth/authorize", "/oauth/access_token", scopes=("public",), pkce=False)
    identity_path = "/me"
    id_path = ("uri",)
    handle_path = ("link",)

    def identity(self, session: requests.Session) -> Identity:
        found = super().identity(session)
        # "link": "https://vimeo.com/<handle>"; "uri": "/users/<id>"
        return Identity(
            found.stable_id.rsplit("/", 1)[-1], found.handle.rstrip("/").rsplit("/", 1)[-1]
        )


class YouTube(OwnershipOnly):
    name = "youtube"
    web_url_env, api_url_env = "YOUTUBE_WEB_URL", "YOUTUBE_API_URL"
    default_web_url, default_api_url = "https://accounts.google.com", "https://www.googleapis.com"
    oauth = OAuth2Config(
        "/o/oauth2/v2/auth",
        "/token",
        scopes=("https://www.googleapis.com/auth/youtube.readonly",),
        pkce=True,
    )
    identity_path = "/youtube/v3/channels?part=snippet&mine=true"
    id_path = ("items", 0, "id")
    handle_path = ("items", 0, "snippet", "customUrl")

    def identity(self, session: requests.Session) -> Identity:
        found = super().identity(session)
        # YouTube channel ids are case-sensitive: keep the id as given.
        return Identity(found.stable_id, found.handle)

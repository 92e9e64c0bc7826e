"""Twitch: proves ownership of a channel (no likes API). OAuth 2; the identity is
``GET /helix/users``; videos and clips name their channel only through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.core.platforms.base import Identity, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import GUARD, LookupFailed, app_key, fetch, json_of
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
                # A login can be changed: settled to the account's id.
                rule(r"^/(?P<ref>[a-z0-9_]{3,25})(?:/|$)", lookup="handle", fallback="{ref}"),
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

    looks_up = frozenset({"handle"})

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """A login's user id: Helix ``GET /helix/users?login=`` with our app's access token
        (the client-credentials grant; kept in memory until it expires). No app
        configured, or no such login: nobody (the login's own key holds)."""

        key = app_key(self) if kind == "handle" else None
        token = _app_token(self.token_url(), key, http) if key else None
        if key is None or token is None:
            return None
        answer = fetch(
            http,
            f"{self.api_url}/helix/users",
            {"login": reference.lower()},
            headers={"Client-Id": key[0], "Authorization": f"Bearer {token}"},
        )
        if answer.status_code == 401:
            _TOKENS.clear()  # revoked or expired early: a new one next time
        users = json_of(answer).get("data")
        first = users[0] if isinstance(users, list) and users else {}
        found = first.get("id") if isinstance(first, dict) else None
        return str(found) if isinstance(found, str) and found.isdigit() else None

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


_TOKENS: dict[str, tuple[str, float]] = {}  # client id -> (app access token, expiry)


def clear_tokens() -> None:
    _TOKENS.clear()


def _app_token(url: str, key: tuple[str, str], http: requests.Session) -> str | None:
    """Our app's access token (client-credentials grant), reused until a minute before it
    expires. Twitch not answering: ``LookupFailed`` (tried again later)."""
    import time

    kept = _TOKENS.get(key[0])
    if kept and kept[1] > time.monotonic():
        return kept[0]
    host = "id.twitch.tv"
    GUARD.enter(host)
    try:
        answer = http.post(
            url,
            data={"client_id": key[0], "client_secret": key[1], "grant_type": "client_credentials"},
            timeout=5,
            allow_redirects=False,
        )
        granted = answer.json() if answer.status_code == 200 else {}
    except Exception as error:  # no answer, or no JSON: Twitch cannot tell now
        GUARD.failed(host)
        raise LookupFailed(f"{host}: no token") from error
    token, lasts = granted.get("access_token"), granted.get("expires_in")
    if not isinstance(token, str) or not isinstance(lasts, int):
        return None  # refused: our app's key is wrong; nobody can be named with it
    _TOKENS[key[0]] = (token, time.monotonic() + lasts - 60)
    return token

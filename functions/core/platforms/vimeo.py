"""Vimeo: proves ownership of an account (no likes used). OAuth 2; the identity is
``GET /me`` (``uri`` = ``/users/<id>``, ``link`` = ``https://vimeo.com/<handle>``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import Identity, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import fetch, json_of
from functions.core.platforms.sites import Site, nobody, rule

if TYPE_CHECKING:
    import requests


class Vimeo(OAuth2Platform):
    name = "vimeo"
    display = "Vimeo"
    tier = "ownership"
    sites = (
        Site(
            ("vimeo.com",),
            (
                rule(r"^/(?P<ref>\d+)(?:/|$)", lookup="video"),
                rule(r"^/channels/[^/]+/(?P<ref>\d+)", lookup="video"),
                rule(r"^/(?P<owner>[a-z][a-z0-9_-]*)(?:/|$)"),
            ),
            nobody(
                "search",
                "settings",
                "watch",
                "log_in",
                "join",
                "features",
                "upgrade",
                "blog",
                "help",
                "about",
                "categories",
                "channels(?:/[^/]+)?$",
                "groups",
                "ondemand",
                "stock",
                "create",
                "solutions",
                "enterprise",
                "manage",
                "home",
                "upload",
                "for-hire",
                "pricing",
                "jobs",
                "legal",
                "privacy",
            ),
        ),
        Site(("player.vimeo.com",), (rule(r"^/video/(?P<ref>\d+)", lookup="video"),)),
    )
    aliases = ("www.vimeo.com",)
    default_web_url = "https://api.vimeo.com"
    default_api_url = "https://api.vimeo.com"
    # The official client (vimeo.py) authenticates at the token endpoint with HTTP Basic.
    oauth = OAuth2Settings(
        "/oauth/authorize",
        "/oauth/access_token",
        scopes=("public",),
        pkce=False,
        client_auth="basic",
    )

    def revoke(self, token: dict[str, Any]) -> bool:
        """``DELETE /tokens`` with the token itself: Vimeo's documented revocation."""
        import requests

        response = requests.delete(
            f"{self.api_url}/tokens",
            headers={"Authorization": f"Bearer {token.get('access_token')}"},
            timeout=20,
        )
        return response.status_code in (204, 401)  # 401: the token is gone already

    looks_up = frozenset({"video"})
    oembed_url = "https://vimeo.com/api/oembed.json"

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """A video's owner from Vimeo's oEmbed: its ``author_url`` is the owner's page
        (``vimeo.com/<handle>``, or ``vimeo.com/user<id>`` without a custom one). 403 and
        404 (private or removed): nobody to name."""

        if kind != "video":
            return None
        answer = fetch(http, self.oembed_url, {"url": f"https://vimeo.com/{reference}"})
        owner, _ = self.author_of(json_of(answer).get("author_url"))
        return owner

    def identity(self, session: requests.Session) -> Identity:
        me = self.get(session, f"{self.api_url}/me").json()
        return Identity(
            stable_id=str(me["uri"]).rsplit("/", 1)[-1],
            handle=str(me["link"]).lower().rstrip("/").rsplit("/", 1)[-1],
        )

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        return LikesPage(likes=[], cursor=cursor)  # ownership only: polling costs nothing

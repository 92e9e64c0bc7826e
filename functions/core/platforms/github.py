"""GitHub: OAuth 2 (no scope needed for public data), stars as likes, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import (
    Backlog,
    Identity,
    Like,
    LikesPage,
    read_newest_first,
)
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import app_key, fetch, json_of
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests

STAR_JSON = "application/vnd.github.star+json"
PAGE_SIZE = 100
MAX_PAGES = 10  # per poll; the cursor carries the rest to the next one (``Backlog``)
BY_LOGIN = {"lookup": "handle", "fallback": "{ref}"}


class GitHub(OAuth2Platform):
    name = "github"
    display = "GitHub"
    tier = "likes"
    sites = (
        Site(
            ("github.com",),
            (
                # A login names the account only until it is renamed: settled to its id.
                rule(rf"^/(?:orgs|sponsors|users)/(?P<ref>{SEGMENT})", **BY_LOGIN),
                rule(r"^/(?P<ref>[a-z0-9-]+)(?:/|$)", **BY_LOGIN),
            ),
            nobody(
                "about",
                "account",
                "apps",
                "codespaces",
                "collections",
                "contact",
                "copilot",
                "customer-stories",
                "dashboard",
                "enterprise",
                "events",
                "explore",
                "features",
                "home",
                "issues",
                "join",
                "login",
                "logout",
                "marketplace",
                "models",
                "new",
                "notifications",
                "organizations",
                "password_reset",
                "pricing",
                "pulls",
                "readme",
                "search",
                "security",
                "sessions",
                "settings",
                "signup",
                "site",
                "sponsors$",
                "team",
                "topics",
                "trending",
            ),
            keep_query=("tab",),
        ),
        Site(
            ("gist.github.com",),
            (rule(rf"^/(?P<ref>{SEGMENT})", **BY_LOGIN),),
            nobody("discover", "search", "starred", "mine", "auth"),
        ),
        Site(("raw.githubusercontent.com",), (rule(rf"^/(?P<ref>{SEGMENT})", **BY_LOGIN),)),
        Site(("github.io",), (), subdomain_of="github.io"),
    )
    aliases = ("www.github.com",)
    default_web_url = "https://github.com"
    default_api_url = "https://api.github.com"
    oauth = OAuth2Settings("/login/oauth/authorize", "/login/oauth/access_token", scopes=())
    looks_up = frozenset({"handle"})

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """A login's account id: ``GET /users/{login}`` (a user's or an organisation's
        ``id``; a 404: nobody, the login's own key holds), asked with our app's key where
        one is configured (5,000 an hour instead of 60 per address)."""
        from urllib.parse import quote

        if kind != "handle":
            return None
        answer = fetch(
            http,
            f"{self.api_url}/users/{quote(reference)}",
            headers={"Accept": "application/vnd.github+json"},
            auth=app_key(self),
        )
        found = json_of(answer).get("id")
        return str(found) if isinstance(found, int) and not isinstance(found, bool) else None

    def revoke(self, token: dict[str, Any]) -> bool:
        """``DELETE /applications/{client_id}/grant``: the user's grant ends, token included."""
        import requests

        from functions.core.platforms.clients import credentials

        client = credentials(self)
        response = requests.delete(
            f"{self.api_url}/applications/{client.client_id}/grant",
            auth=(client.client_id, client.client_secret),
            json={"access_token": token.get("access_token")},
            headers={"Accept": "application/vnd.github+json"},
            timeout=20,
        )
        # 204: revoked. 422: GitHub's answer for a grant that no longer exists. A 404 means
        # the app or the route is wrong: not success.
        return response.status_code in (204, 422)

    def start_cursor(self, now: datetime) -> str | None:
        return (now - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def identity(self, session: requests.Session) -> Identity:
        user = self.get(session, f"{self.api_url}/user").json()
        return Identity(stable_id=str(user["id"]), handle=str(user["login"]).lower())

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """Stars newer than the cursor (the newest ``starred_at`` seen so far), newest
        first, at most ``MAX_PAGES`` pages a poll: a larger burst is carried on."""
        first = f"{self.api_url}/user/starred?sort=created&direction=desc&per_page={PAGE_SIZE}"

        def page_at(url: str | None) -> tuple[list[dict[str, Any]], str | None]:
            response = self.get(session, url or first, headers={"Accept": STAR_JSON})
            return list(response.json()), response.links.get("next", {}).get("url")

        stars, backlog = read_newest_first(
            page_at, lambda star: str(star["starred_at"]), Backlog.of(cursor), MAX_PAGES
        )
        likes = {str(star["repo"]["id"]): self._like(star) for star in stars}
        return LikesPage(likes=list(likes.values()), cursor=backlog.cursor())

    def _like(self, star: dict[str, Any]) -> Like:
        """The star's owner by account id (a login can be renamed and taken by someone
        else); the login goes on record as the id's handle."""
        repo = star["repo"]
        owner = repo["owner"]
        return Like(
            item_id=str(repo["id"]),
            url=repo["html_url"],
            owner_key=f"github:{owner['id']}",
            liked_at=datetime.fromisoformat(str(star["starred_at"]).replace("Z", "+00:00")),
            owner_handle=f"github:{str(owner['login']).lower()}",
        )

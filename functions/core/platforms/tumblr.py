"""Tumblr: OAuth 2 (``basic offline_access``); the primary blog is the identity; likes
carry their time, so ``after`` reads only newer ones. Its limits are per app key, so
every user's polling spends from one shared budget."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import AppLimit, Identity, Like, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests

MAX_PAGES = 10


class Tumblr(OAuth2Platform):
    name = "tumblr"
    display = "Tumblr"
    tier = "likes"
    sites = (
        Site(
            ("tumblr.com",),
            (
                rule(rf"^/blog/view/(?P<owner>{SEGMENT})"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "dashboard",
                "explore",
                "search",
                "settings",
                "login",
                "register",
                "likes",
                "following",
                "inbox",
                "new",
                "tagged",
                "about",
                "policy",
                "privacy",
                "docs",
                "help",
                "apps",
                "support",
                "communities",
                "blog$",
                "oauth2",
            ),
        ),
        Site(
            ("tumblr.com",),
            (),
            subdomain_of="tumblr.com",
            reserved_subdomains=frozenset({"www", "api", "assets", "m", "help"}),
        ),
    )
    aliases = ("www.tumblr.com",)
    default_web_url = "https://www.tumblr.com"
    default_api_url = "https://api.tumblr.com"
    oauth = OAuth2Settings(
        "/oauth2/authorize",
        "/v2/oauth2/token",
        scopes=("basic", "offline_access"),
        pkce=False,
        token_on_api=True,
    )
    app_limits = (AppLimit(1_000, 3_600), AppLimit(5_000, 86_400))

    def identity(self, session: requests.Session) -> Identity:
        user = self.get(session, f"{self.api_url}/v2/user/info").json()["response"]["user"]
        blogs = user["blogs"]
        primary = next((blog for blog in blogs if blog.get("primary")), blogs[0])
        return Identity(stable_id=str(primary["uuid"]), handle=str(primary["name"]).lower())

    def start_cursor(self, now: datetime) -> str | None:
        return str(int(now.timestamp()))

    def _liked(self, session: requests.Session, **bound: int) -> list[dict[str, Any]]:
        answer = self.get(session, f"{self.api_url}/v2/user/likes", params=bound).json()
        return list(answer["response"]["liked_posts"])

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """Likes after ``cursor`` (a time), whatever order Tumblr answers ``after=`` in
        (its documentation states none): read newer with ``after`` and older with
        ``before`` until neither brings anything after the cursor; de-duplicate; sort."""
        since = int(cursor) if cursor else int(datetime.now(UTC).timestamp())
        found: dict[str, dict[str, Any]] = {}
        requests_left = MAX_PAGES
        for direction in ("after", "before"):
            # Newer from the cursor up; then older from the oldest found down to the cursor.
            if direction == "before" and not found:
                break
            bound = (
                since
                if direction == "after"
                else min(int(p["liked_timestamp"]) for p in found.values())
            )
            while requests_left > 0:
                requests_left -= 1
                posts = self._liked(session, **{direction: bound})
                new = [
                    p
                    for p in posts
                    if int(p["liked_timestamp"]) > since and str(p["id_string"]) not in found
                ]
                if not new:
                    break
                found.update({str(p["id_string"]): p for p in new})
                times = [int(p["liked_timestamp"]) for p in found.values()]
                bound = max(times) if direction == "after" else min(times)
        ordered = sorted(found.values(), key=lambda p: (int(p["liked_timestamp"]), p["id_string"]))
        newest = max((int(p["liked_timestamp"]) for p in ordered), default=since)
        return LikesPage(likes=[self._like(p) for p in ordered], cursor=str(newest))

    def _like(self, post: dict[str, Any]) -> Like:
        blog = str(post.get("blog", {}).get("name") or post["blog_name"]).lower()
        return Like(
            item_id=str(post["id_string"]),
            url=str(post["post_url"]),
            owner_key=self.owner_key(str(post["post_url"]), f"tumblr:{blog}"),
            liked_at=datetime.fromtimestamp(int(post["liked_timestamp"]), UTC),
        )

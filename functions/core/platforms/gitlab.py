"""GitLab (gitlab.com or a self-hosted instance): stars have no time, and the starred
list is ordered by project, not by when it was starred, so a new star can be anywhere
in it. The cursor is the snapshot of every starred project id ever seen, and each poll
reads the whole list (up to ``MAX_PAGES`` pages: a user with more than 5,000 starred
projects has stars past that point unseen); a new star is one not in the snapshot, and
unstarring then starring again is not new."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from functions.core.platforms.base import Identity, Like, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests

MAX_PAGES = 50  # 100 a page: the whole list, up to 5,000 starred projects


class GitLab(OAuth2Platform):
    name = "gitlab"
    display = "GitLab"
    tier = "likes"
    sites = (
        Site(
            ("gitlab.com",),
            (
                rule(rf"^/users/(?P<owner>{SEGMENT})"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "explore",
                "dashboard",
                "search",
                "help",
                "admin",
                "-",
                "projects",
                "profile",
                "users/(?:sign_in|sign_up|password|confirmation|auth)",
                "api",
            ),
        ),
        Site(("gitlab.io",), (), subdomain_of="gitlab.io"),
    )
    aliases = ("www.gitlab.com",)
    default_web_url = "https://gitlab.com"
    default_api_url = "https://gitlab.com/api/v4"
    oauth = OAuth2Settings(
        "/oauth/authorize",
        "/oauth/token",
        scopes=("read_user",),
        pkce=True,
        revoke_path="/oauth/revoke",
    )

    def identity(self, session: requests.Session) -> Identity:
        user = self.get(session, f"{self.api_url}/user").json()
        return Identity(stable_id=str(user["id"]), handle=str(user["username"]).lower())

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        seen: set[int] = set(json.loads(cursor)) if cursor else set()
        first_poll = cursor is None
        user = self.identity(session)
        url: str | None = (
            f"{self.api_url}/users/{user.stable_id}/starred_projects"
            "?per_page=100&order_by=id&sort=asc"
        )
        current: set[int] = set()
        likes: list[Like] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = self.get(session, url)
            for project in response.json():
                project_id = int(project["id"])
                current.add(project_id)
                if project_id in seen or first_poll:
                    continue
                namespace = str(project["namespace"]["full_path"]).split("/", 1)[0].lower()
                likes.append(
                    Like(
                        item_id=str(project_id),
                        url=str(project["web_url"]),
                        owner_key=self.owner_key(str(project["web_url"]), f"gitlab:{namespace}"),
                        liked_at=None,
                    )
                )
            url = response.links.get("next", {}).get("url")
        # The first poll only takes the snapshot: stars made before connecting are not
        # likes "made on a platform they connected".
        return LikesPage(likes=likes, cursor=json.dumps(sorted(current | seen)))

"""Mastodon and compatible fediverse servers: one adapter, any server (``at(instance)``).

Our app is registered on each server on first use (``core/platforms/apps.py``). Favourites
have no time, but their Link header pages by favourite id: ``min_id`` asks for newer
ones, so the cursor is the newest favourite id seen.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from functions.core.platforms.base import (
    Identity,
    Like,
    LikesPage,
    OAuth2Config,
    Platform,
)

PAGE_SIZE = 40
MAX_PAGES = 10


def _min_id(response: requests.Response) -> str | None:
    """The ``min_id`` of the "prev" link: where the next poll starts."""
    link = response.links.get("prev", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("min_id")
    return values[0] if values else None


class Mastodon(Platform):
    name = "mastodon"
    web_url_env = "MASTODON_WEB_URL"
    api_url_env = "MASTODON_API_URL"
    default_web_url = "https://mastodon.social"
    default_api_url = "https://mastodon.social"
    oauth = OAuth2Config(
        "/oauth/authorize",
        "/oauth/token",
        scopes=("read:accounts", "read:favourites"),
        pkce=True,  # Mastodon 4.3+; older servers ignore the extra parameters
        revoke_path="/oauth/revoke",
    )
    per_instance = True

    def identity(self, session: requests.Session) -> Identity:
        account = self.get(session, f"{self.api_url}/api/v1/accounts/verify_credentials").json()
        server = self.instance or urlsplit(self.api_url).hostname
        return Identity(
            stable_id=f"{account['id']}@{server}",
            handle=f"@{str(account['username']).lower()}@{server}",
        )

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        if cursor is None:
            # The first poll only finds where "now" is: earlier favourites do not count.
            response = self.get(session, f"{self.api_url}/api/v1/favourites?limit=1")
            return LikesPage(likes=[], cursor=_min_id(response) or "0")
        likes: list[Like] = []
        newest = cursor
        url = f"{self.api_url}/api/v1/favourites?limit={PAGE_SIZE}&min_id={newest}"
        for _ in range(MAX_PAGES):
            response = self.get(session, url)
            statuses = response.json()
            if not statuses:
                break
            likes.extend(self._like(status) for status in statuses)
            newest = _min_id(response) or newest
            url = f"{self.api_url}/api/v1/favourites?limit={PAGE_SIZE}&min_id={newest}"
        return LikesPage(likes=likes, cursor=newest)

    def _like(self, status: dict[str, object]) -> Like:
        account = status["account"]
        assert isinstance(account, dict)
        profile = str(account["url"])
        server = urlsplit(profile).hostname or self.instance
        fallback = f"mastodon:@{str(account['username']).lower()}@{server}"
        return Like(
            item_id=str(status["uri"]),
            url=str(status.get("url") or status["uri"]),
            owner_key=self.owner_key(profile, fallback),
            liked_at=None,
        )

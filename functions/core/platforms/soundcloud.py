"""SoundCloud: OAuth 2.1 with PKCE required, one-hour tokens and single-use refresh
tokens (the poller keeps each new one). Liked tracks come newest first with no time, so
the cursor keeps the ids of the latest likes and a poll reads until it meets one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from functions.core.platforms.base import Identity, Like, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

PAGE_SIZE = 50
MAX_PAGES = 10
KEEP = 100  # ids remembered; enough to find our place even after a few unlikes
KNOWN_RUN = 3  # known likes in a row that mean the rest were seen before


class SoundCloud(OAuth2Platform):
    name = "soundcloud"
    display = "SoundCloud"
    tier = "likes"
    sites = (
        Site(
            ("soundcloud.com",),
            (rule(rf"^/(?P<owner>{SEGMENT})"),),
            nobody(
                "discover",
                "search",
                "stream",
                "you",
                "settings",
                "upload",
                "charts",
                "pages",
                "terms-of-use",
                "messages",
                "notifications",
                "signin",
                "feed",
                "people",
                "tags",
                "jobs",
                "imprint",
                "popular",
                "mobile",
                "creators",
                "connect",
                "pro",
                "artists",
            ),
        ),
        Site(("on.soundcloud.com",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    )
    aliases = ("www.soundcloud.com", "m.soundcloud.com")
    default_web_url = "https://secure.soundcloud.com"
    default_api_url = "https://api.soundcloud.com"
    oauth = OAuth2Settings("/authorize", "/oauth/token", pkce=True)
    # No per-app budget: SoundCloud's 15,000 a day limits stream plays, not API reads.

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        """SoundCloud's documented header is ``Authorization: OAuth <token>``."""
        session = super().session(token, on_refresh)
        session.mount("https://", _oauth_scheme())
        return session

    def revoke(self, token: dict[str, Any]) -> bool:
        """SoundCloud's sign-out ends the session the token belongs to."""
        import requests

        response = requests.post(
            f"{self.web_url}/sign-out",
            json={"access_token": token.get("access_token")},
            timeout=20,
        )
        return response.status_code in (200, 204)

    def identity(self, session: requests.Session) -> Identity:
        me = self.get(session, f"{self.api_url}/me").json()
        return Identity(stable_id=str(me["urn"]), handle=str(me["permalink"]).lower())

    def likes(self, session: requests.Session, cursor: str | None) -> LikesPage:
        """New likes since the snapshot in the cursor (the latest liked ids, newest
        first). Reading stops at a run of known likes, not at the first one: a re-liked
        old track comes back on top, and the new likes are below it."""
        seen: list[str] = json.loads(cursor) if cursor else []
        known = set(seen)
        stop_after = min(KNOWN_RUN, len(known)) or 1
        fresh: list[str] = []
        likes: list[Like] = []
        url: str | None = (
            f"{self.api_url}/me/likes/tracks?linked_partitioning=true&limit={PAGE_SIZE}"
        )
        pages = 1 if cursor is None else MAX_PAGES  # the first poll only takes a snapshot
        run = 0
        for _ in range(pages):
            if url is None:
                break
            answer = self.get(session, url).json()
            for track in answer["collection"]:
                urn = str(track["urn"])
                if urn in known:
                    run += 1
                    if run >= stop_after:
                        url = None
                        break
                    continue
                run = 0
                if urn in fresh:
                    continue
                fresh.append(urn)
                if cursor is not None:
                    likes.append(self._like(track))
            else:
                url = answer.get("next_href")
        kept = fresh + [urn for urn in seen if urn not in fresh]
        return LikesPage(likes=likes, cursor=json.dumps(kept[:KEEP]))

    def _like(self, track: dict[str, Any]) -> Like:
        link = str(track["permalink_url"])
        return Like(
            item_id=str(track["urn"]),
            url=link,
            owner_key=self.owner_key(link, f"soundcloud:{str(track['user']['permalink']).lower()}"),
            liked_at=None,
        )


def _oauth_scheme() -> Any:
    """A transport that sends the token as ``OAuth <token>`` (oauthlib writes Bearer)."""
    from requests.adapters import HTTPAdapter

    class OAuthScheme(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            value = request.headers.get("Authorization", "")
            if value.startswith("Bearer "):
                request.headers["Authorization"] = "OAuth " + value.removeprefix("Bearer ")
            return super().send(request, *args, **kwargs)

    return OAuthScheme()

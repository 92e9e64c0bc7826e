"""Mastodon and compatible fediverse servers: one adapter, any server (``at(instance)``).

Our app is registered on each server on first use (``core/platforms/apps.py``). Favourites
have no time, but their Link header pages by favourite id: ``min_id`` asks for newer
ones, so the cursor is the newest favourite id seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from functions.core.platforms.base import AppLimit, Identity, Like, LikesPage
from functions.core.platforms.flows import OAuth2Platform, OAuth2Settings
from functions.core.platforms.http import fetch, json_of
from functions.core.platforms.sites import Site, nobody, rule

if TYPE_CHECKING:
    import requests

# Fediverse servers known to speak Mastodon's URL shapes. Others resolve as websites
# until a connection registers them (the connections capability adds servers).
MASTODON_SERVERS = (
    "mastodon.social",
    "mastodon.online",
    "mstdn.social",
    "fosstodon.org",
    "hachyderm.io",
    "infosec.exchange",
    "mas.to",
    "mastodon.world",
    "techhub.social",
    "chaos.social",
    "social.coop",
    "floss.social",
    "mathstodon.xyz",
    "toot.community",
    "mastodon.art",
    "troet.cafe",
    "det.social",
    "mstdn.jp",
    "pawoo.net",
    "universeodon.com",
)

PAGE_SIZE = 40
HANDLE = "@{user}@{server}"
ACTIVITY_JSON = "application/activity+json"
MAX_PAGES = 10


def _min_id(response: requests.Response) -> str | None:
    """The ``min_id`` of the "prev" link: where the next poll starts."""
    link = response.links.get("prev", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("min_id")
    return values[0] if values else None


class Mastodon(OAuth2Platform):
    name = "mastodon"
    display = "Mastodon"
    tier = "likes"
    sites = (
        Site(
            MASTODON_SERVERS,
            (
                # A handle names the account only until it moves: settled to its id.
                rule(
                    r"^/(?:web/)?@(?P<user>[a-z0-9_.]+)(?:@(?P<server>[a-z0-9.-]+))?(?:/|$)",
                    HANDLE,
                    lookup="handle",
                    fallback=HANDLE,
                ),
                rule(
                    r"^/users/(?P<user>[a-z0-9_.]+)(?:/|$)",
                    HANDLE,
                    lookup="handle",
                    fallback=HANDLE,
                ),
            ),
            nobody(
                "explore",
                "notifications",
                "settings",
                "about",
                "auth",
                "home",
                "public",
                "search",
                "tags",
                "privacy-policy",
                "web/(?:home|notifications|explore|public|search)",
                "deck",
                "lists",
                "bookmarks",
                "favourites",
                "directory",
                "oauth",
                "api",
            ),
        ),
    )
    any_host = True
    default_web_url = "https://mastodon.social"
    default_api_url = "https://mastodon.social"
    oauth = OAuth2Settings(
        "/oauth/authorize",
        "/oauth/token",
        scopes=("read:accounts", "read:favourites"),
        pkce=True,  # Mastodon 4.3+; older servers ignore the extra parameters
        revoke_path="/oauth/revoke",
    )
    per_instance = True
    # 300 requests per 5 minutes per account and per IP address: all our Lambdas leave
    # from few addresses, so every user's polling of one server spends one budget.
    app_limits = (AppLimit(300, 300),)

    looks_up = frozenset({"handle"})

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """``@user@domain``'s account id on its home server: WebFinger on the domain
        (``acct:user@domain``) names the account's actor, whose host is its server (it may
        differ from the handle's domain); that server's ``/api/v1/accounts/lookup`` gives
        the id. The key is ``<id>@<server>``, as a connection proves it. Unknown: nobody
        (the handle's own key holds)."""

        user, _, domain = reference.removeprefix("@").partition("@")
        if kind != "handle" or not user or not domain:
            return None
        finger = json_of(
            fetch(
                http,
                f"https://{domain}/.well-known/webfinger",
                {"resource": f"acct:{user}@{domain}"},
                headers={"Accept": "application/jrd+json"},
            )
        )
        links = finger.get("links")
        actor = next(
            (
                link.get("href")
                for link in (links if isinstance(links, list) else [])
                if isinstance(link, dict)
                and link.get("rel") == "self"
                and link.get("type") == ACTIVITY_JSON
            ),
            None,
        )
        server = urlsplit(actor).hostname if isinstance(actor, str) else None
        subject = str(finger.get("subject", "")).removeprefix("acct:")
        name = subject.partition("@")[0] or user
        if not server:
            return None
        account = json_of(fetch(http, f"https://{server}/api/v1/accounts/lookup", {"acct": name}))
        found = account.get("id")
        return f"{found}@{server}" if isinstance(found, str) and found.isdigit() else None

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

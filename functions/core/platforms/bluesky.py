"""Bluesky: OAuth 2.1 with PKCE, PAR and DPoP (through requests-oauth2client, which has
them), likes read from the account's public records.

The token proves the account (its ``sub`` is the DID) and is not kept: likes are public
records (``com.atproto.repo.listRecords`` on the account's PDS), so polling needs none.
Like records are keyed by TIDs, which sort by time, so the cursor is the newest TID seen.
Our ``client_id`` is the URL of our client metadata document (``/oauth/bluesky/...``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from functions.core.platforms.base import (
    Backlog,
    Identity,
    Like,
    LikesPage,
    read_newest_first,
)
from functions.core.platforms.flows import AtprotoPlatform
from functions.core.platforms.http import fetch, json_of
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule

if TYPE_CHECKING:
    import requests

PAGE_SIZE = 100
MAX_PAGES = 10
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
LIKE = "app.bsky.feed.like"
DID_SHAPE = re.compile(r"^did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]+)$")


def tid(at: datetime, clock_id: int = 0) -> str:
    """The atproto timestamp id of ``at``: 53 bits of microseconds, 10 of clock id."""
    value = (int(at.timestamp() * 1_000_000) << 10) | (clock_id & 0x3FF)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


class Bluesky(AtprotoPlatform):
    name = "bluesky"
    display = "Bluesky"
    tier = "likes"
    sites = (
        Site(
            ("bsky.app",),
            (
                rule(r"^/profile/(?P<owner>did:[a-z0-9]+:[^/]+)"),
                # A handle names the account only until it changes: settled to its DID.
                rule(rf"^/profile/(?P<ref>{SEGMENT})", lookup="handle", fallback="{ref}"),
            ),
            nobody(
                "search",
                "settings",
                "notifications",
                "feeds",
                "messages",
                "lists",
                "moderation",
                "support",
                "starter-pack",
            ),
        ),
    )
    looks_up = frozenset({"handle"})
    # The public AppView answers resolveHandle for any account, with no key.
    resolve_handle_url = "https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle"
    default_web_url = "https://bsky.social"  # the authorization server (the entryway)
    default_api_url = "https://plc.directory"  # where did:plc documents are read
    # Accounts on a self-hosted PDS authorize at their own server: the person names it
    # (``instance``), it is SSRF-checked like a Mastodon server, and the account's DID
    # document must name it as the account's authorization server.
    per_instance = True
    default_instance = "bsky.social"

    @property
    def api_url(self) -> str:
        """The PLC directory: the same for every account, whatever its server."""
        return self._configured("API", self.default_api_url, per_server=False).rstrip("/")

    def owner_of(self, kind: str, reference: str, http: requests.Session) -> str | None:
        """A handle's DID (``com.atproto.identity.resolveHandle``: ``{"did": …}``; an unknown
        handle is a 400: nobody, and the handle's own key holds)."""

        if kind != "handle":
            return None
        answer = fetch(http, self.resolve_handle_url, {"handle": reference.lower()})
        did = json_of(answer).get("did")
        return did if isinstance(did, str) and DID_SHAPE.match(did) else None

    def identity_of(self, token_fields: dict[str, Any]) -> Identity:
        """The token's ``sub`` is the DID, which must name this authorization server as its
        own (else anyone's server could claim any DID)."""
        from functions.common import safe_http

        did = str(token_fields.get("sub", ""))
        if not did.startswith("did:"):
            raise ValueError("the token names no account")
        document = self.did_document(did)
        pds = self.pds_of(document)
        resource = self.get(
            safe_http.session(), f"{pds}/.well-known/oauth-protected-resource"
        ).json()
        if self.web_url not in resource.get("authorization_servers", []):
            raise ValueError("this server does not speak for the account")
        handles = [a[5:] for a in document.get("alsoKnownAs", []) if a.startswith("at://")]
        return Identity(stable_id=did, handle=(handles[0] if handles else did).lower())

    # -------------------------------------------------------------- identity

    def did_document(self, did: str) -> dict[str, Any]:
        import requests

        from functions.common import safe_http

        if did.startswith("did:plc:"):
            url = f"{self.api_url}/{quote(did, safe=':')}"
            session = requests.Session()  # the PLC directory: operator-configured
        elif did.startswith("did:web:"):
            url = f"https://{did[8:]}/.well-known/did.json"
            session = safe_http.session()  # a host the account names
        else:
            raise ValueError("unknown DID method")
        document: dict[str, Any] = self.get(session, url).json()
        return document

    @staticmethod
    def pds_of(document: dict[str, Any]) -> str:
        for service in document.get("service", []):
            if service.get("id", "").endswith("#atproto_pds"):
                return str(service["serviceEndpoint"]).rstrip("/")
        raise ValueError("the account has no PDS")

    @property
    def user_named_hosts(self) -> bool:
        """Likes are read from the PDS the account's DID document names: the user's host."""
        return True

    def identity(self, session: requests.Session) -> Identity:
        raise NotImplementedError("Bluesky proves identity in the token exchange")

    # -------------------------------------------------------------- likes

    def start_cursor(self, now: datetime) -> str | None:
        return tid(now)

    def poll(self, session: requests.Session, cursor: str | None, account: str) -> LikesPage:
        """Likes newer than ``cursor`` (a TID) from the account's public records, newest
        first, at most ``MAX_PAGES`` pages a poll (a larger burst is carried on)."""
        did = account
        pds = self.pds_of(self.did_document(did))
        base = (
            f"{pds}/xrpc/com.atproto.repo.listRecords?repo={quote(did, safe=':')}"
            f"&collection={LIKE}&limit={PAGE_SIZE}"
        )

        def page_at(ref: str | None) -> tuple[list[dict[str, Any]], str | None]:
            answer = self.get(session, base + (f"&cursor={quote(ref)}" if ref else "")).json()
            return list(answer.get("records", [])), answer.get("cursor")

        if cursor is None:  # the first poll only finds where "now" is
            records, _ = page_at(None)
            newest = max((_rkey(r) for r in records), default=None)
            return LikesPage([], newest or tid(datetime.fromtimestamp(0, UTC)))
        records, backlog = read_newest_first(page_at, _rkey, Backlog.of(cursor), MAX_PAGES)
        likes = {str(r["value"]["subject"]["uri"]): self._like(r) for r in records}
        return LikesPage(likes=list(likes.values()), cursor=backlog.cursor())

    def _like(self, record: dict[str, Any]) -> Like:
        subject = str(record["value"]["subject"]["uri"])  # at://DID/collection/rkey
        owner, collection, item = subject[5:].split("/", 2)
        url_of_item = (
            f"https://bsky.app/profile/{owner}/post/{item}"
            if collection == "app.bsky.feed.post"
            else f"https://bsky.app/profile/{owner}"
        )
        created = record["value"].get("createdAt")
        return Like(
            item_id=subject,
            url=url_of_item,
            owner_key=self.owner_key(url_of_item, f"bluesky:{owner}"),
            liked_at=datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
        )


def _rkey(record: dict[str, Any]) -> str:
    """A like record's key: a TID, which sorts by time."""
    return str(record["uri"]).rsplit("/", 1)[-1]

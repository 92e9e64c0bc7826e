"""Who owns a URL: platform rules, then lookups, then a site's declaration, then the site.

The order is the product rule. Platform API lookups and the recipients directory
sit behind small interfaces so the logic is tested with in-memory fakes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from cachetools import TTLCache

from functions.core.ownership.urls import NotFlattrable, Page, normalise, recipient_key


@dataclass(frozen=True)
class RecipientRecord:
    """What the directory knows of a recipient: its creator, or a site's declaration."""

    claimed_by: str | None = None
    declared_user: str | None = None
    declined: bool = False  # its creator refused the money: no flattr is made to it


@dataclass(frozen=True)
class ResolvedRecipient:
    """Who a URL's money goes to (not the ``recipients`` table's item: that is
    ``common.models.Recipient``, where a claim is recorded)."""

    key: str
    platform: str
    display_name: str
    claimed: bool
    creator: str | None = None


@dataclass(frozen=True)
class Resolution:
    url: str
    recipient: ResolvedRecipient | None
    reason: str | None = None
    page: Page | None = None

    @property
    def flattrable(self) -> bool:
        return self.reason is None and self.recipient is not None


class OwnerLookup(Protocol):
    def owner_of(self, platform: str, kind: str, reference: str) -> str | None:
        """The owner (handle or stable id) of a platform item, or None if unknown."""


class RecipientDirectory(Protocol):
    def records(self, keys: Iterable[str]) -> dict[str, RecipientRecord]:
        """The records of those recipients that have one."""


class NoLookup:
    """Used where no platform API can be asked (no credentials, no network)."""

    def owner_of(self, platform: str, kind: str, reference: str) -> str | None:
        return None


class PlatformLookups:
    """Each platform's own lookups (``Platform.owner_of``: a video's channel, a short
    link's target owner), by the platform's name."""

    def owner_of(self, platform: str, kind: str, reference: str) -> str | None:
        from functions.core.platforms.registry import BY_NAME

        found = BY_NAME.get(platform)
        return found.owner_of(kind, reference) if found is not None else None


class CachedLookup:
    """Caches a lookup's answers (a day) and its misses (five minutes)."""

    def __init__(self, inner: OwnerLookup, size: int = 10_000) -> None:
        self._inner = inner
        self._hits: TTLCache[tuple[str, str, str], str] = TTLCache(size, ttl=86_400)
        self._misses: TTLCache[tuple[str, str, str], bool] = TTLCache(size, ttl=300)
        self._lock = threading.Lock()

    def owner_of(self, platform: str, kind: str, reference: str) -> str | None:
        key = (platform, kind, reference)
        with self._lock:
            if key in self._hits:
                return self._hits[key]
            if key in self._misses:
                return None
        owner = self._inner.owner_of(platform, kind, reference)
        with self._lock:
            if owner is None:
                self._misses[key] = True
            else:
                self._hits[key] = owner
        return owner


def _is_blocked(page: Page, blocked: Iterable[str]) -> bool:
    return any(page.host == d or page.host.endswith("." + d) or page.site == d for d in blocked)


def _candidate(page: Page, lookups: OwnerLookup) -> tuple[str, str, str] | str:
    """(key, platform, display name) of the page's recipient before declarations, or a reason."""
    platform = page.platform
    if platform is None:
        return f"web:{page.site}", "web", page.site
    if page.nobody:
        return "no_owner"
    owner = page.owner
    if owner is None and page.lookup is not None:
        owner = lookups.owner_of(platform.name, *page.lookup) or page.fallback_owner
    if owner is None:
        return "owner_unknown"
    key = recipient_key(platform, owner)
    return key, platform.name, key.split(":", 1)[1]


def resolve_many(
    urls: list[str],
    *,
    lookups: OwnerLookup,
    directory: RecipientDirectory,
    blocked_domains: Iterable[str],
    contributor_id: str | None = None,
) -> list[Resolution]:
    """Resolve several URLs, asking the directory once for all of them."""
    blocked = tuple(blocked_domains)
    staged: list[tuple[str, Page | None, tuple[str, str, str] | str]] = []
    for raw in urls:
        page: Page | None
        try:
            page = normalise(raw)
        except NotFlattrable as refusal:
            staged.append((raw, None, refusal.reason))
            continue
        if _is_blocked(page, blocked):
            staged.append((page.url, page, "blocked_domain"))
            continue
        staged.append((page.url, page, _candidate(page, lookups)))
    keys = {c[0] for _, _, c in staged if isinstance(c, tuple)}
    records = directory.records(keys) if keys else {}
    declared = {records[k].declared_user for k in keys if k in records and records[k].declared_user}
    records.update(directory.records({f"user:{u}" for u in declared}) if declared else {})
    results: list[Resolution] = []
    for url, page, candidate in staged:
        if isinstance(candidate, str):
            results.append(Resolution(url=url, recipient=None, reason=candidate, page=page))
            continue
        key, platform, display = candidate
        record = records.get(key, RecipientRecord())
        if record.declared_user:
            # The site declares a creator of ours: their flattrs are claimed from the start.
            recipient = ResolvedRecipient(
                f"user:{record.declared_user}", "user", display, True, record.declared_user
            )
        else:
            recipient = ResolvedRecipient(
                key, platform, display, record.claimed_by is not None, record.claimed_by
            )
        if record.declined:
            results.append(Resolution(url, recipient, "declined", page))
        elif contributor_id is not None and recipient.creator == contributor_id:
            results.append(Resolution(url, recipient, "own_recipient", page))
        else:
            results.append(Resolution(url, recipient, None, page))
    return results

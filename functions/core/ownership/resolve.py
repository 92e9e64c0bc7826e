"""Who owns a URL: platform rules, then lookups, then a site's declaration, then the site.

The order is the product rule. Platform API lookups and the recipients directory
sit behind small interfaces so the logic is tested with in-memory fakes.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from cachetools import TTLCache

from functions.common.hashing import short_hash
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
    lookup: Lookup | None = None  # the owner is being looked up: the flattr waits for it

    @property
    def flattrable(self) -> bool:
        return self.reason is None and self.recipient is not None


@dataclass(frozen=True)
class Lookup:
    """Something a URL names that only its platform (or the link itself) can tell the owner
    of: a video, a short link. ``platform`` is ``link`` for a short link to expand."""

    platform: str
    kind: str
    reference: str

    @property
    def id(self) -> str:
        return short_hash(f"{self.platform}|{self.kind}|{self.reference}")

    @property
    def pending_key(self) -> str:
        """The recipient key of a flattr waiting for this lookup."""
        return f"{PENDING}:{self.id}"


PENDING = "pending"  # the platform part of a waiting flattr's recipient key
NOBODY = "none"  # ... and of a flattr whose lookup found nobody to pay: ``none:<reason>``


class OwnerLookup(Protocol):
    def answers(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        """The recipient key each answered lookup found (None: answered, nobody to pay);
        a lookup left out of the answer has not been answered yet."""


class RecipientDirectory(Protocol):
    def records(self, keys: Iterable[str]) -> dict[str, RecipientRecord]:
        """The records of those recipients that have one."""


class NoLookup:
    """Where nothing can be looked up: every lookup is answered "nobody"."""

    def answers(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        return dict.fromkeys(lookups)


class CachedLookup:
    """Caches another's answers in memory: found recipients for a day, "nobody" for five
    minutes; what is not answered yet is asked again next time."""

    def __init__(self, inner: OwnerLookup, size: int = 10_000) -> None:
        self._inner = inner
        self._hits: TTLCache[Lookup, str] = TTLCache(size, ttl=86_400)
        self._misses: TTLCache[Lookup, bool] = TTLCache(size, ttl=300)
        self._lock = threading.Lock()

    def answers(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        found: dict[Lookup, str | None] = {}
        with self._lock:
            for lookup in lookups:
                if lookup in self._hits:
                    found[lookup] = self._hits[lookup]
                elif lookup in self._misses:
                    found[lookup] = None
        asked = [lookup for lookup in lookups if lookup not in found]
        fresh = self._inner.answers(asked) if asked else {}
        with self._lock:
            for lookup, key in fresh.items():
                if key is None:
                    self._misses[lookup] = True
                else:
                    self._hits[lookup] = key
        return {**found, **fresh}

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
            self._misses.clear()


def is_blocked(page: Page, blocked: Iterable[str]) -> bool:
    return any(page.host == d or page.host.endswith("." + d) or page.site == d for d in blocked)


def lookup_of(page: Page) -> Lookup | None:
    """What must be looked up to know the page's owner, if its shape does not say."""
    if page.short_link:
        return Lookup("link", "expand", page.url)
    if page.platform is None or page.nobody or page.owner is not None or page.lookup is None:
        return None
    if page.lookup[0] in page.platform.expands:
        return Lookup("link", "expand", page.url)
    if page.lookup[0] not in page.platform.looks_up:
        return None  # nothing to ask: the rule's fallback, or nobody known
    return Lookup(page.platform.name, *page.lookup)


def _candidate(
    page: Page, answers: dict[Lookup, str | None]
) -> tuple[str, str, str] | Lookup | str:
    """(key, platform, display name) of the page's recipient before declarations, the
    lookup it waits for, or a reason it has none."""
    platform = page.platform
    lookup = lookup_of(page)
    if lookup is not None and lookup not in answers:
        return lookup
    found = answers.get(lookup) if lookup is not None else None
    if found is not None:
        return found, found.partition(":")[0], found.partition(":")[2]
    if platform is not None and page.lookup and not page.nobody and page.owner is None:
        # Looked up and nobody found, or nothing to ask: the rule's fallback, if any.
        if page.fallback_owner is None:
            return "owner_unknown"
        key = recipient_key(platform, page.fallback_owner)
        return key, platform.name, key.split(":", 1)[1]
    if lookup is not None:
        return "owner_unknown"  # a short link that leads nowhere we can pay
    if platform is None:
        return f"web:{page.site}", "web", page.site
    if page.nobody:
        return "no_owner"
    if page.owner is None:
        return "owner_unknown"
    key = recipient_key(platform, page.owner)
    return key, platform.name, key.split(":", 1)[1]


def _pending(url: str, page: Page, lookup: Lookup) -> Resolution:
    display = page.platform.display if page.platform is not None else "short link"
    recipient = ResolvedRecipient(lookup.pending_key, PENDING, display, False)
    return Resolution(url, recipient, None, page, lookup)


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
    pages: list[tuple[str, Page | None, str | None]] = []
    for raw in urls:
        try:
            normal = normalise(raw)
        except NotFlattrable as refusal:
            pages.append((raw, None, refusal.reason))
            continue
        blocked_page = is_blocked(normal, blocked)
        pages.append((normal.url, normal, "blocked_domain" if blocked_page else None))
    wanted = {
        lookup
        for _, page, reason in pages
        if page is not None and not reason and (lookup := lookup_of(page)) is not None
    }
    answers = lookups.answers(wanted) if wanted else {}
    staged: list[tuple[str, Page | None, tuple[str, str, str] | Lookup | str]] = [
        (url, page, reason or _candidate(page, answers) if page else reason or "invalid_url")
        for url, page, reason in pages
    ]
    keys = {c[0] for _, _, c in staged if isinstance(c, tuple)}
    records = directory.records(keys) if keys else {}
    declared = {records[k].declared_user for k in keys if k in records and records[k].declared_user}
    records.update(directory.records({f"user:{u}" for u in declared}) if declared else {})
    results: list[Resolution] = []
    for url, page, candidate in staged:
        if isinstance(candidate, Lookup):
            assert page is not None
            results.append(_pending(url, page, candidate))
            continue
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

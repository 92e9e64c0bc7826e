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
from functions.core.ownership.funding import repository_of
from functions.core.ownership.urls import Page, normalise, recipient_key
from functions.core.urlparts import NotFlattrable


@dataclass(frozen=True)
class RecipientRecord:
    """What the directory knows of a recipient: its creator, or a site's declaration."""

    claimed_by: str | None = None
    declared_user: str | None = None
    declined: bool = False  # its creator refused the money: no flattr is made to it


@dataclass(frozen=True)
class ResolvedRecipient:
    """Who a URL's money goes to (not the ``recipients`` table's item: that is
    ``core.models.Recipient``, where a claim is recorded)."""

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
        found = self.cached(lookups)
        asked = [lookup for lookup in lookups if lookup not in found]
        fresh = self._inner.answers(asked) if asked else {}
        self.keep(fresh)
        return {**found, **fresh}

    def cached(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        """The answers in memory."""
        found: dict[Lookup, str | None] = {}
        with self._lock:
            for lookup in lookups:
                if lookup in self._hits:
                    found[lookup] = self._hits[lookup]
                elif lookup in self._misses:
                    found[lookup] = None
        return found

    def keep(self, answers: dict[Lookup, str | None]) -> None:
        """Answers read elsewhere (``Prefetched``), kept as if read here."""
        with self._lock:
            for lookup, key in answers.items():
                if key is None:
                    self._misses[lookup] = True
                else:
                    self._hits[lookup] = key

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
            self._misses.clear()


class Prefetched:
    """Answers read ahead of resolving (in one request with other reads): the lookups that
    were ``asked`` are answered from what was ``found`` (absent: not answered yet), the
    others by ``inner``."""

    def __init__(
        self, inner: OwnerLookup, asked: Collection[Lookup], found: dict[Lookup, str | None]
    ) -> None:
        self._inner, self._asked, self._found = inner, set(asked), found

    def answers(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        ahead = {lookup: self._found[lookup] for lookup in lookups if lookup in self._found}
        rest = [lookup for lookup in lookups if lookup not in self._asked]
        return {**ahead, **(self._inner.answers(rest) if rest else {})}


def is_blocked(page: Page, blocked: Iterable[str]) -> bool:
    return any(page.host == d or page.host.endswith("." + d) or page.site == d for d in blocked)


HANDLE = "handle"  # the lookup kind of a handle, settled to its account's id
FUNDING = "funding"  # a repository's funding file (``funding.py``): kind is the platform


def lookup_of(page: Page, handles: bool = True, funding: bool = False) -> Lookup | None:
    """What must be looked up to know the page's owner, if its shape does not say.
    ``handles`` off: a handle is not settled to its id (its own key holds). ``funding``: a
    repository's page waits for its funding file (whose answer falls back to the owner)."""
    if page.short_link:
        return Lookup("link", "expand", page.url)
    if funding and (repository := repository_of(page)) is not None:
        return Lookup(FUNDING, repository.platform, repository.path)
    if page.platform is None or page.nobody or page.owner is not None or page.lookup is None:
        return None
    if page.lookup[0] in page.platform.expands:
        return Lookup("link", "expand", page.url)
    if page.lookup[0] not in page.platform.looks_up or (page.lookup[0] == HANDLE and not handles):
        return None  # nothing to ask: the rule's fallback, or nobody known
    return Lookup(page.platform.name, *page.lookup)


def _candidate(
    page: Page, answers: dict[Lookup, str | None], handles: bool = True, funding: bool = False
) -> tuple[str, str, str] | Lookup | str:
    """(key, platform, display name) of the page's recipient before declarations, the
    lookup it waits for, or a reason it has none."""
    platform = page.platform
    lookup = lookup_of(page, handles, funding)
    if lookup is not None and lookup not in answers:
        return lookup
    found = answers.get(lookup) if lookup is not None else None
    if found is not None:
        return _named(found)
    if platform is not None and page.lookup and not page.nobody and page.owner is None:
        # Looked up and nobody found, or nothing to ask: the rule's fallback, if any.
        if page.fallback_owner is None:
            return "owner_unknown"
        return _named(recipient_key(platform, page.fallback_owner))
    if lookup is not None:
        return "owner_unknown"  # a short link that leads nowhere we can pay
    if platform is None:
        return f"web:{page.site}", "web", page.site
    if page.nobody:
        return "no_owner"
    if page.owner is None:
        return "owner_unknown"
    return _named(recipient_key(platform, page.owner))


def _named(key: str) -> tuple[str, str, str]:
    """(key, platform, display name) of a recipient key."""
    platform, _, name = key.partition(":")
    return key, platform, name


def _pending(url: str, page: Page, lookup: Lookup) -> Resolution:
    display = page.platform.display if page.platform is not None else "short link"
    recipient = ResolvedRecipient(lookup.pending_key, PENDING, display, False)
    return Resolution(url, recipient, None, page, lookup)


Candidate = tuple[str, str, str] | Lookup | str
Staged = list[tuple[str, Page | None, Candidate]]
# Each URL as given, its page (None: not flattrable) and why it is refused, if it is.
Normalised = list[tuple[str, Page | None, str | None]]


def resolve_many(
    urls: list[str],
    *,
    lookups: OwnerLookup,
    directory: RecipientDirectory,
    blocked_domains: Iterable[str],
    contributor_id: str | None = None,
    page_authors: bool = False,
    handles: bool = True,
    funding: bool = False,
) -> list[Resolution]:
    """Resolve several URLs, asking the directory once for all of them. ``page_authors``:
    a web page's own declaration of its author (its head, looked up) names the recipient,
    unless a creator verified or declared the domain. ``handles``: a URL naming a handle
    waits for its account's id (else the handle's key holds). ``funding``: a repository's
    funding file names its recipient (looked up)."""
    return resolve_normalised(
        normalised(urls, blocked_domains),
        lookups=lookups,
        directory=directory,
        contributor_id=contributor_id,
        page_authors=page_authors,
        handles=handles,
        funding=funding,
    )


def resolve_normalised(
    pages: Normalised,
    *,
    lookups: OwnerLookup,
    directory: RecipientDirectory,
    contributor_id: str | None = None,
    page_authors: bool = False,
    handles: bool = True,
    funding: bool = False,
) -> list[Resolution]:
    """``resolve_many`` of URLs already normalised (``normalised``)."""
    wanted = {
        lookup
        for _, page, reason in pages
        if page is not None
        and not reason
        and (lookup := lookup_of(page, handles, funding)) is not None
    }
    answers = lookups.answers(wanted) if wanted else {}
    staged: Staged = [
        (
            url,
            page,
            reason or _candidate(page, answers, handles, funding)
            if page
            else reason or "invalid_url",
        )
        for url, page, reason in pages
    ]
    records = _records(staged, directory)
    if page_authors and _by_page_author(staged, records, lookups):
        records = _records(staged, directory)
    return [_resolution(*item, records, contributor_id) for item in staged]


def normalised(urls: list[str], blocked_domains: Iterable[str]) -> Normalised:
    """Each URL normalised, or the reason it is not flattrable (a blocked domain included)."""
    blocked = tuple(blocked_domains)
    pages: Normalised = []
    for raw in urls:
        try:
            normal = normalise(raw)
        except NotFlattrable as refusal:
            pages.append((raw, None, refusal.reason))
            continue
        blocked_page = is_blocked(normal, blocked)
        pages.append((normal.url, normal, "blocked_domain" if blocked_page else None))
    return pages


def reads_first(
    pages: Normalised, *, page_authors: bool = False, handles: bool = True, funding: bool = False
) -> tuple[set[Lookup], set[str]]:
    """What resolving these pages reads before anything it reads depends on: the lookups'
    answers (a web page's declared author among them, with ``page_authors``) and the
    directory's records of the recipients the pages' shapes name. A caller may read them
    ahead, with other reads (``Prefetched``, ``DynamoDirectory.keep``)."""
    wanted: set[Lookup] = set()
    keys: set[str] = set()
    for _, page, reason in pages:
        if page is None or reason:
            continue
        if (lookup := lookup_of(page, handles, funding)) is not None:
            wanted.add(lookup)
        elif page.platform is None:
            keys.add(f"web:{page.site}")
        elif page.owner is not None:
            keys.add(recipient_key(page.platform, page.owner))
        if page_authors and page.platform is None:
            wanted.add(page_lookup(page.url))
    return wanted, keys


def _records(staged: Staged, directory: RecipientDirectory) -> dict[str, RecipientRecord]:
    keys = {c[0] for _, _, c in staged if isinstance(c, tuple)}
    records = directory.records(keys) if keys else {}
    declared = {records[k].declared_user for k in keys if k in records and records[k].declared_user}
    records.update(directory.records({f"user:{u}" for u in declared}) if declared else {})
    return records


def page_lookup(url: str) -> Lookup:
    """The lookup of who a web page declares as its author (its head)."""
    return Lookup("page", "author", url)


def _by_page_author(
    staged: Staged, records: dict[str, RecipientRecord], lookups: OwnerLookup
) -> bool:
    """Web pages whose domain no creator verified or declared: the author their head
    declares, where it was read (else they wait for it; nothing declared: the domain).
    Answers whether a recipient changed."""
    open_pages = {
        index: page_lookup(url)
        for index, (url, _, candidate) in enumerate(staged)
        if isinstance(candidate, tuple)
        and candidate[1] == "web"
        and not _site_settled(records.get(candidate[0]))
    }
    answers = lookups.answers(set(open_pages.values())) if open_pages else {}
    changed = False
    for index, lookup in open_pages.items():
        url, page, _ = staged[index]
        if lookup not in answers:
            staged[index] = (url, page, lookup)
        elif (author := answers[lookup]) is not None:
            staged[index] = (url, page, _named(author))
            changed = True
    return changed


def _site_settled(record: RecipientRecord | None) -> bool:
    return record is not None and bool(record.claimed_by or record.declared_user)


def _resolution(
    url: str,
    page: Page | None,
    candidate: Candidate,
    records: dict[str, RecipientRecord],
    contributor_id: str | None,
) -> Resolution:
    if isinstance(candidate, Lookup):
        assert page is not None
        return _pending(url, page, candidate)
    if isinstance(candidate, str):
        return Resolution(url=url, recipient=None, reason=candidate, page=page)
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
        return Resolution(url, recipient, "declined", page)
    if contributor_id is not None and recipient.creator == contributor_id:
        return Resolution(url, recipient, "own_recipient", page)
    return Resolution(url, recipient, None, page)

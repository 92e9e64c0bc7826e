"""Owner lookups that a URL's shape cannot answer (a video's channel, a handle's account id,
a short link's target), kept out of every report's request path.

A report on such a page records its flattr at once, to ``pending:<lookup id>``, marks its
month as waiting for the lookup and queues the lookup (``wait_for``). The worker
(``core/ownership/settle.py``, run by the track domain's queue consumer) asks the platform
once, keeps the answer a day (nobody to pay: an hour), and gives every flattr waiting for
it its recipient. The resolver reads answers here (``StoredAnswers``), never a platform.

Providers are asked through ``ask``: each platform's ``owner_of`` (oEmbed, a channel page's
head), and for a short link its redirects, followed hop by hop with every hop checked
(``common/safe_http``). Per host, a rate limit and a circuit breaker protect both sides.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from cachetools import TTLCache

from functions.common import clock
from functions.common.settings import settings
from functions.common.storage import batch_get_many, ensure_bound
from functions.core.ownership.declared import declared_author
from functions.core.ownership.feeds import MAX_BYTES as FEED_BYTES
from functions.core.ownership.feeds import Declared, Feed, feed_links, parse_feed
from functions.core.ownership.funding import (
    FUNDING_JSON,
    FUNDING_YML,
    MAX_BYTES,
    Repository,
    named_in_funding_json,
    named_in_funding_yml,
    our_page,
)
from functions.core.ownership.models import LookupAnswer, PendingLookup
from functions.core.ownership.resolve import FUNDING, Lookup, is_blocked, lookup_of, page_lookup
from functions.core.ownership.urls import normalise, recipient_key
from functions.core.platforms.http import (
    GUARD,
    HostGuard,
    LookupFailed,
    fetch,
    read_body,
    read_head,
)
from functions.core.platforms.registry import BY_NAME
from functions.core.urlparts import NotFlattrable

if TYPE_CHECKING:
    import requests
    from pynamodb.models import Model

    from functions.core.ownership.urls import Page

ANSWER_KEPT = timedelta(days=1)
NOBODY_KEPT = timedelta(hours=1)
MARKER_KEPT = timedelta(days=62)  # longer than any month waits for its split
MAX_HOPS = 5  # a short link's redirects followed, at most
# A month's waiting markers over this many partitions: one partition takes ~1,000 writes a
# second, and every new page of a month may write one (its page-author lookup).
MARKER_SHARDS = 16
ANSWER = "-"


# ---------------------------------------------------------------- answers


def _answer_key(lookup: Lookup) -> str:
    return f"answer#{lookup.id}"


class StoredAnswers:
    """The resolver's lookups: what the ``lookups`` table holds, never a provider call.
    ``final``: a lookup with no answer is answered "nobody" (the split cannot wait)."""

    def __init__(self, final: bool = False) -> None:
        self.final = final

    def answers(self, lookups: Collection[Lookup]) -> dict[Lookup, str | None]:
        found: dict[Lookup, str | None] = dict.fromkeys(lookups) if self.final else {}
        found.update(answers_with(lookups)[0])
        return found


def answers_with(
    lookups: Collection[Lookup], *others: tuple[type[Model], Sequence[Any]]
) -> tuple[dict[Lookup, str | None], list[list[Any]]]:
    """The stored answers to ``lookups`` (those not answered yet left out), and the items
    of ``others`` (``storage.batch_get_many``'s arguments), read in the same request."""
    wanted = {_answer_key(lookup): lookup for lookup in lookups}
    items, *rest = batch_get_many((LookupAnswer, [(key, ANSWER) for key in wanted]), *others)
    now = clock.now()
    found = {
        wanted[item.key]: item.recipient
        for item in items
        if item.expires_at is None or item.expires_at > now
    }
    return found, rest


def stored_reason(lookup: Lookup) -> str | None:
    """Why a lookup's answer names nobody, where it was kept."""
    ensure_bound()
    try:
        return LookupAnswer.get(_answer_key(lookup), ANSWER).reason
    except LookupAnswer.DoesNotExist:
        return None


def remember(lookup: Lookup, recipient: str | None, reason: str | None, now: datetime) -> None:
    ensure_bound()
    # A page's declared author is read once a URL a day, "nothing declared" too.
    kept = ANSWER_KEPT if recipient or lookup.platform == "page" else NOBODY_KEPT
    LookupAnswer(
        _answer_key(lookup),
        ANSWER,
        recipient=recipient,
        reason=None if recipient else reason,
        answered_at=now,
        expires_at=now + kept,
    ).save()


# ---------------------------------------------------------------- waiting flattrs

_queued: TTLCache[tuple[str, str], bool] = TTLCache(maxsize=20_000, ttl=60)
_queued_lock = threading.Lock()


def wait_for(month: str, lookups: Iterable[Lookup], now: datetime) -> None:
    """Flattrs of ``month`` wait for ``lookups``: mark the month and queue each lookup (once
    a minute per Lambda; a lost message only delays: the split settles what still waits)."""
    _send(month, lookups, mark=now)


def _send(month: str, wanted: Iterable[Lookup], mark: datetime | None = None) -> list[Lookup]:
    fresh = []
    with _queued_lock:
        for lookup in set(wanted):
            if (month, lookup.id) not in _queued:
                _queued[(month, lookup.id)] = True
                fresh.append(lookup)
    if fresh and mark is not None:
        _mark(month, fresh, mark)
    queue = settings().owner_lookups_queue_url
    if fresh and queue and settings().owner_lookups:
        import boto3

        sqs = boto3.client("sqs")
        for start in range(0, len(fresh), 10):
            sqs.send_message_batch(
                QueueUrl=queue,
                Entries=[
                    {"Id": str(i), "MessageBody": message(month, lookup)}
                    for i, lookup in enumerate(fresh[start : start + 10])
                ],
            )
    return fresh


def _marker_key(month: str, lookup_id: str) -> str:
    """The partition of a month's marker: spread over ``MARKER_SHARDS`` by the lookup's id
    (a hex digest), so that a month's many new pages do not all write one partition."""
    return f"pending#{month}#{int(lookup_id[:8], 16) % MARKER_SHARDS}"


def _mark(month: str, fresh: list[Lookup], now: datetime) -> None:
    ensure_bound()
    with PendingLookup.batch_write() as batch:
        for lookup in fresh:
            batch.save(
                PendingLookup(
                    _marker_key(month, lookup.id),
                    lookup.id,
                    platform=lookup.platform,
                    kind=lookup.kind,
                    reference=lookup.reference,
                    since=now,
                    expires_at=now + MARKER_KEPT,
                )
            )


def ask_soon(wanted: Iterable[Lookup]) -> None:
    """Queue lookups no flattr waits for yet (a page's owner asked for), once a minute,
    and at most ``ASKS``' rate per Lambda: ``GET /v1/resolve`` is public, and one asking
    about many pages must not fill the queue (an ask left out is queued when asked again,
    or when a flattr waits for it)."""
    allowed = []
    for lookup in wanted:
        try:
            ASKS.enter("resolve")
        except LookupFailed:
            break
        allowed.append(lookup)
    _send("", allowed)


def message(month: str, lookup: Lookup) -> str:
    return json.dumps(
        {
            "month": month,
            "platform": lookup.platform,
            "kind": lookup.kind,
            "reference": lookup.reference,
        }
    )


def waiting(month: str) -> list[PendingLookup]:
    """The lookups flattrs of ``month`` still wait for."""
    ensure_bound()
    return [
        marker
        for shard in range(MARKER_SHARDS)
        for marker in PendingLookup.query(f"pending#{month}#{shard}")
    ]


def done_waiting(month: str, lookup: Lookup) -> None:
    ensure_bound()
    PendingLookup(_marker_key(month, lookup.id), lookup.id).delete()


def clear_caches() -> None:
    with _queued_lock:
        _queued.clear()
    with _feeds_lock:
        _feeds.clear()
    GUARD.reset()
    ASKS.reset()


# ---------------------------------------------------------------- asking providers


ASKS = HostGuard(rate=2.0)  # lookups asked for, not waited for: two a second per Lambda


def ask(lookup: Lookup, http: requests.Session | None = None, depth: int = 0) -> str | None:
    """The recipient key ``lookup`` finds, asking its provider; None when nobody owns the
    item (removed, private, a link to nowhere we can pay). Raises ``LookupFailed`` when the
    provider cannot tell now."""
    from functions.common import safe_http  # loads requests: only where a provider is asked

    session = http or safe_http.session(max_bytes=512 * 1024)
    if lookup.platform == "link":
        return _expanded(lookup.reference, session, depth)
    if lookup.platform == "page":
        return page_author(lookup.reference, session)
    if lookup.platform == FUNDING:
        return funding_owner(Repository(lookup.kind, lookup.reference), session, depth)
    platform = BY_NAME.get(lookup.platform)
    if platform is None:
        return None
    owner = platform.owner_of(lookup.kind, lookup.reference, session)
    if owner is None:
        return None

    return recipient_key(platform, owner)


def _expanded(url: str, http: requests.Session, depth: int) -> str | None:
    """A short link's owner: its redirects followed while they lead to short links (each
    hop checked: public HTTPS hosts only), then the owner of where they end."""

    current = url
    for _ in range(MAX_HOPS):
        try:
            page = normalise(current)
        except NotFlattrable:
            return None  # it leads to something nobody can be paid for (an address, ...)
        next_hop = lookup_of(page, settings().handle_lookups)
        if next_hop is None or next_hop.platform != "link":
            return _owner_of_page(page, http, depth)
        step = _hop(http, page.url.replace("http://", "https://", 1))
        if not isinstance(step, str):
            return None  # a hop refused, or the shortener knows no such link
        current = step
    return None  # a loop, or a chain too long to be honest


def _hop(http: requests.Session, url: str, stream: bool = False) -> str | requests.Response | None:
    """One request along a chain of redirects, checked before connecting: where a redirect
    leads next, or the answer itself, or None where the hop is refused (not public HTTPS,
    a private address, a name that does not resolve)."""

    from functions.common import safe_http  # loads requests: only where a provider is asked

    try:
        safe_http.check_url(url)
    except safe_http.Refused:
        return None
    response = fetch(http, url, stream=stream)
    location = response.headers.get("location")
    if response.is_redirect and location:
        response.close()
        return urljoin(url, location)
    return response


def page_author(url: str, http: requests.Session) -> str | None:
    """The author a web page's head declares (``declared.py``), or None: nothing declared,
    or a page we do not fetch (not HTTPS, a private address, a redirect off its site, not
    HTML). Redirects within its site (to ``www.``, to HTTPS) are followed, each hop
    checked. Read once a URL a day (the answer is kept, "nothing" too)."""
    from functions.common import safe_http  # loads requests: only where a provider is asked

    try:
        site = normalise(url).site
    except NotFlattrable:
        return None
    current = url  # the URL as normalised (no ``www.``): its site's redirects are followed
    for _ in range(safe_http.MAX_REDIRECTS + 1):
        try:
            same_site = normalise(current).site == site
        except NotFlattrable:
            return None
        if not same_site:
            return None  # a page that sends us elsewhere declares nothing for itself
        step = _hop(http, current, stream=True)
        if step is None:
            return None
        if isinstance(step, str):
            current = step
            continue
        if "html" not in step.headers.get("content-type", "").lower():
            step.close()
            return None
        head = read_head(step)
        author = declared_author(head) or _feeds_declare(url, head, current, http)
        return _as_recipient(author, http)
    return None


# ---------------------------------------------------------------- feeds (``feeds.py``)

_feeds: TTLCache[str, Feed | None] = TTLCache(maxsize=500, ttl=600)
_feeds_lock = threading.Lock()
MAX_COVERED = 200  # a feed's entries whose pages and files are answered with the page's


def _feeds_declare(url: str, head: str, page_url: str, http: requests.Session) -> str | None:
    """Who the feeds a page links to declare for it (its entry's declaration, else the
    channel's); the feed's other entries' pages and files are answered too, for a day (an
    episode's file names no feed: it is known from the feed that names it)."""
    for feed_url in feed_links(head, page_url):
        feed = _feed(http, feed_url)
        if feed is None:
            continue
        _remember_covered(feed, feed_url, url)
        found = _feed_recipient(feed.declared_for(url, _normal), [url, feed_url])
        if found is not None:
            return found
    return None


def _normal(url: str) -> str | None:
    page = _page(url)
    return page.url if page is not None else None


def _feed(http: requests.Session, url: str) -> Feed | None:
    """A feed, read over HTTPS with every redirect hop checked, 1 MB at most (kept ten
    minutes per Lambda: a podcast's episodes are looked up together)."""
    with _feeds_lock:
        if url in _feeds:
            return _feeds[url]
    from functions.common import safe_http  # loads requests: only where a provider is asked

    found: Feed | None = None
    current = url
    for _ in range(safe_http.MAX_REDIRECTS + 1):
        step = _hop(http, current, stream=True)
        if isinstance(step, str):
            current = step
            continue
        if step is not None:
            found = parse_feed(read_body(step, FEED_BYTES) or b"")
        break
    with _feeds_lock:
        _feeds[url] = found
    return found


def _remember_covered(feed: Feed, feed_url: str, asked: str) -> None:
    """Each entry's web pages and files (but ``asked``) answered with what covers the entry
    (``known``: what the feed's addresses and names were found to be, read once a feed)."""
    now = clock.now()
    known: dict[str, str | None] = {}
    for urls, declared in feed.entries[:MAX_COVERED]:
        pages = [p for p in map(_page, urls) if p is not None and p.platform is None]
        covered = [p.url for p in pages if p.url != asked]
        if not covered:
            continue
        found = _feed_recipient(feed.covering(declared), [*urls, feed_url], known)
        for url in covered if found is not None else []:
            remember(page_lookup(url), found, None, now)


def _page(url: str) -> Page | None:
    try:
        return normalise(url)
    except NotFlattrable:
        return None


def _feed_recipient(
    declared: Declared, urls: list[str], known: dict[str, str | None] | None = None
) -> str | None:
    """A podcast's funding link to a page of ours; else a payment link's ``user_id``, where
    that user proved one of ``urls`` theirs (its domain, or its platform account): anyone
    can take a username, so a name alone moves nothing. ``known``: what addresses and
    usernames were found to be already (a feed's entries share its channel's)."""
    known = {} if known is None else known
    for address in declared.funding:
        if address not in known:
            known[address] = _our_recipient(address)
        if known[address] is not None:
            return known[address]
    from functions.core.profiles import owner  # a Username read: only here

    for username in declared.payment_users:
        if f"user_id={username}" not in known:
            known[f"user_id={username}"] = owner(username)
        user = known[f"user_id={username}"]
        if user is not None and _proved(user, urls):
            return f"user:{user}"
    return None


def _proved(user: str, urls: list[str]) -> bool:
    from functions.core.models import Recipient

    keys = set()
    for url in urls:
        try:
            page = normalise(url)
        except NotFlattrable:
            continue
        if page.platform is None:
            keys.add(f"web:{page.site}")
        elif page.owner is not None:
            keys.add(recipient_key(page.platform, page.owner))
    return any(r.claimed_by == user for r in Recipient.batch_get(keys)) if keys else False


def funding_owner(repository: Repository, http: requests.Session, depth: int = 0) -> str | None:
    """Who a repository's funding file names first (``funding.py``: a FUNDING.yml, else its
    funding.json; an account of a platform we know or a page of ours, a handle settled to
    its account as any is), else the repository's owner by the path rule."""
    for file in (*FUNDING_YML, FUNDING_JSON):
        text = _small_file(http, repository.raw_url(file))
        if text is None:
            continue
        named = named_in_funding_json(text) if file == FUNDING_JSON else named_in_funding_yml(text)
        for url in named:
            if (found := _account(url, http, depth)) is not None:
                return found
    return _profile_owner(normalise(repository.url), http, depth + 1)


def _profile_owner(page: Page, http: requests.Session, depth: int) -> str | None:
    """Who a profile's (or a repository's) page names, its handle's own key when the handle
    is not settled (``HANDLE_LOOKUPS=off``)."""
    found = _owner_of_page(page, http, depth)
    if found is None and page.platform is not None and not page.nobody and page.fallback_owner:
        return recipient_key(page.platform, page.fallback_owner)
    return found


def _small_file(http: requests.Session, url: str) -> str | None:
    """A file's text, if it is there and small (``funding.MAX_BYTES``); a redirect (a
    renamed repository) is not followed: its files are read when its new URL is flattred."""
    step = _hop(http, url, stream=True)
    if step is None or isinstance(step, str):
        return None
    body = read_body(step, MAX_BYTES)  # bigger: not a funding file anyone wrote by hand
    return body.decode("utf-8", "replace") if body is not None else None


def _account(url: str, http: requests.Session, depth: int) -> str | None:
    """The recipient an address in a funding file names: a page of this service (a
    creator's ``/u/<name>``, a recipient's ``/r?key=``), or a platform's profile we know."""
    if our_page(url, settings().public_url) is not None:
        return _our_recipient(url)
    try:
        page = normalise(url)
    except NotFlattrable:
        return None
    if page.platform is None or page.nobody or depth >= 2:
        return None  # a web site is nobody's account
    return _profile_owner(page, http, depth + 1)


def _our_recipient(url: str) -> str | None:
    """The recipient a page of this service names: a creator's ``/u/<name>`` (its user),
    a recipient's ``/r?key=`` (that key, of a platform we know or a site)."""
    ours = our_page(url, settings().public_url)
    if ours is None:
        return None
    kind, value = ours
    if kind == "username":
        from functions.core.profiles import owner  # a Username read: only here

        user = owner(value)
        return f"user:{user}" if user else None
    platform = value.partition(":")[0]
    return value if platform in BY_NAME or platform == "web" else None


def _as_recipient(author: str | None, http: requests.Session) -> str | None:
    """A declared author as a recipient key: an email address is kept (sealed) and named
    by its key (``emails.py``)."""
    if author is None or not author.startswith("mailto:"):
        return author
    from functions.core.ownership import emails  # loads cryptography and KMS: only for addresses

    return emails.declared(author.removeprefix("mailto:"), http, clock.now())


def _owner_of_page(page: Page, http: requests.Session, depth: int) -> str | None:

    if is_blocked(page, settings().blocked_domains):
        return None
    lookup = lookup_of(page, settings().handle_lookups)
    if lookup is not None:
        if depth >= 2:
            return None
        found = ask(lookup, http, depth + 1)
        if found is None and page.platform is not None and page.fallback_owner:
            return recipient_key(page.platform, page.fallback_owner)
        return found
    if page.platform is None:
        author = page_author(page.url, http) if settings().page_authors else None
        return author or f"web:{page.site}"
    if page.nobody or page.owner is None:
        return None
    return recipient_key(page.platform, page.owner)

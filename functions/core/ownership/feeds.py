"""What a feed declares about who is paid for its entries (``rules.md``, "Who owns a URL"):
a podcast's ``<podcast:funding url>`` pointing at a page of this service (Podcasting 2.0),
and payment links (``<atom:link rel="payment">`` in RSS, ``<link rel="payment">`` in Atom)
to an auto-submit URL (``…/submit/auto?user_id=…&url=…``), on the channel or on an entry.
Each entry's page (its ``link``) and its enclosure (the episode's file) are covered.

Pure: the feed is fetched elsewhere (``lookups.feed_owner``: SSRF-safe, 1 MB at most, kept a
day), and parsed here by defusedxml, which refuses a DTD and so every entity expansion and
external entity; whether a payment link's ``user_id`` counts is judged there too (only a
user who proved the page theirs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit
from xml.etree.ElementTree import Element  # types only: parsing is defusedxml's

MAX_BYTES = 1024 * 1024
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
ATOM = "{http://www.w3.org/2005/Atom}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


@dataclass(frozen=True)
class Declared:
    """What a feed (or one of its entries) names: a page of ours (``funding``) and the
    ``user_id``s of its payment links (their ``url``s beside them), in the feed's order."""

    funding: tuple[str, ...] = ()
    payment_users: tuple[str, ...] = ()


@dataclass
class Feed:
    channel: Declared = field(default_factory=Declared)
    # Each entry's page and enclosure URLs (as written), with what the entry declares.
    entries: list[tuple[tuple[str, ...], Declared]] = field(default_factory=list)

    def declared_for(self, url: str, normal: Callable[[str], str | None]) -> Declared:
        """What covers ``url`` (normalised): its entry's own declaration first, then the
        channel's; ``normal`` normalises the feed's URLs as written."""
        for urls, declared in self.entries:
            if any(normal(candidate) == url for candidate in urls):
                return self.covering(declared)
        return self.channel

    def covering(self, declared: Declared) -> Declared:
        """What covers an entry: its own declaration first, then the channel's."""
        return Declared(
            declared.funding + self.channel.funding,
            declared.payment_users + self.channel.payment_users,
        )

    @property
    def covered(self) -> list[str]:
        return [url for urls, _ in self.entries for url in urls]


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        feed = values.get("type", "").lower() in FEED_TYPES
        if tag == "link" and "alternate" in rels and feed and values.get("href"):
            self.feeds.append(values["href"])


def feed_links(head: str, page_url: str) -> list[str]:
    """The feeds a page's head links to (``rel="alternate"`` of a feed type), absolute."""
    parser = _Alternates()
    parser.feed(head)
    return [urljoin(page_url, href) for href in parser.feeds[:3]]


def auto_submit_user(url: str) -> tuple[str, str] | None:
    """An auto-submit URL's ``(user_id, url)``; None for any other address."""
    parts = urlsplit(url)
    if not parts.path.rstrip("/").endswith("/submit/auto"):
        return None
    query = parse_qs(parts.query)
    user, target = query.get("user_id"), query.get("url")
    return (user[-1], target[-1] if target else "") if user and user[-1] else None


def parse_feed(data: bytes) -> Feed | None:
    """An RSS 2.0 or Atom feed's declarations; None for what is not a feed we can read (not
    XML, a DTD, too big)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if len(data) > MAX_BYTES:
        return None
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return None
        entries = [(_rss_urls(item), _declared(item)) for item in channel.findall("item")]
        return Feed(_declared(channel), entries)
    if root.tag == f"{ATOM}feed":
        entries = [(_atom_urls(entry), _declared(entry)) for entry in root.findall(f"{ATOM}entry")]
        return Feed(_declared(root), entries)
    return None


def _declared(node: Element) -> Declared:
    """A channel's or an entry's own declarations (its direct children only)."""
    funding = tuple(
        str(child.get("url", "")).strip()
        for child in node.findall(f"{PODCAST}funding")
        if child.get("url")
    )
    users = []
    for link in node.findall(f"{ATOM}link"):
        if "payment" in str(link.get("rel", "")).split():
            found = auto_submit_user(str(link.get("href", "")))
            if found is not None:
                users.append(found[0])
    return Declared(funding, tuple(users))


def _rss_urls(item: Element) -> tuple[str, ...]:
    urls = [(item.findtext("link") or "").strip()]
    urls += [str(e.get("url", "")).strip() for e in item.findall("enclosure")]
    return tuple(u for u in urls if u)


def _atom_urls(entry: Element) -> tuple[str, ...]:
    urls = []
    for link in entry.findall(f"{ATOM}link"):
        rel = str(link.get("rel", "alternate"))
        if rel in ("alternate", "enclosure") and link.get("href"):
            urls.append(str(link.get("href")).strip())
    return tuple(urls)

"""Who a web page says its author is, read from its head: ``<meta name="flattr:id">``
(a recipient key of ours, or ``mailto:`` an email address), ``<meta
name="fediverse:creator" content="@user@server">`` (a Mastodon account), ``<link
rel="author">`` and ``<link rel="me">`` pointing at a profile a platform's URL rules
recognise. Pure: the page is fetched elsewhere
(``lookups.py``: SSRF-safe, 256 KB at most, once a URL a day)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from functions.core.ownership.urls import normalise, recipient_key
from functions.core.platforms.registry import BY_NAME
from functions.core.urlparts import NotFlattrable

FEDIVERSE_HANDLE = re.compile(r"^@?([a-z0-9_.]{1,64})@([a-z0-9.-]{1,253}\.[a-z]{2,63})$")
RECIPIENT_KEY = re.compile(r"^([a-z0-9]{2,20}):(\S{1,200})$")


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: list[tuple[set[str], str]] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "meta" and values.get("name"):
            self.meta.setdefault(values["name"].lower(), values.get("content", ""))
        elif tag == "link" and values.get("href"):
            self.links.append((set(values.get("rel", "").lower().split()), values["href"]))
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def declared_author(head: str) -> str | None:
    """The recipient key the page declares as its author, if any: ``flattr:id`` first
    (meant for us), then ``fediverse:creator``, then ``rel=author``, then ``rel=me``."""
    parser = _Head()
    parser.feed(head)
    found = _flattr_id(parser.meta.get("flattr:id", ""))
    if found is None:
        found = _fediverse(parser.meta.get("fediverse:creator", ""))
    for wanted in ("author", "me"):
        for rels, href in parser.links:
            if found is None and wanted in rels:
                found = _profile(href)
    return found


def _flattr_id(content: str) -> str | None:
    """A recipient key of ours, or ``mailto:<address>``: an email address as the receiver
    (its key needs our secret, so ``lookups.page_author`` makes it: ``emails.py``)."""
    from functions.core.ownership.emails import valid_address  # cryptography, KMS: see lookups

    if content.strip().lower().startswith("mailto:"):
        address = valid_address(content)
        return f"mailto:{address}" if address else None
    match = RECIPIENT_KEY.match(content.strip())
    if match is None:
        return None
    platform, owner = match.groups()
    if platform == "user" or platform in BY_NAME:
        return f"{platform}:{owner}"
    return None  # anything else is not a recipient


def _fediverse(content: str) -> str | None:
    match = FEDIVERSE_HANDLE.match(content.strip().lower())
    return f"mastodon:@{match.group(1)}@{match.group(2)}" if match else None


def _profile(href: str) -> str | None:

    try:
        page = normalise(href)
    except NotFlattrable:
        return None
    owner = page.owner or page.fallback_owner  # a handle keeps its own key here
    if page.platform is None or page.nobody or owner is None:
        return None
    return recipient_key(page.platform, owner)

"""Where a recipient can be written to: only an address the recipient published
themselves in a place meant for being contacted. Looked up each time, never stored
(but for email recipients, whose address is all there is).

- a GitHub or GitLab account: the public email of its profile;
- a website: ``<link rel="author" href="mailto:…">`` on its home page, or the author
  email of the feed the home page links to (same host only);
- an email recipient: the address a page named as its receiver, the only thing kept
  (sealed: ``core/ownership/emails.py``).
Other platforms publish no address: their recipients are found in the public catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import requests

from functions.common import safe_http
from functions.core.ownership import emails
from functions.core.platforms.github import GitHub
from functions.core.platforms.gitlab import GitLab
from functions.core.platforms.http import app_key

GITHUB, GITLAB = GitHub(), GitLab()  # their API addresses (and ours there) in one place


class LookupLimited(Exception):
    """The platform's limit is spent for now: ask again on a later run."""


ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}
FEED_EMAIL = re.compile(
    r"<(?:author|managingEditor|itunes:email)[^>]*>\s*(?:<name>[^<]*</name>\s*)?"
    r"(?:<email>)?\s*([^<\s]+@[^<\s]+)",
    re.IGNORECASE,
)


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    address = address.strip().removeprefix("mailto:").split("?", 1)[0].strip()
    return address.lower() if ADDRESS.match(address) and len(address) <= 254 else None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.author: str | None = None
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rel = values.get("rel", "").lower().split()
        href = values.get("href", "")
        if "author" in rel and href.lower().startswith("mailto:") and self.author is None:
            self.author = href
        if "alternate" in rel and values.get("type", "").lower() in FEED_TYPES:
            self.feeds.append(href)


def site_address(site: str) -> str | None:
    home = f"https://{site}/"
    try:
        page = safe_http.request("GET", home)
        if page.status != 200:
            return None
        links = _Links()
        links.feed(page.body.decode("utf-8", "replace"))
        if found := _valid(links.author):
            return found
        for href in links.feeds[:2]:
            feed_url = urljoin(page.url, href)
            if urlsplit(feed_url).hostname != urlsplit(page.url).hostname:
                continue
            feed = safe_http.request("GET", feed_url)
            match = FEED_EMAIL.search(feed.body.decode("utf-8", "replace"))
            if match and (found := _valid(match.group(1))):
                return found
    except (safe_http.Refused, requests.RequestException):
        return None
    return None


def github_address(name: str) -> str | None:
    """The public email of a GitHub account named by id (``/user/{id}``) or by login."""
    path = f"/user/{name}" if name.isdigit() else f"/users/{quote(name)}"
    try:
        answer = requests.get(
            f"{GITHUB.api_url}{path}",
            headers={"Accept": "application/vnd.github+json"},
            # Asked as our app (5,000 profile reads an hour instead of 60 per address).
            auth=app_key(GITHUB),
            timeout=10,
        )
        if answer.status_code in (403, 429):
            raise LookupLimited("github")
        profile = answer.json() if answer.status_code == 200 else {}
    except (requests.RequestException, ValueError):
        return None
    return _valid(profile.get("email")) if isinstance(profile, dict) else None


def gitlab_address(username: str) -> str | None:
    try:
        answer = requests.get(f"{GITLAB.api_url}/users", params={"username": username}, timeout=10)
        users = answer.json() if answer.status_code == 200 else []
    except (requests.RequestException, ValueError):
        return None
    return _valid(users[0].get("public_email")) if users else None


def published_address(recipient: str) -> str | None:
    platform, _, name = recipient.partition(":")
    if platform == "github":
        return github_address(name)
    if platform == "gitlab":
        return gitlab_address(name)
    if platform == "web":
        return site_address(name)
    if platform == "email":
        return emails.address_of(recipient)  # the address a page named, kept sealed
    return None

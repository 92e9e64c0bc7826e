"""Which platform a URL is on and what its shape says about its owner (its parts are
normalised below the platforms, in ``core/urlparts.py``). Pure: no AWS, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlunsplit

from functions.core.platforms.base import Platform
from functions.core.platforms.registry import BY_NAME, PLATFORMS
from functions.core.platforms.searches import is_search
from functions.core.platforms.sites import Site, shape_of
from functions.core.urlparts import (
    NotFlattrable,
    kept_query,
    multi_author_domain,
    registrable_site,
    split,
)

# Link shorteners: a short link says nothing about its owner until it is expanded (by
# following its redirects, every hop checked: ``core/ownership/lookups.py``). A platform's
# own shortener that only ever leads to that platform (``youtu.be``, ``flic.kr``,
# ``on.soundcloud.com``) stays with the platform's rules.
SHORTENERS: frozenset[str] = frozenset(
    {
        "t.co",
        "bit.ly",
        "bitly.com",
        "buff.ly",
        "ow.ly",
        "lnkd.in",
        "tinyurl.com",
        "is.gd",
        "v.gd",
        "goo.gl",
        "dlvr.it",
        "ift.tt",
        "rebrand.ly",
        "shorturl.at",
        "tiny.cc",
        "s.id",
        "cutt.ly",
        "t.ly",
        "trib.al",
        "fb.me",
        "wp.me",
        "amzn.to",
        "aka.ms",
    }
)


@dataclass(frozen=True)
class Page:
    """A normalised URL and what its shape says about its owner."""

    url: str
    host: str
    site: str  # registrable domain, or the author's subdomain on a multi-author host
    platform: Platform | None = None
    owner: str | None = None
    lookup: tuple[str, str] | None = None  # (kind, reference) to ask the platform about
    fallback_owner: str | None = None
    nobody: bool = False  # a platform's own page: search, settings, home, ...
    short_link: bool = False  # a shortener's link: its owner is its target's

    @property
    def multi_author(self) -> bool:
        return (
            self.platform is not None
            or self.short_link
            or multi_author_domain(self.host) is not None
        )


_SITES: dict[str, tuple[Platform, Site]] = {}
_SUBDOMAIN_SITES: list[tuple[Platform, Site]] = []
_ALIASES: dict[str, str] = {}
for _platform in PLATFORMS:
    for _site in _platform.sites:
        if _site.subdomain_of:
            _SUBDOMAIN_SITES.append((_platform, _site))
        else:
            for _site_host in _site.hosts:
                _SITES.setdefault(_site_host, (_platform, _site))
    for _alias in _platform.aliases:
        _ALIASES[_alias] = _platform.sites[0].hosts[0]


def _find_site(host: str) -> tuple[Platform, Site] | None:
    if host in _SITES:
        return _SITES[host]
    for platform, site in _SUBDOMAIN_SITES:
        assert site.subdomain_of is not None
        if host.endswith("." + site.subdomain_of):
            return platform, site
    return None


def normalise(raw_url: str) -> Page:
    """Normalise ``raw_url`` and read what its shape says about its owner.

    Raises ``NotFlattrable`` with a reason for URLs nobody can be paid for.
    """
    parts = split(raw_url, _ALIASES)
    host, path = parts.host, parts.path
    site = registrable_site(host)
    found = _find_site(host)
    pairs = kept_query(parts.query, found[1].keep_query if found else None)
    # Judged on the parameters that name the page (a platform's page keeps only its own:
    # a post shared as ``?s=20`` is that post, and the ``s`` is not stored).
    if is_search(host, site, path, [name for name, _ in pairs]):
        raise NotFlattrable("search_page")
    url = urlunsplit((parts.scheme, parts.netloc, path, urlencode(pairs), ""))
    if found is None:
        if host in SHORTENERS and path != "/":
            return Page(url=url, host=host, site=host, short_link=True)
        return Page(url=url, host=host, site=site)
    platform, rules = found
    shape = platform.named(shape_of(rules, host, path, dict(pairs)))
    return Page(
        url=url,
        host=host,
        site=site,
        platform=platform,
        owner=shape.owner,
        lookup=shape.lookup,
        fallback_owner=shape.fallback_owner,
        nobody=shape.nobody,
    )


def recipient_key(platform: Platform, owner: str) -> str:
    return platform.key_for(owner)


def owner_key(url: str, platform: str) -> str | None:
    """The recipient key that ``url`` names on ``platform`` by its shape alone, or None
    (the platform's own rules: ``Platform.own_shape``; a platform of many servers has its
    rules applied on any host, since a like can be on a server the resolver does not list)."""
    definition = BY_NAME.get(platform)
    shape = definition.own_shape(url) if definition is not None else None
    if definition is None or shape is None or shape.owner is None:
        return None
    return definition.key_for(shape.owner)

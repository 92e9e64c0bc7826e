"""URL normalisation and what a URL's shape says about its owner. Pure: no AWS, no I/O."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import idna
from publicsuffixlist import PublicSuffixList

from functions.core.platforms.base import Platform
from functions.core.platforms.registry import BY_NAME, PLATFORMS
from functions.core.platforms.searches import is_search
from functions.core.platforms.sites import Rule, Site

# Hosts whose subdomains or paths belong to different people (besides the platforms):
# a visit says nothing about which creator was read, and each subdomain is its own site.
MULTI_AUTHOR_DOMAINS: tuple[str, ...] = (
    "wordpress.com",
    "blogspot.com",
    "substack.com",
    "ghost.io",
    "neocities.org",
    "netlify.app",
    "vercel.app",
    "wixsite.com",
    "weebly.com",
    "livejournal.com",
    "dreamwidth.org",
    "hashnode.dev",
    "bearblog.dev",
    "write.as",
    "itch.io",
    "bandcamp.com",
    "carrd.co",
    "pages.dev",
    "codeberg.page",
    "sourceforge.io",
    "readthedocs.io",
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

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "si",
        "feature",
        "pk_campaign",
        "pk_kwd",
        "pk_source",
        "pk_medium",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "wt.mc_id",
        "cmpid",
        "spm",
        "scid",
        "srsltid",
        "share_id",
        "utm",
    }
)


class NotFlattrable(Exception):
    """The URL cannot be flattred; ``reason`` is what the client is told."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
            or _multi_author_domain(self.host) is not None
        )


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


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


def _multi_author_domain(host: str) -> str | None:
    for domain in MULTI_AUTHOR_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


# A host whose last label is a number is an IPv4 address to a browser (WHATWG URL:
# ``127.1``, ``0177.0.0.1``, ``0x7f.1``, ``2130706433``), whatever ``ipaddress`` accepts.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def _host(raw_host: str) -> str:
    host = raw_host.strip().rstrip(".").lower()
    if not host:
        raise NotFlattrable("invalid_url")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise NotFlattrable("invalid_url") from error
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise NotFlattrable("no_registrable_domain")
    if host.startswith("[") or _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise NotFlattrable("no_registrable_domain")
    if not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*", host):
        raise NotFlattrable("invalid_url")
    if host.startswith("www.") and host not in _ALIASES and _psl().privatesuffix(host[4:]):
        host = host[4:]
    return _ALIASES.get(host, host)


# Parameters whose names look like credentials or personal data: never kept in a flattred
# URL, which creators see on claim pages and in emails. A name is private when it contains
# one of PRIVATE_PARTS, or when one of its words (split at punctuation and camelCase) is
# one of PRIVATE_WORDS; so ``sessionToken``, ``X-Amz-Signature``, ``apiKey`` and ``sid``
# go, while ``author``, ``keyword``, ``p`` and ``v`` stay.
PRIVATE_PARTS = (
    "token",
    "session",
    "sessid",
    "passw",
    "secret",
    "signature",
    "credential",
    "apikey",
    "api_key",
    "email",
    "jwt",
    "bearer",
    "phone",
)
PRIVATE_WORDS = frozenset(
    {
        "sid",
        "key",
        "code",
        "sig",
        "pwd",
        "pass",
        "auth",
        "oauth",
        "mail",
        "pin",
        "otp",
        "state",
        "nonce",
        "ticket",
        "login",
        "user",
        "username",
        "tel",
        "ssn",
        "iban",
    }
)


def private_parameter(name: str) -> bool:
    """Does a query parameter's name look like a credential or personal data?"""
    lowered = name.lower()
    if any(part in lowered for part in PRIVATE_PARTS):
        return True
    words = re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).lower())
    return any(word in PRIVATE_WORDS for word in words)


def _query(query: str, keep: tuple[str, ...] | None) -> list[tuple[str, str]]:
    pairs = parse_qsl(query, keep_blank_values=True)
    if keep is not None:
        kept = [(k, v) for k, v in pairs if k in keep]
    else:
        kept = [
            (k, v)
            for k, v in pairs
            if not k.lower().startswith("utm_")
            and k.lower() not in TRACKING_PARAMETERS
            and not private_parameter(k)
        ]
    return sorted(kept)


def _path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path or "/")
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _rewrite_short_forms(host: str, path: str, query: str) -> tuple[str, str, str]:
    """youtu.be/ID is youtube.com/watch?v=ID: the same page under its one name."""
    if host == "youtu.be" and re.fullmatch(r"/[\w-]{6,}/?", path):
        video = path.strip("/")
        return "youtube.com", "/watch", urlencode([("v", video), *parse_qsl(query)])
    return host, path, query


def _match_rule(rule: Rule, path: str, query: dict[str, str], host: str) -> Page | None:
    found = rule.pattern.match(path)
    if not found:
        return None
    groups = {k: v for k, v in found.groupdict().items() if v is not None}
    groups.setdefault("server", host)
    if rule.query:
        reference = query.get(rule.query)
        if not reference:
            return None
        groups["ref"] = reference
    if rule.lookup:
        fallback = rule.fallback.format(**groups) if rule.fallback else None
        return Page(
            url="",
            host=host,
            site=host,
            # The reference: the ``ref`` group, else the owner the template names (a
            # Mastodon account, ``@user@server``, is asked of its server whole).
            lookup=(rule.lookup, groups.get("ref") or rule.template.format(**groups)),
            fallback_owner=fallback,
        )
    return Page(url="", host=host, site=host, owner=rule.template.format(**groups))


def _platform_page(
    platform: Platform, site: Site, host: str, path: str, query: dict[str, str]
) -> Page:
    if site.subdomain_of:
        label = host[: -len(site.subdomain_of) - 1]
        if "." in label or label in site.reserved_subdomains:
            return Page(url="", host=host, site=host, platform=platform, nobody=True)
        return Page(url="", host=host, site=host, platform=platform, owner=label)
    if site.nobody.match(path):
        return Page(url="", host=host, site=host, platform=platform, nobody=True)
    for rule in site.rules:
        page = _match_rule(rule, path, query, host)
        if page is not None:
            return Page(
                url="",
                host=host,
                site=host,
                platform=platform,
                owner=page.owner,
                lookup=page.lookup,
                fallback_owner=page.fallback_owner,
            )
    return Page(url="", host=host, site=host, platform=platform, nobody=True)


def _find_site(host: str) -> tuple[Platform, Site] | None:
    if host in _SITES:
        return _SITES[host]
    for platform, site in _SUBDOMAIN_SITES:
        assert site.subdomain_of is not None
        if host.endswith("." + site.subdomain_of):
            return platform, site
    return None


# Names reserved for special use (RFC 6761 and its registry, RFC 7686, RFC 8375, RFC 9476)
# and names private networks use: nobody can prove they own one on the internet.
SPECIAL_USE_TLDS = frozenset(
    {
        "example",
        "test",
        "invalid",
        "localhost",
        "local",
        "internal",
        "onion",
        "arpa",
        "alt",
        "lan",
        "home",
        "corp",
        "intranet",
        "private",
        "localdomain",
    }
)
SPECIAL_USE_DOMAINS = frozenset({"example.com", "example.net", "example.org", "home.arpa"})


def public_registrable_domain(site: str) -> bool:
    """Is ``site`` a domain someone can register and own: under a suffix the public suffix
    list knows, and not a special-use or private-network name?"""
    tld = site.rsplit(".", 1)[-1]
    if tld in SPECIAL_USE_TLDS or site in SPECIAL_USE_DOMAINS:
        return False
    return _psl().privatesuffix(site, accept_unknown=False) is not None


def registrable_site(host: str) -> str:
    """The site a host belongs to: its registrable domain, or its own name on a
    multi-author host (``alice.wordpress.com``)."""
    domain = _multi_author_domain(host)
    if domain and host != domain:
        label = host[: -len(domain) - 1].rsplit(".", 1)[-1]
        return f"{label}.{domain}"
    site = _psl().privatesuffix(host)
    if not site or "." not in site:
        raise NotFlattrable("no_registrable_domain")
    return str(site)


def normalise(raw_url: str) -> Page:
    """Normalise ``raw_url`` and read what its shape says about its owner.

    Raises ``NotFlattrable`` with a reason for URLs nobody can be paid for.
    """
    text = raw_url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise NotFlattrable("url_too_long")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise NotFlattrable("invalid_url") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise NotFlattrable("not_http")
    host = _host(parts.hostname or "")
    host, path, query = _rewrite_short_forms(host, parts.path, parts.query)
    path = _path(path)
    site = registrable_site(host)
    found = _find_site(host)
    keep = found[1].keep_query if found else None
    pairs = _query(query, keep)
    # Judged on the parameters that name the page (a platform's page keeps only its own:
    # a post shared as ``?s=20`` is that post, and the ``s`` is not stored).
    if is_search(host, site, path, [name for name, _ in pairs]):
        raise NotFlattrable("search_page")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    url = urlunsplit((scheme, netloc, path, urlencode(pairs), ""))
    if found is None:
        if host in SHORTENERS and path != "/":
            return Page(url=url, host=host, site=host, short_link=True)
        return Page(url=url, host=host, site=site)
    platform, rules = found
    page = _platform_page(platform, rules, host, path, dict(pairs))
    owner, lookup = page.owner, page.lookup
    if not platform.case_sensitive_owner:
        owner = owner.lower() if owner is not None else None
        if lookup is not None and lookup[0] == "handle":  # one lookup for Octocat, octocat
            lookup = (lookup[0], lookup[1].lower())
    return Page(
        url=url,
        host=host,
        site=site,
        platform=platform,
        owner=owner,
        lookup=lookup,
        fallback_owner=page.fallback_owner,
        nobody=page.nobody,
    )


def recipient_key(platform: Platform, owner: str) -> str:
    return f"{platform.name}:{owner if platform.case_sensitive_owner else owner.lower()}"


def owner_key(url: str, platform: str) -> str | None:
    """The recipient key that ``url`` names on ``platform`` by its shape alone, or None.

    Adapters use this for the items their users like, so a like and a visit to the same
    page name the same recipient. A platform of many servers (Mastodon) has its rules
    applied on any host, since a like can be on a server the resolver does not list.
    """
    try:
        page = normalise(url)
    except NotFlattrable:
        return None
    if page.platform is None or page.platform.name != platform:
        definition = BY_NAME.get(platform)
        if definition is None or not definition.any_host:
            return None
        parts = urlsplit(page.url)
        site = definition.sites[0]
        page = _platform_page(definition, site, page.host, parts.path, dict(parse_qsl(parts.query)))
        if page.owner is not None and not definition.case_sensitive_owner:
            page = Page(url=page.url, host=page.host, site=page.site, owner=page.owner.lower())
        return recipient_key(definition, page.owner) if page.owner else None
    if page.owner is None:
        return None
    return recipient_key(page.platform, page.owner)

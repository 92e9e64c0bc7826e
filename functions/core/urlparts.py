"""Normalising a URL's parts (scheme, host, port, path, query) and the site a host belongs
to: below every platform's rules, so that both the platforms (reading their own URLs) and
owner resolution (finding which platform a URL is on) build on it. Pure: no AWS, no I/O."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import idna
from publicsuffixlist import PublicSuffixList

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


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def multi_author_domain(host: str) -> str | None:
    for domain in MULTI_AUTHOR_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


# A host whose last label is a number is an IPv4 address to a browser (WHATWG URL:
# ``127.1``, ``0177.0.0.1``, ``0x7f.1``, ``2130706433``), whatever ``ipaddress`` accepts.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def normal_host(raw_host: str, aliases: Mapping[str, str]) -> str:
    """The host lower-cased, IDNA as punycode, ``www.`` dropped (but for a platform's own
    ``aliases``, which map a host to its platform's main one); an address or a name no
    one can register is refused."""
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
    if host.startswith("www.") and host not in aliases and _psl().privatesuffix(host[4:]):
        host = host[4:]
    return aliases.get(host, host)


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


def kept_query(query: str, keep: tuple[str, ...] | None) -> list[tuple[str, str]]:
    """The query's pairs a flattred URL keeps, sorted: ``keep``'s alone (a platform's own
    parameters), else all but tracking and private ones."""
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


def normal_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path or "/")
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def rewrite_short_forms(host: str, path: str, query: str) -> tuple[str, str, str]:
    """youtu.be/ID is youtube.com/watch?v=ID: the same page under its one name."""
    if host == "youtu.be" and re.fullmatch(r"/[\w-]{6,}/?", path):
        video = path.strip("/")
        return "youtube.com", "/watch", urlencode([("v", video), *parse_qsl(query)])
    return host, path, query


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
    domain = multi_author_domain(host)
    if domain and host != domain:
        label = host[: -len(domain) - 1].rsplit(".", 1)[-1]
        return f"{label}.{domain}"
    site = _psl().privatesuffix(host)
    if not site or "." not in site:
        raise NotFlattrable("no_registrable_domain")
    return str(site)


@dataclass(frozen=True)
class Parts:
    """A URL's parts, normalised; the query still whole (what is kept depends on the site)."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: str

    @property
    def netloc(self) -> str:
        default = self.port in (None, DEFAULT_PORTS[self.scheme])
        return self.host if default else f"{self.host}:{self.port}"


def split(raw_url: str, aliases: Mapping[str, str]) -> Parts:
    """``raw_url``'s parts, normalised (``aliases``: hosts that are another's, as
    ``normal_host`` takes them). Raises ``NotFlattrable`` for URLs no one can be paid for."""
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
    host = normal_host(parts.hostname or "", aliases)
    host, path, query = rewrite_short_forms(host, parts.path, parts.query)
    return Parts(scheme, host, port, normal_path(path), query)

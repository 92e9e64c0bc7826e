"""Proving a domain is yours: a TXT record ``_flattr.<domain>`` holding
``flattr-verify=<token>``, or a ``<meta name="flattr:id" content="<token or user id>">``
on the home page, fetched over HTTPS with SSRF protection (``common/safe_http``)."""

from __future__ import annotations

import secrets
from html.parser import HTMLParser
from typing import Literal

import dns.exception
import dns.resolver
import requests
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from functions.claim.models import DomainClaim, VerifiedDomain
from functions.common import clock, safe_http
from functions.common.errors import Conflict, Invalid, Missing
from functions.common.settings import settings
from functions.common.storage import ensure_bound, transact_write
from functions.core.ownership.urls import normalise
from functions.core.urlparts import NotFlattrable, public_registrable_domain

TXT_PREFIX = "flattr-verify="
Method = Literal["dns", "meta"]


def site_of(domain: str, field: str = "body.domain") -> str:
    """The site a user names (``www.example.org``, ``https://example.org/x``): its
    registrable domain, or the author's own subdomain on a multi-author host."""
    text = domain.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        page = normalise(text)
    except NotFlattrable as refusal:
        raise Invalid(f"not a domain ({refusal.reason})", field=field) from refusal
    if page.platform is not None:
        raise Invalid("a platform's domain: connect your account there instead", field=field)
    if not public_registrable_domain(page.site):
        raise Invalid("not a public domain anyone can register", field=field)
    return page.site


def _resolver() -> dns.resolver.Resolver:
    """The system's resolver; ``DNS_NAMESERVER`` (``host:port``) points it elsewhere."""
    resolver = dns.resolver.Resolver()
    if server := settings().dns_nameserver:
        host, _, port = server.rpartition(":")
        resolver.nameservers = [host]
        resolver.port = int(port)
    resolver.lifetime = 5.0
    return resolver


def txt_records(name: str) -> list[str]:
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.exception.DNSException, OSError):
        return []
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and values.get("name", "").lower() == "flattr:id":
            self.values.append(values.get("content", "").strip())


def meta_values(site: str) -> list[str]:
    try:
        page = safe_http.request("GET", f"https://{site}/")
    except (safe_http.Refused, requests.RequestException):
        return []
    if page.status != 200:
        return []
    parser = _Meta()
    parser.feed(page.body.decode("utf-8", "replace"))
    return parser.values


class VerifiedByAnother(Conflict):
    def __init__(self) -> None:
        super().__init__("domain: verified by someone else", slug="claimed")


def _refuse_if_verified_by_another(site: str, user_id: str) -> None:
    try:
        owner = VerifiedDomain.get(site).user_id
    except DoesNotExist:
        return
    if owner != user_id:
        raise VerifiedByAnother()


def mine(user_id: str) -> list[DomainClaim]:
    ensure_bound()
    return list(DomainClaim.by_user.query(user_id))


def start(user_id: str, domain: str) -> DomainClaim:
    ensure_bound()
    site = site_of(domain)
    _refuse_if_verified_by_another(site, user_id)
    try:
        return DomainClaim.get(site, user_id)
    except DoesNotExist:
        claim = DomainClaim(site, user_id, token=secrets.token_urlsafe(24), created_at=clock.now())
        claim.save()
        return claim


def verify(user_id: str, domain: str) -> tuple[DomainClaim, Method]:
    ensure_bound()
    site = site_of(domain, "path.domain")
    try:
        claim = DomainClaim.get(site, user_id)
    except DoesNotExist as missing:
        raise Missing("domain: add it first (POST /v1/domains)") from missing
    method: Method | None = None
    if f"{TXT_PREFIX}{claim.token}" in txt_records(f"_flattr.{site}"):
        method = "dns"
    elif {claim.token, user_id} & set(meta_values(site)):
        method = "meta"
    if method is None:
        raise Invalid(
            f"domain: neither the TXT record _flattr.{site} nor the flattr:id meta tag "
            "shows the token yet",
            slug="not-verified",
        )
    try:
        with transact_write() as transaction:
            transaction.save(
                VerifiedDomain(site, user_id=user_id),
                condition=VerifiedDomain.domain.does_not_exist()
                | (VerifiedDomain.user_id == user_id),
            )
            transaction.update(
                claim,
                actions=[DomainClaim.verified_at.set(clock.now())],
                condition=DomainClaim.domain.exists(),
            )
    except TransactWriteError as error:
        raise VerifiedByAnother() from error
    claim.refresh()
    return claim, method

"""The vocabulary of a platform's URL rules: sites, path rules, the platform's own pages.

Each platform's class (``core/platforms/<platform>.py``) states its rules in these
terms; the resolver (``core/ownership/urls.py``) reads them. Pure data and regular
expressions: no network, no AWS. The facts: ``../shared/spec/platforms.md``.

A platform has one or more *sites* (host groups with their own path rules). A rule
either names the owner straight from the path (``owner``), or names something the
platform's API must be asked about (``lookup`` = the kind of thing, e.g. a video),
optionally with a ``fallback`` key to use when no lookup is available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Tier = Literal["likes", "ownership", "resolution"]


class Pattern:
    """A regular expression compiled when it is first matched, case-insensitive: a Lambda
    compiles the rules of the sites its requests name, not every platform's (compiling all
    of them took about 10 ms of each cold start)."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def match(self, string: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.IGNORECASE)
        return self._compiled.match(string)


ROOT = Pattern(r"^/$")


@dataclass(frozen=True)
class Rule:
    pattern: Pattern
    template: str = "{owner}"  # formatted with the match's groups and ``host``
    lookup: str | None = None  # kind of thing to look up, with the group ``ref``
    query: str | None = None  # the lookup reference comes from this query parameter
    fallback: str | None = None  # an owner template to use when the lookup gives nothing


def rule(
    pattern: str,
    template: str = "{owner}",
    *,
    lookup: str | None = None,
    query: str | None = None,
    fallback: str | None = None,
) -> Rule:
    return Rule(Pattern(pattern), template, lookup, query, fallback)


@dataclass(frozen=True)
class Site:
    hosts: tuple[str, ...]
    rules: tuple[Rule, ...]
    # Paths that are the platform's own pages (search, settings, ...): nobody owns them.
    nobody: Pattern = ROOT
    # Owner in the subdomain: ``{owner}.<domain>`` (``reserved_subdomains`` excepted).
    subdomain_of: str | None = None
    reserved_subdomains: frozenset[str] = frozenset({"www", "api", "m", "mobile", "help"})
    keep_query: tuple[str, ...] = ()


def nobody(*prefixes: str) -> Pattern:
    """Root, or a path whose first segments are one of ``prefixes``."""
    joined = "|".join(prefixes)
    return Pattern(rf"^/$|^/(?:{joined})(?:/|$)")


SEGMENT = r"[^/]+"


@dataclass(frozen=True)
class Shape:
    """What a page's host and path say of its owner under one site's rules."""

    owner: str | None = None
    lookup: tuple[str, str] | None = None  # (kind, reference) to ask the platform about
    fallback_owner: str | None = None
    nobody: bool = False  # a platform's own page: search, settings, home, ...


def _by_rule(found: Rule, path: str, query: dict[str, str], host: str) -> Shape | None:
    matched = found.pattern.match(path)
    if not matched:
        return None
    groups = {k: v for k, v in matched.groupdict().items() if v is not None}
    groups.setdefault("server", host)
    if found.query:
        reference = query.get(found.query)
        if not reference:
            return None
        groups["ref"] = reference
    if found.lookup:
        fallback = found.fallback.format(**groups) if found.fallback else None
        # The reference: the ``ref`` group, else the owner the template names (a Mastodon
        # account, ``@user@server``, is asked of its server whole).
        lookup = (found.lookup, groups.get("ref") or found.template.format(**groups))
        return Shape(lookup=lookup, fallback_owner=fallback)
    return Shape(owner=found.template.format(**groups))


def shape_of(site: Site, host: str, path: str, query: dict[str, str]) -> Shape:
    """What ``site``'s rules say of the page at ``host`` and (normalised) ``path``."""
    if site.subdomain_of:
        label = host[: -len(site.subdomain_of) - 1]
        if "." in label or label in site.reserved_subdomains:
            return Shape(nobody=True)
        return Shape(owner=label)
    if site.nobody.match(path):
        return Shape(nobody=True)
    for each in site.rules:
        found = _by_rule(each, path, query, host)
        if found is not None:
            return found
    return Shape(nobody=True)

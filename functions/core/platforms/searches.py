"""Search result pages: what a person typed into a search box is theirs alone, so such a
page is never flattrable and counts for no visit (``../shared/spec/rules.md``).

Two tests, either enough: the page is a result page of a search engine in ``ENGINES``
(kept here with the platforms' rules), or its shape says it shows a search anywhere (a
``search`` path segment, or a ``q``, ``query``, ``search`` or ``s`` query parameter, as
WordPress's ``?s=`` and most sites' own search boxes write it). Pure data: no network.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

# Query parameters that carry what was typed, on any site.
QUERY_PARAMETERS = frozenset({"q", "query", "search", "s"})

# Search engines' result pages: (registrable domain or host, result path prefixes).
# Google's and Yandex's country domains (google.de, google.co.uk, yandex.ru, ...): by the
# first label of the registrable domain, in ``COUNTRY_ENGINES``.
ENGINES: dict[str, tuple[str, ...]] = {
    "bing.com": ("/search", "/images/search", "/videos/search", "/news/search"),
    "duckduckgo.com": ("/",),  # every page of it is a search (``/?q=``, ``/html/``, ``/lite/``)
    "html.duckduckgo.com": ("/",),
    "search.yahoo.com": ("/",),
    "search.yahoo.co.jp": ("/",),
    "baidu.com": ("/s", "/baidu"),
    "ecosia.org": ("/search", "/images", "/news", "/videos"),
    "startpage.com": ("/do/search", "/sp/search", "/search"),
    "search.brave.com": ("/",),
    "qwant.com": ("/",),
    "kagi.com": ("/search", "/images", "/videos", "/news"),
    "ask.com": ("/web",),
    "search.aol.com": ("/",),
    "naver.com": ("/search.naver",),
    "search.naver.com": ("/",),
    "sogou.com": ("/web", "/sogou"),
    "seznam.cz": ("/hledani",),
    "search.seznam.cz": ("/",),
    "mojeek.com": ("/search",),
    "yep.com": ("/web",),
    "you.com": ("/search",),
    "perplexity.ai": ("/search",),
    "metager.org": ("/meta",),
    "swisscows.com": ("/web", "/images", "/video", "/news"),
    "presearch.com": ("/search",),
    "searx.be": ("/search",),
}
COUNTRY_ENGINES: dict[str, tuple[str, ...]] = {
    "google": ("/search", "/webhp", "/images", "/imgres", "/url"),
    "yandex": ("/search", "/images/search", "/video/search"),
}


def _engine_paths(host: str, site: str) -> tuple[str, ...]:
    labels = host.split(".")
    for start in range(len(labels) - 1):
        found = ENGINES.get(".".join(labels[start:]))
        if found is not None:
            return found
    return COUNTRY_ENGINES.get(site.split(".", 1)[0], ())


def _under(path: str, prefix: str) -> bool:
    return prefix == "/" or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def is_search(host: str, site: str, path: str, parameters: Iterable[str]) -> bool:
    """Whether the page at ``host`` (of the registrable domain ``site``) and ``path`` with
    these query parameter names (those that name the page: what is stored) shows a
    search."""
    if any(name.lower() in QUERY_PARAMETERS for name in parameters):
        return True
    if "search" in (unquote(part).lower() for part in path.split("/")):
        return True
    lowered = path.lower()
    return any(_under(lowered, prefix) for prefix in _engine_paths(host.lower(), site.lower()))

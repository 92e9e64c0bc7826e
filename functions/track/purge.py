"""Flattrs of search result pages stored before such pages were refused (issue 29): a
person's searches are theirs alone (``../shared/spec/rules.md``), so what they typed goes.

A flattr of a month not yet split is deleted: it would be refused today, and its share of
the budget goes to the month's other flattrs. One of a split month is a money record
(its share moved): it stays, with its URL cut to the engine's or site's origin and its
title (a search page's title repeats the terms) removed. Run once after upgrading, by
``flattr flattrs purge-searches``; running it again finds nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from functions.common.storage import ensure_bound
from functions.core.flattrs import month_is_split
from functions.core.models import Flattr
from functions.core.ownership.urls import normalise
from functions.core.urlparts import NotFlattrable
from functions.track import store


@dataclass
class PurgeSummary:
    scanned: int = 0
    deleted: int = 0  # of months not split yet
    cut: int = 0  # of split months: the URL cut to its origin, the title gone


def is_search_flattr(url: str) -> bool:
    try:
        normalise(url)
    except NotFlattrable as refusal:
        return refusal.reason == "search_page"
    return False


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def purge_search_flattrs() -> PurgeSummary:
    ensure_bound()
    summary = PurgeSummary()
    for flattr in Flattr.scan():
        summary.scanned += 1
        if not is_search_flattr(str(flattr.url)):
            continue
        if not month_is_split(str(flattr.month)):
            summary.deleted += int(store.delete_flattr(flattr))
            continue
        flattr.update(actions=[Flattr.url.set(origin(str(flattr.url))), Flattr.title.remove()])
        summary.cut += 1
    return summary

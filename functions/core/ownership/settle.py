"""Flattrs that wait for an owner lookup get their recipient here: from the lookup worker
as soon as the platform answers, and from the monthly split, which waits for its month's
lookups at most six hours after the month ends and then falls back.

Settling a flattr resolves its URL again with the lookup's answer kept: the same rules as
any report (a creator who declined, one's own page), then writes the recipient on the
condition that the flattr still waits. A lookup that found nobody, or could not be made
in time, leaves the flattr with no recipient, ``none:<reason>``: the money of a platform's
page never goes to the platform. Such a flattr is shown to its contributor with the reason
and takes no share of the budget.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from functions.common import clock
from functions.common.months import add_months, start_of
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound
from functions.core.flattrs import split_state
from functions.core.models import Flattr
from functions.core.ownership import aliases, lookups
from functions.core.ownership.directory import DynamoDirectory
from functions.core.ownership.resolve import (
    NOBODY,
    PENDING,
    CachedLookup,
    Lookup,
    OwnerLookup,
    Resolution,
    resolve_many,
)
from functions.core.ownership.urls import recipient_key
from functions.core.platforms.http import LookupFailed

if TYPE_CHECKING:
    import requests

SPLIT_WAITS = timedelta(hours=6)  # after its month ends, for the month's lookups

_directory = DynamoDirectory()


def settle(
    lookup: Lookup,
    *,
    now: datetime,
    month: str | None = None,
    final: bool = False,
    splitting: bool = False,
    http: requests.Session | None = None,
) -> int:
    """Ask the lookup's provider (unless an answer is kept), keep the answer, and give each
    flattr waiting for it its recipient; answers how many were settled. ``month``: the one
    whose marker named the lookup. A month whose split has begun is left to the split
    (``splitting``: this is the split). Raises ``LookupFailed`` when the provider cannot
    tell now, unless ``final`` (then the lookup is answered "nobody": ``lookup_failed``)."""
    if lookup not in lookups.StoredAnswers().answers([lookup]):
        try:
            found = lookups.ask(lookup, http)
            reason = None if found else "owner_unknown"
        except LookupFailed:
            if not final:
                raise
            found, reason = None, "lookup_failed"
        lookups.remember(lookup, found, reason, now)
    ensure_bound()
    # Markers go for the months whose flattrs were found and settled here. A month none
    # was found for keeps its marker (the index can lag behind a write that just
    # happened): the split settles it, from the answer kept, without waiting.
    settled, seen, left = 0, set(), set()
    answers = CachedLookup(lookups.StoredAnswers(final=True))  # read once for all of them
    states: dict[str, str | None] = {}  # the split state of each month met, read once
    for flattr in Flattr.by_recipient.query(lookup.pending_key):
        flattr_month = str(flattr.month)
        seen.add(flattr_month)
        if flattr_month not in states:
            states[flattr_month] = split_state(flattr_month)
        if (splitting and flattr_month == month) or states[flattr_month] is None:
            conclude(flattr, lookup, answers)
            settled += 1
        else:
            left.add(flattr_month)  # its month is being split: the split settles it
    for done in seen - left:
        lookups.done_waiting(done, lookup)
    return settled


def conclude(
    flattr: Flattr, lookup: Lookup | None = None, answers: OwnerLookup | None = None
) -> str:
    """Resolve a waiting flattr's URL again with the answers kept (a lookup without one
    counts as answered "nobody") and write its recipient; answers it."""
    (resolution,) = resolve_many(
        [flattr.url],
        lookups=answers or lookups.StoredAnswers(final=True),
        directory=_directory,
        blocked_domains=settings().blocked_domains,
        contributor_id=str(flattr.contributor_id),
        page_authors=settings().page_authors,
        handles=settings().handle_lookups,
        funding=settings().funding_files,
    )
    if resolution.flattrable and resolution.recipient is not None:
        recipient = resolution.recipient.key
        _record_handle(resolution)
    else:
        reason = resolution.reason or "owner_unknown"
        wanted = lookup or resolution.lookup
        if reason == "owner_unknown" and wanted is not None:
            reason = lookups.stored_reason(wanted) or reason
        recipient = f"{NOBODY}:{reason}"
    try:
        flattr.update(
            actions=[Flattr.recipient.set(recipient)],
            condition=Flattr.recipient.startswith(f"{PENDING}:"),
        )
    except Exception as error:
        if not condition_failed(error):
            raise
    return recipient


def _record_handle(resolution: Resolution) -> None:
    """A handle settled to an account id: put the pair on record, so that money held
    under the handle before is claimable by that account (``aliases.py``)."""
    page, recipient = resolution.page, resolution.recipient
    if page is None or page.platform is None or page.fallback_owner is None or recipient is None:
        return
    handle_key = recipient_key(page.platform, page.fallback_owner)
    if recipient.key != handle_key and recipient.key.startswith(f"{page.platform.name}:"):
        aliases.record(handle_key, recipient.key, clock.now())


def settle_month(month: str, now: datetime) -> bool:
    """Before ``month`` is split: settle what its flattrs wait for. True when the split may
    go on: nothing waits any more, or six hours have passed since the month ended (then
    what could not be looked up falls back)."""
    markers = lookups.waiting(month)
    if not markers:
        return True
    final = now >= start_of(add_months(month, 1)) + SPLIT_WAITS
    for marker in markers:
        lookup = Lookup(str(marker.platform), str(marker.kind), str(marker.reference))
        try:
            settle(lookup, now=now, month=month, final=final, splitting=True)
        except LookupFailed:
            continue
        lookups.done_waiting(month, lookup)
    return final or not lookups.waiting(month)

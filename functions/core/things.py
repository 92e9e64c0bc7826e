"""The Flattr REST API v2's things. A thing here is a URL someone flattred: its id is
computed from the URL (``flattrs.thing_id``), and what v2 tells of it (its flattrs, who
flattred it, its first title) is read from the flattrs themselves through the ``by-thing``
index. Nothing is stored for a URL nobody flattred, and a thing goes when its last flattr
does (taken back, or its contributor's account deleted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.common.storage import ensure_bound
from functions.core.models import Flattr

# A thing's counts read at most this many of its flattrs' keys (one query page is 1 MB of
# keys, some 10,000): beyond it the count says "at least".
READ_AT_MOST = 10_000


@dataclass(frozen=True)
class Thing:
    id: int
    url: str
    title: str | None
    recipient: str
    created_at: datetime  # its first flattr
    flattrs: int
    flattrers: int
    flattred: bool  # by the person asking (False when nobody is signed in)


def _refs(thing: int) -> list[tuple[str, str]]:
    """(contributor, flattr id) of the thing's flattrs."""
    found = []
    for key in Flattr.by_thing.query(thing, limit=READ_AT_MOST):
        contributor, _, flattr_id = key.flattr_ref.partition("#")
        found.append((contributor, flattr_id))
        if len(found) >= READ_AT_MOST:
            break
    return found


def find(thing: int, asking: str | None = None) -> Thing | None:
    """The thing ``thing``, as ``asking`` (a user id) sees it; None while nobody flattred
    its URL."""
    ensure_bound()
    refs = _refs(thing)
    if not refs:
        return None
    contributor, flattr_id = min(refs, key=lambda ref: ref[1])  # ids begin with the time
    try:
        first = Flattr.get(contributor, flattr_id)
    except Flattr.DoesNotExist:  # taken back this very moment
        return None
    contributors = {c for c, _ in refs}
    return Thing(
        id=thing,
        url=first.url,
        title=first.title,
        recipient=first.recipient,
        created_at=first.created_at,
        flattrs=len(refs),
        flattrers=len(contributors),
        flattred=asking in contributors,
    )


def count(thing: int) -> int:
    """How many flattrs ``thing`` has (up to ``READ_AT_MOST``)."""
    ensure_bound()
    return len(_refs(thing))


def exists(thing: int) -> bool:
    """Has anyone flattred the thing's URL?"""
    ensure_bound()
    return next(iter(Flattr.by_thing.query(thing, limit=1)), None) is not None

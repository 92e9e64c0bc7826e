"""Handles are aliases of account ids. Money is keyed by the platform's stable id where
the platform has one; a URL that names only a handle earns escrow under the handle. A
handle can be released and taken by someone else, so escrow under a handle is claimable
only by the account the handle was first seen naming: every (handle, id) pair seen is
recorded with when (an account connecting; likes that name both, as GitHub's stars do;
the resolver's lookups to come), and a later holder of the handle does not prove it.

Not yet covered: a handle that changed hands before anything of ours saw it; the
resolver issue closes it by keying URL money by id (handle → id when the flattr is made)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cachetools import TTLCache

from functions.common.models import HandleAlias
from functions.common.storage import ensure_bound

KEEP = timedelta(days=7 * 31)  # escrow waits six months after its month


_recorded: TTLCache[tuple[str, str], bool] = TTLCache(maxsize=50_000, ttl=86_400)


def record(handle_key: str, id_key: str, at: datetime) -> None:
    """The handle ``handle_key`` named the account ``id_key`` at ``at`` (written once a
    day per pair and Lambda: ``last_seen`` needs no finer grain)."""
    pair = (handle_key.lower(), id_key)
    if pair in _recorded:
        return
    ensure_bound()
    alias = HandleAlias(*pair)
    alias.update(
        actions=[
            HandleAlias.first_seen.set(HandleAlias.first_seen | at),
            HandleAlias.last_seen.set(at),
            HandleAlias.expires_at.set(at + KEEP),
        ]
    )
    _recorded[pair] = True


def clear_cache() -> None:
    _recorded.clear()


def handles_of(id_key: str) -> set[str]:
    """Every handle the account ``id_key`` was seen with (it may have been renamed)."""
    ensure_bound()
    return {alias.handle_key for alias in HandleAlias.by_id.query(id_key)}


def first_holder(handle_key: str) -> str | None:
    """The account ``handle_key`` was first seen naming, if any was seen."""
    ensure_bound()
    seen = sorted(HandleAlias.query(handle_key.lower()), key=lambda a: a.first_seen)
    return seen[0].id_key if seen else None


def proves_handle(handle_key: str, id_key: str) -> bool:
    """May the account ``id_key`` claim what waits under ``handle_key``? Only if it is the
    first account the handle was seen naming (or none was seen): whoever takes a handle
    released later does not take the money held under it before."""
    return first_holder(handle_key) in (None, id_key)

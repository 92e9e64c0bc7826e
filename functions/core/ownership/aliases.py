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

from functions.common.hashing import keyed_hash
from functions.common.months import start_of
from functions.common.storage import ensure_bound
from functions.core.models import Escrow
from functions.core.ownership.models import HandleAlias

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


def _sealed(key: str) -> str:
    """How a forgotten account's pair is kept: a keyed hash, readable by nobody."""
    return f"{SEALED}{keyed_hash(key)}"


SEALED = "sealed:"


def first_holder(handle_key: str) -> str | None:
    """The account ``handle_key`` was first seen naming, if any was seen (a deleted
    account's, sealed: ``sealed:<keyed hash of its id>``)."""
    ensure_bound()
    handle = handle_key.lower()
    seen = [*HandleAlias.query(handle), *HandleAlias.query(_sealed(handle))]
    return min(seen, key=lambda a: a.first_seen).id_key if seen else None


def proves_handle(handle_key: str, id_key: str) -> bool:
    """May the account ``id_key`` claim what waits under ``handle_key``? Only if it is the
    first account the handle was seen naming (or none was seen): whoever takes a handle
    released later does not take the money held under it before, even after the first
    holder's user was deleted (its pair is kept sealed while that money waits)."""
    return first_holder(handle_key) in (None, id_key, _sealed(id_key))


def forget_account(id_key: str) -> int:
    """A user who proved the account ``id_key`` was deleted: the handles it was seen with
    go. Where escrow still waits under one of them, the pair stays sealed (keyed hashes of
    both) until that escrow expires, so the handle's next holder still cannot take it.
    Answers the pairs removed."""
    ensure_bound()
    removed = 0
    for alias in list(HandleAlias.by_id.query(id_key)):
        handle = str(alias.handle_key)
        until = _escrow_ends(handle)
        if until is not None:
            HandleAlias(
                _sealed(handle),
                _sealed(id_key),
                first_seen=alias.first_seen,
                last_seen=alias.first_seen,  # nothing more of it is known
                expires_at=max(until, alias.expires_at),
            ).save()
        alias.delete()
        removed += 1
    for pair in [p for p in _recorded if p[1] == id_key]:
        _recorded.pop(pair, None)
    return removed


def _escrow_ends(recipient: str) -> datetime | None:
    """When the last escrow waiting for ``recipient`` expires, if any waits."""
    months = [str(row.expires_month) for row in Escrow.query(recipient)]
    return start_of(max(months)) if months else None

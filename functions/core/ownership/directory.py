"""The recipients directory: what the ``recipients`` table says of each recipient (its
creator, a site's declaration, a refusal), for the resolver."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from cachetools import TTLCache

from functions.common import clock
from functions.common.storage import ensure_bound
from functions.core.models import Recipient
from functions.core.ownership.resolve import RecipientRecord


class DynamoDirectory:
    """Recipient records from the ``recipients`` table, cached for a minute."""

    def __init__(self) -> None:
        # A minute by the service's clock (so that the local stack's clock ages it too).
        self._cache: TTLCache[str, RecipientRecord] = TTLCache(
            50_000, ttl=60, timer=lambda: clock.now().timestamp()
        )
        self._lock = threading.Lock()

    def records(self, keys: Iterable[str]) -> dict[str, RecipientRecord]:
        ensure_bound()
        wanted = set(keys)
        found: dict[str, RecipientRecord] = {}
        with self._lock:
            missing = [k for k in wanted if k not in self._cache]
            found.update({k: self._cache[k] for k in wanted if k in self._cache})
        fetched = self.keep(Recipient.batch_get(missing) if missing else [], missing)
        found.update(fetched)
        return {k: v for k, v in found.items() if v != RecipientRecord()}

    def missing(self, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` this directory would read."""
        with self._lock:
            return sorted(k for k in set(keys) if k not in self._cache)

    def keep(self, items: Iterable[Recipient], asked: Iterable[str]) -> dict[str, RecipientRecord]:
        """The records of ``items`` read for the ``asked`` keys (here, or ahead of resolving
        in one request with other reads), kept as read now; a key asked and not found has
        no record. Answers them."""
        fetched: dict[str, RecipientRecord] = dict.fromkeys(asked, RecipientRecord())
        for item in items:
            fetched[item.recipient] = RecipientRecord(
                item.claimed_by, item.declared_user, item.declined_at is not None
            )
        with self._lock:
            self._cache.update(fetched)
        return fetched

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def held_by(user_id: str) -> list[Recipient]:
    """The recipients ``user_id`` claimed or declared (a scan: for their export and their
    account's deletion only)."""
    ensure_bound()
    return list(
        Recipient.scan((Recipient.claimed_by == user_id) | (Recipient.declared_user == user_id))
    )

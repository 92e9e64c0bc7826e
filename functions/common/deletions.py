"""Deleted accounts stay deleted: API Gateway's JWT authorizer accepts a token until it
expires, so the API layer asks, for every authenticated request, whether its user was
deleted. "Deleted" is final and cached for good; "not deleted" for at most
``deletion_cache_seconds``."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from functions.common.models import DeletedUser
from functions.common.settings import settings
from functions.common.storage import ensure_bound

_lock = threading.Lock()
_deleted: set[str] = set()
_alive_until: dict[str, float] = {}
MAX_CACHED = 50_000
monotonic = time.monotonic  # tests move it


def is_deleted(user_id: str) -> bool:
    now = monotonic()
    with _lock:
        if user_id in _deleted:
            return True
        if _alive_until.get(user_id, 0.0) > now:
            return False
    ensure_bound()
    try:
        DeletedUser.get(user_id, consistent_read=True)
        deleted = True
    except DoesNotExist:
        deleted = False
    with _lock:
        if deleted:
            _deleted.add(user_id)
            _alive_until.pop(user_id, None)
        else:
            if len(_alive_until) >= MAX_CACHED:
                _alive_until.clear()
            _alive_until[user_id] = now + settings().deletion_cache_seconds
    return deleted


def mark_deleted(user_id: str, at: datetime) -> None:
    """Write the tombstone (before anything is deleted, so no request recreates data)."""
    ensure_bound()
    DeletedUser(user_id, deleted_at=at).save()
    with _lock:
        _deleted.add(user_id)
        _alive_until.pop(user_id, None)


def clear_cache() -> None:
    with _lock:
        _deleted.clear()
        _alive_until.clear()

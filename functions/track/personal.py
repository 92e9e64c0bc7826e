"""Tracking's part of a person's data: its export and its erasure when the account goes
(``functions/account`` asks each domain for its own)."""

from __future__ import annotations

from typing import Any

from functions.common.clock import rfc3339
from functions.common.storage import delete_all, ensure_bound
from functions.track.models import ActivityItem


def export(user_id: str) -> dict[str, Any]:
    """Attention and visits that earned no flattr: only keyed hashes, and their expiry."""
    ensure_bound()
    return {
        "activity": [
            {"key": item.item_key, "expires_at": rfc3339(item.expires_at)}
            for item in ActivityItem.query(user_id)
        ]
    }


def erase(user_id: str) -> dict[str, int]:
    ensure_bound()
    return {"activity": delete_all(ActivityItem.query(user_id), ActivityItem)}

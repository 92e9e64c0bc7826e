"""How a recipient appears in every API answer: its key, platform, display name and
whether a creator has claimed it. One model for the track, payout and claim routes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cachetools import TTLCache
from pydantic import BaseModel

from functions.common.storage import ensure_bound
from functions.core.ownership.models import EmailAddress, HandleAlias


class RecipientRef(BaseModel):
    key: str
    platform: str
    display_name: str
    claimed: bool


# A flattr waiting for its owner's lookup (``pending:<lookup id>``), and one whose lookup
# found nobody to pay (``none:<reason>``): ``core/ownership/settle.py``.
WAITING = {"pending": "(its owner is being looked up)", "none": "nobody ({})"}
UNNAMED_ADDRESS = "an email address"  # an address with no Gravatar name: never the address


def recipient_ref(key: str, claimed: bool) -> RecipientRef:
    platform, _, name = key.partition(":")
    if platform in WAITING:
        name = WAITING[platform].format(name.replace("_", " "))
    elif platform == "email":
        name = email_name(key)
    elif platform not in NO_HANDLES:
        name = handle_of(key) or name
    return RecipientRef(key=key, platform=platform, display_name=name, claimed=claimed)


NO_HANDLES = {"web", "user", "email"}  # keys that are never an account's id
# What people see of a key that needs a read, kept ten minutes per Lambda.
_handles: TTLCache[str, str] = TTLCache(maxsize=20_000, ttl=600)
_names: TTLCache[str, str] = TTLCache(maxsize=10_000, ttl=600)
_names_lock = threading.Lock()


def _cached(cache: TTLCache[str, str], key: str, read: Callable[[str], str]) -> str:
    with _names_lock:
        if key in cache:
            return cache[key]
    ensure_bound()
    found = read(key)
    with _names_lock:
        cache[key] = found
    return found


def handle_of(key: str) -> str | None:
    """The handle an account keyed by its id was last seen with (``github:583231`` is
    shown as ``octocat``), from the handle aliases on record; a key that is a handle
    itself has none."""
    return _cached(_handles, key, _last_handle) or None


def _last_handle(key: str) -> str:
    seen = sorted(HandleAlias.by_id.query(key), key=lambda alias: alias.last_seen)
    return seen[-1].handle_key.split(":", 1)[1] if seen else ""


def email_name(key: str) -> str:
    """What people see of an email recipient (``core/ownership/emails.py``): the name of
    its Gravatar profile, else "an email address"."""
    return _cached(_names, key, _gravatar_name)


def _gravatar_name(key: str) -> str:
    try:
        item = EmailAddress.get(key, "address", attributes_to_get=["display_name"])
    except EmailAddress.DoesNotExist:
        return UNNAMED_ADDRESS
    return str(item.display_name or UNNAMED_ADDRESS)


def forget_name(key: str) -> None:
    with _names_lock:
        _names.pop(key, None)


def clear_cache() -> None:
    with _names_lock:
        _names.clear()
        _handles.clear()

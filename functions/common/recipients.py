"""How a recipient appears in every API answer: its key, platform, display name and
whether a creator has claimed it. One model for the track, payout and claim routes."""

from __future__ import annotations

import threading

from cachetools import TTLCache
from pydantic import BaseModel

from functions.common.models import EmailAddress, HandleAlias
from functions.common.storage import ensure_bound


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
_handles: TTLCache[str, str] = TTLCache(maxsize=20_000, ttl=600)


def handle_of(key: str) -> str | None:
    """The handle an account keyed by its id was last seen with (``github:583231`` is
    shown as ``octocat``), from the handle aliases on record. Read once in ten minutes
    per Lambda; a key that is a handle itself has none."""
    with _names_lock:
        if key in _handles:
            return _handles[key] or None
    ensure_bound()
    seen = sorted(HandleAlias.by_id.query(key), key=lambda alias: alias.last_seen)
    found = seen[-1].handle_key.split(":", 1)[1] if seen else ""
    with _names_lock:
        _handles[key] = found
    return found or None


_names: TTLCache[str, str] = TTLCache(maxsize=10_000, ttl=600)
_names_lock = threading.Lock()


def email_name(key: str) -> str:
    """What people see of an email recipient (``core/ownership/emails.py``): the name of
    its Gravatar profile, else "an email address". Read once in ten minutes per Lambda."""
    with _names_lock:
        if key in _names:
            return _names[key]
    ensure_bound()
    try:
        item = EmailAddress.get(key, "address", attributes_to_get=["display_name"])
        shown = str(item.display_name or UNNAMED_ADDRESS)
    except EmailAddress.DoesNotExist:
        shown = UNNAMED_ADDRESS
    with _names_lock:
        _names[key] = shown
    return shown


def forget_name(key: str) -> None:
    with _names_lock:
        _names.pop(key, None)


def clear_cache() -> None:
    with _names_lock:
        _names.clear()
        _handles.clear()

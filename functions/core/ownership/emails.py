"""Flattrs to an email address: a page's ``<meta name="flattr:id" content="mailto:…">``
names an address as its receiver.

The recipient is ``email:<keyed hash>`` of the lower-cased address (a key derived for this
purpose alone). Since the page published the address, the unclaimed-money email may be
sent to it; for that the address is kept sealed (KMS envelope encryption, bound to the
recipient key), never in the clear. Its display name and avatar come from the Gravatar
profile of the address, fetched here (by the lookup worker, never in a request's path)
and stored as fetched: the name and the image bytes, never Gravatar's unkeyed hash or a
URL that holds it. All of it is kept while pages declare the address and as long as
escrow can wait after that, and the sealed address goes once the recipient is claimed.
Claiming it takes a single-use link sent to the address (``claim/addresses.py``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from functions.common import crypto
from functions.common.hashing import sign
from functions.common.storage import condition_failed, ensure_bound
from functions.core.models import Recipient
from functions.core.ownership.models import EmailAddress
from functions.core.platforms.http import LookupFailed, fetch, json_of, read_body
from functions.core.recipients import forget_name

if TYPE_CHECKING:
    import requests

ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
KEEP = timedelta(days=7 * 31)  # escrow waits six months after its month
PROFILE_KEPT = timedelta(days=30)  # Gravatar is asked again after this
SORT = "address"
GRAVATAR_PROFILES = "https://api.gravatar.com/v3/profiles/"
GRAVATAR_AVATARS = "https://gravatar.com/avatar/"
AVATAR_PIXELS = "80"
AVATAR_BYTES = 32 * 1024
AVATAR_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
NAME_CHARS = 80


def valid_address(text: str | None) -> str | None:
    """The address, lower-cased, from ``text`` (``mailto:`` and a query allowed), or None."""
    if not text:
        return None
    address = text.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    address = address.split("?", 1)[0].strip()
    return address.lower() if ADDRESS.match(address) and len(address) <= 254 else None


def email_key(address: str) -> str:
    """The recipient key of an address (valid, lower-cased)."""
    return f"email:{sign(address, 'email-recipient')}"


def declared(address: str, http: requests.Session, now: datetime) -> str:
    """A page named ``address`` as its receiver: keep it sealed (unless its recipient is
    claimed: nobody need write to it then), ask Gravatar for its profile now and then,
    and answer its recipient key."""
    ensure_bound()
    key = email_key(address)
    try:
        item = EmailAddress.get(key, SORT)
    except EmailAddress.DoesNotExist:
        item = EmailAddress(key, SORT, declared_at=now)
    item.declared_at, item.expires_at = now, now + KEEP
    if _claimed(key):
        item.sealed = None
    elif item.sealed is None:
        item.sealed = crypto.seal({"address": address}, key)
    if item.profile_at is None or item.profile_at < now - PROFILE_KEPT:
        _ask_gravatar(item, address, http, now)
    item.save()
    forget_name(key)
    return key


def _claimed(key: str) -> bool:
    try:
        found = Recipient.get(key)
    except Recipient.DoesNotExist:
        return False
    return bool(found.claimed_by or found.declined_by)


def _ask_gravatar(item: EmailAddress, address: str, http: requests.Session, now: datetime) -> None:
    """The display name and avatar of the address's Gravatar profile (its SHA-256, as
    Gravatar names profiles: asked with, never kept). No profile: neither. Gravatar not
    answering now: what was kept stays, and it is asked again next time."""
    digest = hashlib.sha256(address.encode()).hexdigest()
    try:
        profile = json_of(fetch(http, f"{GRAVATAR_PROFILES}{digest}"))
        avatar = _avatar(http, digest) if profile else None
    except LookupFailed:
        return
    name = profile.get("display_name")
    item.display_name = _clean(name) if isinstance(name, str) else None
    item.avatar, item.avatar_type = avatar if avatar else (None, None)
    item.profile_at = now


def _clean(name: str) -> str | None:
    shown = " ".join("".join(c for c in name if c.isprintable()).split())[:NAME_CHARS]
    return shown or None


def _avatar(http: requests.Session, digest: str) -> tuple[bytes, str] | None:
    """The profile's image, small (80 px), if it has one of its own (``d=404``: no
    generated default) and it is an image of at most 32 KB."""
    answer = fetch(
        http, f"{GRAVATAR_AVATARS}{digest}", {"s": AVATAR_PIXELS, "d": "404"}, stream=True
    )
    kind = answer.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind not in AVATAR_TYPES:
        answer.close()
        return None
    body = read_body(answer, AVATAR_BYTES)
    return (body, kind) if body is not None else None


def _kept(key: str) -> EmailAddress | None:
    ensure_bound()
    try:
        return EmailAddress.get(key, SORT)
    except EmailAddress.DoesNotExist:
        return None


def address_of(key: str) -> str | None:
    """The address a page published for ``key``, opened from its seal, if it is kept."""
    item = _kept(key)
    if item is None or item.sealed is None:
        return None
    return str(crypto.open_sealed(item.sealed, key)["address"])


def has_avatar(key: str) -> bool:
    """Whether an image is kept for ``key`` (read without the image)."""
    ensure_bound()
    try:
        return (
            EmailAddress.get(key, SORT, attributes_to_get=["avatar_type"]).avatar_type is not None
        )
    except EmailAddress.DoesNotExist:
        return False


def avatar_of(key: str) -> tuple[bytes, str] | None:
    """The kept Gravatar image of ``key`` and its type, if it has one."""
    item = _kept(key)
    if item is None or item.avatar is None or item.avatar_type is None:
        return None
    return bytes(item.avatar), str(item.avatar_type)


def forget_address(key: str) -> None:
    """The recipient is claimed: its sealed address is no longer needed."""
    ensure_bound()
    item = EmailAddress(key, SORT)
    try:
        item.update(actions=[EmailAddress.sealed.remove()], condition=EmailAddress.key.exists())
    except Exception as error:
        if not condition_failed(error):
            raise
    forget_name(key)

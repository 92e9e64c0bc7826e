"""Claim links: a 256-bit random token, stored only as its SHA-256, with an expiry; and
one-click unsubscribe tokens, which are MACs (nothing stored until someone uses one)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from functions.claim.events import address_hash
from functions.claim.models import ClaimToken
from functions.common.hashing import keyed_hash
from functions.common.settings import settings
from functions.common.storage import ensure_bound

LINK_DAYS = 60  # a link outlives the 14 days between notices and the 30 to the reminder


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_url(path: str) -> str:
    return f"{settings().public_url}{path}"


def new_claim_link(recipient: str, now: datetime, until: datetime | None = None) -> str:
    """A fresh claim token for ``recipient``; only its hash is stored."""
    ensure_bound()
    token = secrets.token_urlsafe(32)  # 256 bits
    expires = now + timedelta(days=LINK_DAYS)
    if until is not None and until < expires:
        expires = max(until, now + timedelta(days=1))
    ClaimToken(token_hash(token), recipient=recipient, expires_at=expires).save()
    return token


def recipient_of(token: str, now: datetime) -> str | None:
    """The recipient a claim token is for, if the token is known and unexpired."""
    ensure_bound()
    if not token or len(token) > 128:
        return None
    try:
        found = ClaimToken.get(token_hash(token))
    except DoesNotExist:
        return None
    if found.user_id is not None:
        return None  # a link proving an address (``addresses.py``), not a claim link
    return None if found.expires_at <= now else str(found.recipient)


def _mac(text: str) -> str:
    # The URL-hash key doubles as this MAC's key: one secret, one rotation.
    return keyed_hash(f"unsubscribe|{text}")


def unsubscribe_token(recipient: str, address: str) -> str:
    """Names the recipient and (by keyed hash) the address; forged tokens fail the MAC."""
    payload = f"{recipient}|{address_hash(address)}"
    encoded = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    return f"{encoded}.{_mac(payload)}"


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """(recipient, address hash) of a genuine token, else None."""
    encoded, _, mac = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(mac, _mac(payload)):
        return None
    recipient, _, address_hash = payload.rpartition("|")
    return (recipient, address_hash) if recipient and address_hash else None

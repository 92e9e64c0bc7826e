"""Device tokens for browser extensions: opaque, 256 bits, shown once and stored as their
SHA-256; they never expire (the Flattr extension never refreshes, and ours should not sign
people out every hour) but can be revoked, and go with the account. Accepted only on the
routes an extension needs (``Route.devices`` in ``functions/deployment.py``), by the
authorizer (``functions/authorizer``)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist

from functions.common import clock
from functions.common.errors import Missing
from functions.common.storage import ensure_bound, note_use
from functions.core.models import DeviceToken

PREFIX = "fd_"
TOUCH_EVERY = timedelta(hours=1)  # "last used" to the hour: one write an hour at most


@dataclass(frozen=True)
class Issued:
    device: DeviceToken
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user_id: str, name: str) -> Issued:
    ensure_bound()
    token = PREFIX + secrets.token_urlsafe(32)
    device = DeviceToken(
        _hash(token),
        device_id=secrets.token_hex(8),
        user_id=user_id,
        name=name,
        created_at=clock.now(),
    )
    device.save(condition=DeviceToken.token_hash.does_not_exist())
    return Issued(device, token)


def mine(user_id: str) -> list[DeviceToken]:
    ensure_bound()
    return sorted(DeviceToken.by_user.query(user_id), key=lambda d: d.created_at, reverse=True)


def revoke(user_id: str, device_id: str) -> None:
    for device in mine(user_id):
        if device.device_id == device_id:
            device.delete()
            return
    raise Missing("device: no such device of yours")


def revoke_all(user_id: str) -> int:
    found = mine(user_id)
    for device in found:
        device.delete()
    return len(found)


def user_of(token: str) -> DeviceToken | None:
    """The device a token belongs to, or None (unknown or revoked); notes its use."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    ensure_bound()
    try:
        device = DeviceToken.get(_hash(token))
    except DoesNotExist:
        return None
    # Not recreated once revoked: gone meanwhile, the token opens nothing.
    if not note_use(device, DeviceToken.last_used_at, DeviceToken.token_hash, TOUCH_EVERY):
        return None
    return device

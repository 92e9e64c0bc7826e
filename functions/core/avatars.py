"""A creator's picture on their public page (``pictures`` makes it from an upload): kept in
``avatars``, named by its version on the user item, served from our copy under a URL that
changes with the picture (so it may be cached long)."""

from __future__ import annotations

import hashlib

from pynamodb.exceptions import DoesNotExist

from functions.common.storage import ensure_bound
from functions.core.models import Avatar, User

CONTENT_TYPE = "image/webp"  # what ``pictures.picture`` makes


def version_of(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()[:12]


def put(user: User, image: bytes) -> str:
    """Keep ``image`` (made by ``pictures.picture``) as the user's picture; answers its
    version. The picture is written before the user item names it, so a crash between
    leaves the old one shown."""
    ensure_bound()
    version = version_of(image)
    Avatar(user.user_id, image=image, content_type=CONTENT_TYPE, version=version).save()
    user.update(actions=[User.avatar.set(version)])
    return version


def remove(user_id: str, user: User | None = None) -> None:
    """No picture any more (also when the account is deleted)."""
    ensure_bound()
    if user is not None and user.avatar:
        user.update(actions=[User.avatar.remove()])
    Avatar(user_id).delete()


def of(user_id: str) -> Avatar | None:
    ensure_bound()
    try:
        return Avatar.get(user_id)
    except DoesNotExist:
        return None


def url(username: str, version: str | None) -> str | None:
    """Where a page finds the picture (``None``: no picture)."""
    return f"/v1/profiles/{username}/avatar?v={version}" if version else None

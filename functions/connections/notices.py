"""Telling a user what happened to their connection when they were not there."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist

from functions.common import mail
from functions.common.storage import ensure_bound
from functions.core.models import Connection, User
from functions.core.platforms.registry import BY_NAME

logger = Logger(service="connections", child=True)


def tell_moved(previous_user: str, connection: Connection) -> None:
    """Email the user whose connection moved to ``connection.user_id`` (if we know their
    address). A failed email does not undo the move: the account's owner proved control."""
    ensure_bound()
    try:
        address = User.get(previous_user, attributes_to_get=["email"]).email
    except DoesNotExist:
        address = None
    if not address:
        return
    platform_name = BY_NAME[connection.platform].display
    try:
        mail.send(
            "functions.connections",
            address,
            f"Your {platform_name} account was connected by someone else",
            "moved",
            {"platform_name": platform_name, "handle": connection.handle or "?"},
        )
    except Exception:
        logger.exception("could not send the moved-connection email")

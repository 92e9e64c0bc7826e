"""Emails about money leaving an account: every withdrawal and every change to the payout
account is told to the account's owner, so that a stolen account is noticed."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import mail
from functions.common.observability import make_logger
from functions.common.settings import settings
from functions.core import identity
from functions.core.models import User

logger = make_logger("payments")


def tell(user_id: str, template: str, subject: str, **context: Any) -> bool:
    """Sends ``template`` to the user's address (the one they sign in with); False when
    there is none."""
    try:
        email = User.get(user_id).email or identity.email_of(user_id)
    except DoesNotExist:
        email = identity.email_of(user_id)
    if not email:
        logger.info("no address for a money notice", extra={"template": template})
        return False
    return tell_address(email, template, subject, **context)


def tell_address(email: str, template: str, subject: str, **context: Any) -> bool:
    mail.send(
        "functions.payments",
        email,
        subject,
        template,
        {"site": settings().public_url, "subject": subject, **context},
    )
    return True

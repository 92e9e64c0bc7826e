"""A person's profile row, created with the defaults on first use (by whichever domain
meets them first: the dashboard, or turning on two-step sign-in)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from functions.common import clock, currencies
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound
from functions.core.models import SentMail, User


def load_user(user_id: str, email: str | None = None, currency: str | None = None) -> User:
    """The user's profile, created with the defaults on first use (in ``currency``, the
    one their browser suggests, if given; else the books' first)."""
    ensure_bound()
    try:
        return User.get(user_id)
    except DoesNotExist:
        chosen = currencies.of(currency)
        user = User(
            user_id,
            email=email or None,
            time_zone="UTC",
            currency=chosen,
            monthly_budget=currencies.scaled(settings().default_monthly_budget_micros, chosen),
            created_at=clock.now(),
        )
        try:
            user.save(condition=User.user_id.does_not_exist())
        except PutError as error:
            if not condition_failed(error):
                raise
            return User.get(user_id)  # a concurrent first request created it: the same
        return user


def mark_sent(kind: str, month: str, user_id: str) -> bool:
    """True the first time ``kind`` of mail is marked for this month and user: send it then.
    (Marked before sending: a crash in between loses one email rather than sending two.)"""
    try:
        SentMail(f"{kind}#{month}#{user_id}", expires_at=clock.now() + timedelta(days=400)).save(
            condition=SentMail.key.does_not_exist()
        )
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True


def currency_of(user_id: str) -> str:
    """The currency ``user_id`` gives in (their budget, balance, pledges and pay-ins), and
    their earnings' own currency: theirs, or the books' first for one who never chose."""
    ensure_bound()
    try:
        user = User.get(user_id, attributes_to_get=["user_id", "currency"])
    except DoesNotExist:
        return currencies.of(None)
    return currencies.of(user.currency)


def hold_currency(user_id: str, until: datetime) -> None:
    """A payment in the user's currency may still complete until ``until`` (a Checkout
    Session's life, a debit's settling): their currency may not change before then (the
    payments domain says so; the profile reads it). Only ever moved later."""
    ensure_bound()
    try:
        User(user_id).update(
            actions=[User.currency_held_until.set(until)],
            condition=User.user_id.exists()
            & (User.currency_held_until.does_not_exist() | (User.currency_held_until < until)),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise

"""A contributor's profile: time zone, monthly budget and email, created with the
defaults on first use."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.expressions.update import Action

from functions.common import clock
from functions.common.errors import Invalid
from functions.common.models import User
from functions.common.money import money
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound


@cache
def iana_zones() -> frozenset[str]:
    """The IANA time zone names (``Area/Location`` and ``UTC``), not the files beside them
    in a zone directory (``localtime``, ``posixrules``, ``Factory``)."""
    return frozenset(available_timezones()) - {"localtime", "posixrules", "Factory"}


def load_user(user_id: str, email: str | None = None) -> User:
    """The user's profile, created with the defaults on first use."""
    ensure_bound()
    try:
        return User.get(user_id)
    except DoesNotExist:
        user = User(
            user_id,
            email=email or None,
            time_zone="UTC",
            monthly_budget=settings().default_monthly_budget_micros,
            created_at=clock.now(),
        )
        try:
            user.save(condition=User.user_id.does_not_exist())
        except PutError as error:
            if not condition_failed(error):
                raise
            return User.get(user_id)  # a concurrent first request created it: the same
        return user


def change(user: User, *, budget: int | None, time_zone: str | None, email: str | None) -> User:
    """Change what is given (a budget no lower than the minimum)."""
    actions: list[Action] = []
    if budget is not None:
        minimum = settings().min_monthly_budget_micros
        if budget < minimum:
            raise Invalid(
                f"must be at least {money(minimum)['amount']} EUR",
                field="body.monthly_budget.amount",
                slug="validation-error",
            )
        actions.append(User.monthly_budget.set(budget))
    if time_zone is not None:
        actions.append(User.time_zone.set(time_zone))
    if email is not None:
        actions.append(User.email.set(email))
    if actions:
        user.update(actions=actions)
    return user

"""A contributor's profile: time zone, monthly budget and email, created with the
defaults on first use."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from pynamodb.expressions.update import Action

from functions.common.errors import Invalid
from functions.common.money import money
from functions.common.settings import settings
from functions.core.models import User


@cache
def iana_zones() -> frozenset[str]:
    """The IANA time zone names (``Area/Location`` and ``UTC``), not the files beside them
    in a zone directory (``localtime``, ``posixrules``, ``Factory``)."""
    return frozenset(available_timezones()) - {"localtime", "posixrules", "Factory"}


def change(
    user: User,
    *,
    budget: int | None,
    time_zone: str | None,
    email: str | None,
    money_emails: bool | None = None,
) -> User:
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
    if money_emails is not None:
        actions.append(User.money_emails.set(money_emails))
    if actions:
        user.update(actions=actions)
    return user

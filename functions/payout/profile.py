"""A person's profile: time zone, monthly budget and email (created with the defaults on
first use), and a creator's public page: username, name, description, income, goal."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from pynamodb.expressions.update import Action

from functions.common.errors import Invalid
from functions.common.money import money
from functions.common.settings import settings
from functions.core import profiles
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


def change_public(
    user: User,
    *,
    username: str | None,
    display_name: str | None,
    description: str | None,
    public_income: bool | None,
    goal: int | None,
) -> User:
    """Change the public page: the username through ``core.profiles`` (unique, kept a year
    after release); an empty name or description removes it; a goal of 0 removes it."""
    if username is not None:
        profiles.take(user, username)
    actions: list[Action] = []
    for attribute, value in ((User.display_name, display_name), (User.description, description)):
        if value is not None:
            text = value.strip()
            actions.append(attribute.set(text) if text else attribute.remove())
    if public_income is not None:
        actions.append(User.public_income.set(public_income))
    if goal is not None:
        actions.append(User.goal.set(goal) if goal > 0 else User.goal.remove())
    if actions:
        user.update(actions=actions)
    return user

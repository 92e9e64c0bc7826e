"""A person's profile: time zone, monthly budget and email (created with the defaults on
first use), and a creator's public page: username, name, description, income, goal."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from pynamodb.expressions.update import Action

from functions.common import clock, currencies
from functions.common.errors import Conflict, Invalid
from functions.common.money import people_money
from functions.common.settings import settings
from functions.core import ledger, profiles
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
    public: PublicChange | None = None,
    currency: str | None = None,
) -> User:
    """Change what is given (a budget no lower than the minimum, in ``currency`` if it
    changes) and, with ``public``, the public page: one write of the user item (the
    username's own table aside)."""
    actions: list[Action] = []
    if currency is not None and currency != currencies.of(user.currency):
        actions += _new_currency(user, currency, budget)
    currency = currency or currencies.of(user.currency)
    if budget is not None:
        minimum = currencies.scaled(settings().min_monthly_budget_micros, currency)
        if budget < minimum:
            raise Invalid(
                f"must be at least {people_money(minimum, currency)}",
                field="body.monthly_budget.amount",
                slug="validation-error",
            )
        _covers_pledges(user.user_id, budget, currency)
        actions.append(User.monthly_budget.set(budget))
    if time_zone is not None:
        actions.append(User.time_zone.set(time_zone))
    if email is not None:
        actions.append(User.email.set(email))
    if money_emails is not None:
        actions.append(User.money_emails.set(money_emails))
    if public is not None:
        actions += _public_actions(user, public)
    if actions:
        user.update(actions=actions)
    return user


@dataclass(frozen=True)
class PublicChange:
    """The public page's fields as asked (None: unchanged)."""

    username: str | None = None
    display_name: str | None = None
    description: str | None = None
    public_income: bool | None = None
    goal: int | None = None


def _public_actions(user: User, change: PublicChange) -> list[Action]:
    """The username through ``core.profiles`` (unique, kept a year after release), then
    what changes on the user item: an empty name or description removes it; a goal of 0
    removes it."""
    if change.username is not None:
        profiles.take(user, change.username)
    actions: list[Action] = []
    for attribute, value in (
        (User.display_name, change.display_name),
        (User.description, change.description),
    ):
        if value is not None:
            text = value.strip()
            actions.append(attribute.set(text) if text else attribute.remove())
    if change.public_income is not None:
        actions.append(User.public_income.set(change.public_income))
    if change.goal is not None:
        actions.append(User.goal.set(change.goal) if change.goal > 0 else User.goal.remove())
    return actions


def _new_currency(user: User, currency: str, budget: int | None) -> list[Action]:
    """A contributor changes currency only with nothing in the old one to carry over: no
    balance, no pledge, no payment that may still complete (``users.hold_currency``).
    Amounts are never converted: the budget becomes the default in the new currency,
    unless one is given."""
    from functions.payout import pledges  # its own table: read only where a budget changes

    old = currencies.of(user.currency)
    if ledger.balance(ledger.contributor_account(user.user_id, old)) != 0:
        raise Conflict(
            f"your balance in {old} is not zero: spend it or have it refunded first",
            field="body.currency",
            slug="currency-in-use",
        )
    if pledges.mine(user.user_id):
        raise Conflict(
            "you give monthly in it: end your pledges first",
            field="body.currency",
            slug="currency-in-use",
        )
    held = user.currency_held_until
    if held is not None and held > clock.now():
        raise Conflict(
            f"a payment in {old} may still complete: try again after {clock.rfc3339(held)}",
            field="body.currency",
            slug="currency-in-use",
        )
    default = currencies.scaled(settings().default_monthly_budget_micros, currency)
    chosen: list[Action] = [User.currency.set(currency)]
    return chosen if budget is not None else [*chosen, User.monthly_budget.set(default)]


def _covers_pledges(user_id: str, budget: int, currency: str) -> None:
    """Pledges are part of the budget (``rules.md``): it may not go below their total."""
    from functions.payout import pledges  # its own table: read only where a budget changes

    pledged = sum(int(p.amount) for p in pledges.mine(user_id))
    if budget < pledged:
        raise Invalid(
            f"must cover your pledges: at least {people_money(pledged, currency)}",
            field="body.monthly_budget.amount",
            slug="validation-error",
        )

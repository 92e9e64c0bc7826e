"""``GET``/``PATCH /v1/me``: a contributor's time zone, monthly budget and email."""

from __future__ import annotations

from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from functions.common import clock
from functions.common.api import current_user_id, jwt_claims
from functions.common.errors import bad_field
from functions.common.models import User
from functions.common.money import Money, money
from functions.common.settings import settings
from functions.common.storage import ensure_bound

router = Router()


class MoneyOut(BaseModel):
    amount: str
    currency: str


class Profile(BaseModel):
    user_id: str
    email: str | None
    time_zone: str
    monthly_budget: MoneyOut


class ProfileChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    time_zone: Annotated[str | None, Field(max_length=64)] = None
    monthly_budget: Money | None = None
    email: EmailStr | None = None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value not in iana_zones():
            raise ValueError("not an IANA time zone name, like Europe/Berlin")
        return value


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
        user.save(condition=User.user_id.does_not_exist())
        return user


def _claim_email() -> str | None:
    email = jwt_claims(router).get("email")
    return str(email) if email else None


def _profile(user: User) -> Profile:
    return Profile(
        user_id=user.user_id,
        email=user.email or None,
        time_zone=user.time_zone,
        monthly_budget=MoneyOut(**money(int(user.monthly_budget))),
    )


@router.get("/v1/me")
def get_me() -> Profile:
    return _profile(load_user(current_user_id(router), _claim_email()))


@router.patch("/v1/me")
def patch_me(change: Annotated[ProfileChange, Body()]) -> Profile:
    user = load_user(current_user_id(router), _claim_email())
    actions: list[Action] = []
    if change.monthly_budget is not None:
        budget = change.monthly_budget.micros
        if budget < settings().min_monthly_budget_micros:
            raise bad_field(
                422,
                "body.monthly_budget.amount",
                f"must be at least {money(settings().min_monthly_budget_micros)['amount']} EUR",
                slug="validation-error",
            )
        actions.append(User.monthly_budget.set(budget))
    if change.time_zone is not None:
        actions.append(User.time_zone.set(change.time_zone))
    if change.email is not None:
        actions.append(User.email.set(str(change.email)))
    if actions:
        user.update(actions=actions)
    return _profile(user)

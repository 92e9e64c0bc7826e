"""Money as integer micro-units of its currency (``currencies``). No floats anywhere on a
money path."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from functions.common.currencies import CODES, known
from functions.common.errors import Invalid

MICRO = 1_000_000
MICROS_PER_CENT = MICRO // 100  # payment providers charge in cents
_AMOUNT = re.compile(r"^(0|[1-9][0-9]{0,12})(\.[0-9]{1,6})?$")  # ASCII digits only


def format_amount(micros: int) -> str:
    """``1234567`` -> ``"1.234567"``; negative amounts keep their sign."""
    sign = "-" if micros < 0 else ""
    whole, frac = divmod(abs(micros), MICRO)
    return f"{sign}{whole}.{frac:06d}"


def format_for_people(micros: int) -> str:
    """For emails and pages: at least two decimals, no trailing zeros beyond them
    (``9000000`` -> ``"9.00"``, ``1285714`` -> ``"1.285714"``). Exact, never rounded."""
    text = format_amount(micros)
    whole, frac = text.split(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def format_cents(cents: int) -> str:
    """Whole cents, as payment providers charge them: ``1234`` -> ``"12.34"``."""
    return f"{cents // 100}.{cents % 100:02d}"


def format_cents_of(micros: int) -> str:
    """The whole cents of an amount (rounded down), for people: ``1289999`` -> ``"1.28"``."""
    return format_cents(micros // MICROS_PER_CENT)


def parse_amount(text: str) -> int:
    """``"1.5"`` -> ``1500000``. Only non-negative decimals with at most 6 places."""
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError("amount must be a decimal string with at most 6 decimal places")
    whole, frac = match.group(1), (match.group(2) or ".")[1:]
    return int(whole) * MICRO + int(frac.ljust(6, "0"))


def money(micros: int, currency: str) -> dict[str, str]:
    return {"amount": format_amount(micros), "currency": currency}


def _no_float(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValueError("amount must be a decimal string, not a number")
    return value


class Money(BaseModel):
    """Money in a request body: ``{"amount": "2.00", "currency": "USD"}``. Without a
    currency it is in the one it must be in (the person's own: ``amount_in``), which a
    currency given must be."""

    model_config = ConfigDict(extra="ignore")

    amount: Annotated[str, BeforeValidator(_no_float), Field(pattern=_AMOUNT.pattern)]
    currency: str | None = None

    @field_validator("currency")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and not known(value):
            raise ValueError(f"currency must be one of {', '.join(CODES)}")
        return value

    @property
    def micros(self) -> int:
        return parse_amount(self.amount)


def amount_in(value: Money, currency: str, field: str) -> int:
    """``value``'s micro-units, if it is in ``currency`` (the one it must be in: a
    contributor's own, a withdrawal's); else the request breaks a rule, said on the field."""
    if value.currency not in (None, currency):
        raise Invalid(
            f"must be {currency}, the currency this amount is kept in",
            field=f"{field}.currency",
            slug="validation-error",
        )
    return value.micros


def people_money(micros: int, currency: str) -> str:
    """An amount for a sentence: ``"2.00 USD"``."""
    return f"{format_for_people(micros)} {currency}"

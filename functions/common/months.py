"""Month arithmetic on ``YYYY-MM`` strings (UTC calendar months)."""

from __future__ import annotations

from datetime import UTC, datetime


def month_of(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m")


def add_months(month: str, count: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(at: datetime) -> str:
    return add_months(month_of(at), -1)


ESCROW_MONTHS = 7  # escrow of month M expires at 00:00 UTC on the first day of M+7


def escrow_expiry_month(month: str) -> str:
    """Escrow of month M expires at 00:00 UTC on the first day of M+7."""
    return add_months(month, ESCROW_MONTHS)


def start_of(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=UTC)

"""When a recipient with money waiting gets an email: pure rules, tested at their bounds.

First notice when it qualifies; a reminder 30 days after the first; a last notice from 14
days before its oldest escrow expires; never two within 14 days, to a recipient or to an
address; nothing, ever, after an unsubscribe, a hard bounce or a complaint.

Days are counted in whole UTC days: the daily job fires at about the same time each day,
and a few seconds of jitter must not move a reminder to the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from functions.common.money import MICRO

Notice = Literal["first", "reminder", "last"]
MIN_AMOUNT = MICRO  # 1 (SEK 10: ``currencies.scaled``)
REMINDER_AFTER = timedelta(days=30)
LAST_BEFORE_EXPIRY = timedelta(days=14)
MIN_GAP = timedelta(days=14)


@dataclass(frozen=True)
class History:
    first_sent_at: datetime | None = None
    last_sent_at: datetime | None = None
    notices: int = 0
    last_notice_sent: bool = False
    suppressed: bool = False


def next_notice(
    history: History,
    amount: int,
    oldest_expiry: datetime | None,
    now: datetime,
    least: int = MIN_AMOUNT,
) -> Notice | None:
    """``least``: the minimum in the amount's currency (``MIN_AMOUNT`` scaled to it)."""
    if history.suppressed or amount < least or oldest_expiry is None:
        return None
    if now >= oldest_expiry:
        return None  # it has gone back to its givers
    today = now.date()
    if history.last_sent_at is not None and today - history.last_sent_at.date() < MIN_GAP:
        return None
    if history.notices == 0:
        return "first"
    if not history.last_notice_sent and today >= (oldest_expiry - LAST_BEFORE_EXPIRY).date():
        return "last"
    if (
        history.notices == 1
        and history.first_sent_at is not None
        and today >= (history.first_sent_at + REMINDER_AFTER).date()
    ):
        return "reminder"
    return None


def address_may_write(last_sent_at: datetime | None, now: datetime) -> bool:
    """An address gets at most one email per ``MIN_GAP``, whatever it lists (many
    recipients may lead to one address)."""
    return last_sent_at is None or now.date() - last_sent_at.date() >= MIN_GAP

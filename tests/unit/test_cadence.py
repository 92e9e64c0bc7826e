"""The unclaimed-flattrs email cadence at its boundaries: first notice, the reminder at
30 days, the last notice 14 days before expiry, never two within 14 days, and nothing
after a suppression or below EUR 1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.claim.cadence import History, address_may_write, next_notice

EUR = 1_000_000
NOW = datetime(2031, 7, 2, 9, tzinfo=UTC)
EXPIRY = datetime(2032, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def sent_once(at: datetime) -> History:
    return History(first_sent_at=at, last_sent_at=at, notices=1)


def test_first_notice_when_it_qualifies():
    assert next_notice(History(), EUR, EXPIRY, NOW) == "first"


@pytest.mark.parametrize(("amount", "expected"), [(EUR - 1, None), (EUR, "first")])
def test_it_qualifies_from_one_euro(amount, expected):
    assert next_notice(History(), amount, EXPIRY, NOW) == expected


def test_the_reminder_comes_on_the_thirtieth_day_not_a_day_earlier():
    history = sent_once(NOW)
    day_29_end = (NOW + 30 * DAY).replace(hour=0) - SECOND
    assert next_notice(history, EUR, EXPIRY, day_29_end) is None
    # the thirtieth day, even if the job fires a little earlier in the day than last time
    assert next_notice(history, EUR, EXPIRY, NOW + 30 * DAY - 2 * SECOND) == "reminder"


def test_no_second_reminder():
    history = History(first_sent_at=NOW, last_sent_at=NOW + 30 * DAY, notices=2)
    assert next_notice(history, EUR, EXPIRY, NOW + 60 * DAY) is None


def test_the_last_notice_from_fourteen_days_before_expiry():
    history = History(first_sent_at=NOW, last_sent_at=NOW + 30 * DAY, notices=2)
    assert next_notice(history, EUR, EXPIRY, EXPIRY - 14 * DAY - SECOND) is None
    assert next_notice(history, EUR, EXPIRY, EXPIRY - 14 * DAY) == "last"
    done = History(
        first_sent_at=NOW, last_sent_at=EXPIRY - 14 * DAY, notices=3, last_notice_sent=True
    )
    assert next_notice(done, EUR, EXPIRY, EXPIRY - SECOND) is None


def test_never_two_within_fourteen_days_even_for_the_last_notice():
    late_first = sent_once(EXPIRY - 20 * DAY + 9 * 3600 * SECOND)  # 12 December, 09:00
    assert next_notice(late_first, EUR, EXPIRY, EXPIRY - 14 * DAY) is None  # only 6 days
    assert next_notice(late_first, EUR, EXPIRY, EXPIRY - 6 * DAY - SECOND) is None  # 25 Dec
    assert next_notice(late_first, EUR, EXPIRY, EXPIRY - 6 * DAY) == "last"  # 26 December


def test_a_first_notice_close_to_expiry_is_still_a_first():
    assert next_notice(History(), EUR, EXPIRY, EXPIRY - 3 * DAY) == "first"


def test_nothing_after_expiry_or_a_suppression():
    assert next_notice(History(), EUR, EXPIRY, EXPIRY) is None
    assert next_notice(History(suppressed=True), 50 * EUR, EXPIRY, NOW) is None
    assert next_notice(History(), EUR, None, NOW) is None


def test_an_address_gets_one_email_per_fourteen_days():
    sent = datetime(2031, 7, 2, 23, 59, tzinfo=UTC)
    assert address_may_write(None, sent)
    assert not address_may_write(sent, sent + timedelta(days=13))
    assert address_may_write(sent, datetime(2031, 7, 16, 0, 1, tzinfo=UTC))  # whole UTC days

"""``storage.batch_get_many``: items of several tables in one BatchGetItem."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.common import storage
from functions.core.models import User
from functions.core.ownership.models import LookupAnswer
from functions.track.models import PageDay
from tests.integration.track_helpers import dynamodb_calls


@pytest.fixture
def stored(aws):
    now = datetime(2031, 6, 10, tzinfo=UTC)
    storage.ensure_bound()
    for n in range(150):
        PageDay("reader", f"att#2031-06-10#{n}", seconds=n, expires_at=now).save()
    LookupAnswer("answer#1", "-", recipient="web:a.example", answered_at=now, expires_at=now).save()
    User("reader", created_at=now).save()
    return now


def test_several_tables_are_read_in_one_request_and_missing_keys_left_out(stored):
    with dynamodb_calls() as counts:
        days, answers = storage.batch_get_many(
            (PageDay, [("reader", "att#2031-06-10#1"), ("reader", "att#none")]),
            (LookupAnswer, [("answer#1", "-"), ("answer#2", "-")]),
        )
    assert counts["BatchGetItem"] == 1
    assert [(d.item_key, d.seconds) for d in days] == [("att#2031-06-10#1", 1)]
    assert [a.recipient for a in answers] == ["web:a.example"]
    assert all(isinstance(a, LookupAnswer) for a in answers)


def test_more_keys_than_one_request_takes_are_read_in_several(stored):
    keys = [("reader", f"att#2031-06-10#{n}") for n in range(150)]
    with dynamodb_calls() as counts:
        (days, users) = storage.batch_get_many((PageDay, keys), (User, ["reader"]))
    assert counts["BatchGetItem"] == 2
    assert sorted(int(d.seconds) for d in days) == list(range(150))
    assert [u.user_id for u in users] == ["reader"]


def test_two_models_of_one_table_are_refused(stored):
    from functions.track.models import ContributorDay

    with pytest.raises(ValueError, match="one model a table"):
        storage.batch_get_many((PageDay, []), (ContributorDay, []))


def test_keys_left_unprocessed_are_asked_again_after_a_pause(stored, monkeypatch):
    connection = storage.transaction_connection()
    real = connection.dispatch
    answers = []

    def busy_once(operation, kwargs):
        answer = real(operation, kwargs)
        if not answers:  # DynamoDB read nothing this time: every key comes back unprocessed
            answer = {"Responses": {}, "UnprocessedKeys": kwargs["RequestItems"]}
        answers.append(answer)
        return answer

    pauses: list[float] = []
    monkeypatch.setattr(connection, "dispatch", busy_once)
    monkeypatch.setattr(storage.time, "sleep", pauses.append)
    (days,) = storage.batch_get_many((PageDay, [("reader", "att#2031-06-10#7")]))
    assert [d.seconds for d in days] == [7]
    assert len(answers) == 2 and pauses == [0.025]

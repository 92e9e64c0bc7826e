"""A statement's held part says what became of its recipient since the split (issue 31,
item 1: "a statement's held part whose recipient was later claimed or declined says so"):
``claimed_at`` once its creator claimed the money, ``declined_at`` once they refused it."""

from __future__ import annotations

from functions.common import clock
from tests.conftest import call
from tests.integration.claim_helpers import connect, escrow_for
from tests.integration.payout_helpers import JUNE, run_job

OCTO = "github:octocat"


def june_part(user: str) -> dict:
    statement = call("GET", "/v1/me/statements", user=user, query="month=2031-06").json
    (part,) = [p for p in statement["parts"] if p["recipient"]["key"] == OCTO]
    return part


def test_a_held_part_says_when_its_recipient_was_claimed_since(aws):
    escrow_for(OCTO, ("ada", 2))
    before = june_part("ada")
    assert before["held"] is True and before["recipient"]["claimed"] is False
    assert before["claimed_at"] is None and before["declined_at"] is None
    connect("creator", "github", "583231", "octocat")
    assert call("POST", "/v1/claims", body={"recipient": OCTO}, user="creator").status == 200
    after = june_part("ada")
    assert after["held"] is True  # held when the month was split: that stays true
    assert after["claimed_at"] is not None and after["declined_at"] is None
    assert after["recipient"]["claimed"] is True  # as the recipient is now


def test_a_held_part_says_when_its_recipient_was_declined_since(aws):
    escrow_for(OCTO, ("ada", 2))
    connect("creator", "github", "583231", "octocat")
    assert call("POST", "/v1/declines", body={"recipient": OCTO}, user="creator").status == 200
    after = june_part("ada")
    assert after["declined_at"] is not None and after["claimed_at"] is None
    assert after["recipient"]["claimed"] is False


def test_a_held_part_says_when_its_escrow_expired_back_to_the_giver(aws):
    """Issue 31, item 1, "after every event: ... an expiry": nobody claimed it by 1 January,
    so June's money went back to ada; June's statement says so, not "waits"."""
    escrow_for(OCTO, ("ada", 2))
    clock.move_to(JUNE.replace(year=2032, month=1, day=1, hour=3))
    assert run_job("expire-escrow")["expired"] == 1
    part = june_part("ada")
    assert part["held"] is True and part["expired_at"] == "2032-01-01T03:00:00Z"
    assert part["claimed_at"] is None and part["declined_at"] is None


def test_a_held_part_still_waiting_says_none_of_it(aws):
    escrow_for(OCTO, ("ada", 2))
    part = june_part("ada")
    assert (part["claimed_at"], part["declined_at"], part["expired_at"]) == (None, None, None)

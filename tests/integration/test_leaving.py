"""Deleting an account with money in it: the unspent balance goes back to its payment
methods, earnings to the payout account (after a recent TOTP sign-in), the monthly top-up
and the Stripe customer go; what cannot leave is kept and the person is told. The export
shows the money through Stripe first."""

from __future__ import annotations

import uuid

from functions.common import clock
from functions.core import ledger
from tests.conftest import call
from tests.integration.claim_helpers import outbox
from tests.integration.deletion_helpers import finish_deletions
from tests.integration.identity_helpers import person
from tests.integration.payout_helpers import assert_ledger_checks
from tests.integration.stripe_helpers import Stripe
from tests.integration.test_payouts import earning_creator, onboarded, strong, withdraw


def test_a_contributors_unspent_money_goes_back_when_they_leave(stripe: Stripe) -> None:
    ada = person("ada@example.org")
    started = ada.call(
        "POST",
        "/v1/payins",
        {"amount": {"amount": "12.00"}, "method": "card"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    stripe.pay(started.json["checkout_url"])
    saved = ada.call(
        "POST", "/v1/payins/monthly", {"method": "card"}, headers={"Idempotency-Key": "k-12345678"}
    )
    stripe.pay(saved.json["checkout_url"])
    exported = ada.call("GET", "/v1/me/export").json["payments"]
    assert [p["state"] for p in exported["payins"]] == ["succeeded"]
    assert exported["monthly_top_up"]["state"] == "active"
    assert ada.call("DELETE", "/v1/me").status == 204
    finish_deletions()
    (given_back,) = stripe.fake.refunds
    assert given_back["amount"] == 1200
    assert ledger.balance(ledger.contributor_account(ada.user_id, "EUR")) == 0
    assert not stripe.fake.customers  # deleted at Stripe, with its saved card
    assert not [m for m in outbox("ada@example.org") if "kept" in m["subject"]]
    assert_ledger_checks()


def test_a_creator_with_a_recent_totp_sign_in_leaves_with_their_earnings(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    earned = ledger.balance(ledger.creator_account(bea.user_id, "EUR"))
    assert bea.call("DELETE", "/v1/me").status == 204
    finish_deletions()
    (transfer,) = stripe.fake.transfers.values()
    assert transfer["amount"] == earned // 10_000
    assert (
        ledger.balance(ledger.creator_account(bea.user_id, "EUR")) < 10_000
    )  # a fraction of a cent
    assert_ledger_checks()


def test_what_cannot_leave_is_kept_and_the_person_is_told(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    assert withdraw(bea, "10.00").status == 201
    clock.advance(11 * 60)  # no longer a recent sign-in: the rest cannot be withdrawn
    left = ledger.balance(ledger.creator_account(bea.user_id, "EUR")) // 10_000
    assert bea.call("DELETE", "/v1/me").status == 204
    finish_deletions()
    assert len(stripe.fake.transfers) == 1
    (mail,) = [m for m in outbox("bea@example.org") if "kept" in m["subject"]]
    assert f"{left // 100}.{left % 100:02d} EUR" in mail["text"] and bea.user_id in mail["text"]
    assert call("GET", "/v1/me/export", user=bea.user_id).status in (401, 410)
    assert_ledger_checks()

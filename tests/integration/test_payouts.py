"""Creators' money out: a Stripe Connect Express payout account, onboarded on Stripe's
pages, and withdrawals as transfers from the platform balance; against the fake Stripe
(``local/fake_connect.py``) with the real SDK and our verified webhook. Earnings come from
the real split. ``flattr ledger check`` after each."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from functions.common import clock
from functions.core import ledger
from functions.core.models import User
from functions.payments.models import Withdrawal
from tests.integration.claim_helpers import outbox, split_june
from tests.integration.identity_helpers import Person, person
from tests.integration.payout_helpers import assert_ledger_checks, claim
from tests.integration.stripe_helpers import Stripe

BLOG = "web:blog.example.org"


def earning_creator(stripe: Stripe) -> Person:
    """A creator whose blog three contributors flattred in June, after the split."""
    bea = person("bea@example.org")
    User(bea.user_id, email="bea@example.org", created_at=clock.now()).save()
    claim(BLOG, bea.user_id)
    split_june(("carl", BLOG, 3), ("dina", BLOG, 2), ("emil", BLOG, 4))
    return bea


def strong(someone: Person) -> Person:
    """TOTP on, then a sign-in with it: allowed to move money out for ten minutes."""
    someone.turn_on_totp()
    clock.advance(1)
    return someone.sign_in()


def onboarded(stripe: Stripe, someone: Person) -> str:
    started = someone.call("POST", "/v1/payouts/account", {}, headers=_key())
    assert started.status == 201, started.raw
    link = started.json["onboarding_url"].rsplit("/", 1)[1]
    status, headers, _ = stripe.fake.handle("POST", f"/_fake/stripe/connect/{link}", "", {}, b"")
    assert status == 303 and headers["Location"].endswith("/money?payout=return")
    return str(next(iter(stripe.fake.accounts)))


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def earnings(user_id: str) -> int:
    return ledger.balance(ledger.creator_account(user_id, "EUR"))


def withdraw(someone: Person, amount: str | None = None, key: str | None = None) -> Any:
    body = {"amount": {"amount": amount, "currency": "EUR"}} if amount else {}
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return someone.call("POST", "/v1/withdrawals", body, headers=headers)


def test_a_creator_onboards_and_withdraws_all_their_earnings(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    before = bea.call("GET", "/v1/payouts/account").json
    assert before["status"] == "none" and before["earnings"]["amount"] != "0.00"
    account = onboarded(stripe, bea)
    # account.updated came back signed through our webhook and its queue.
    shown = bea.call("GET", "/v1/payouts/account").json
    assert shown["status"] == "ready" and shown["requirements_due"] == []
    earned = earnings(bea.user_id)
    done = withdraw(bea)
    assert done.status == 201, done.raw
    assert done.json["state"] == "paid"
    cents = earned // 10_000
    assert done.json["amount"]["amount"] == f"{cents // 100}.{cents % 100:02d}"
    (transfer,) = stripe.fake.transfers.values()
    assert transfer["destination"] == account and transfer["amount"] == cents
    assert earnings(bea.user_id) == earned - cents * 10_000  # sub-cent micro-units stay
    assert ledger.balance(ledger.PAID_OUT) == cents * 10_000
    listed = bea.call("GET", "/v1/withdrawals").json["items"]
    assert [w["state"] for w in listed] == ["paid"]
    assert [h.split("@")[0] for h in listed[0]["history"]] == ["pre", "in_transit", "paid"]
    subjects = [m["subject"] for m in outbox("bea@example.org")]
    assert "Your Flattr earnings were withdrawn" in subjects
    assert "Your Flattr payout account is being changed" in subjects
    assert_ledger_checks()


def test_money_leaves_only_after_a_recent_sign_in_with_totp(stripe: Stripe) -> None:
    bea = earning_creator(stripe)
    refused = bea.call("POST", "/v1/payouts/account", {}, headers=_key())
    assert refused.status == 403 and refused.json["type"] == "/problems/totp-required"
    strong(bea)
    onboarded(stripe, bea)
    clock.advance(11 * 60)  # the sign-in is old now
    late = withdraw(bea)
    assert late.status == 403 and late.json["type"] == "/problems/recent-sign-in-required"
    assert ledger.balance(ledger.PAID_OUT) == 0 and not stripe.fake.transfers
    bea.sign_in()
    assert withdraw(bea).status == 201
    assert_ledger_checks()


def test_no_withdrawal_before_the_account_is_ready_or_below_the_minimum(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    early = withdraw(bea)
    assert early.status == 409 and early.json["type"] == "/problems/payout-account-not-ready"
    bea.call("POST", "/v1/payouts/account", {}, headers=_key())  # link made, not followed
    assert bea.call("GET", "/v1/payouts/account").json["status"] == "onboarding"
    assert withdraw(bea).status == 409
    onboarded(stripe, bea)
    small = withdraw(bea, "9.99")
    assert small.status == 422 and small.json["errors"][0]["field"] == "body.amount"
    too_much = withdraw(bea, "5000.00")
    assert too_much.status == 422
    assert not stripe.fake.transfers and ledger.balance(ledger.PAID_OUT) == 0
    assert_ledger_checks()


def test_a_refused_transfer_puts_the_earnings_back(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    earned = earnings(bea.user_id)
    stripe.fake.failing_transfers = True
    refused = withdraw(bea)
    assert refused.status == 502, refused.raw
    assert earnings(bea.user_id) == earned
    (found,) = Withdrawal.scan()
    assert found.state == "failed" and found.failure == "balance_insufficient"
    assert "Your Flattr withdrawal could not be made" in [
        m["subject"] for m in outbox("bea@example.org")
    ]
    assert_ledger_checks()


def test_a_deauthorized_account_cannot_be_paid_until_connected_again(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    account = onboarded(stripe, bea)
    stripe.fake._control("deauthorize", {"account": account})
    assert bea.call("GET", "/v1/payouts/account").json["status"] == "disconnected"
    assert withdraw(bea).status == 409
    again = bea.call("POST", "/v1/payouts/account", {}, headers=_key())
    assert again.status == 201
    assert len(stripe.fake.accounts) == 2  # a new account; the old one is gone for us
    assert_ledger_checks()


def test_a_transfer_deauthorized_in_flight_comes_back(stripe: Stripe) -> None:
    """The creator disconnects us at Stripe before our webhook has told us: Stripe refuses
    the transfer, and the earnings are back."""
    bea = strong(earning_creator(stripe))
    account = onboarded(stripe, bea)
    earned = earnings(bea.user_id)
    stripe.fake.holding = True  # the deauthorization event is late
    stripe.fake._control("deauthorize", {"account": account})
    refused = withdraw(bea)
    assert refused.status == 502
    assert earnings(bea.user_id) == earned
    assert Withdrawal.scan().next().failure == "account_invalid"
    assert_ledger_checks()


def test_the_same_key_is_the_same_withdrawal_even_after_a_crash(
    stripe: Stripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.payments import withdrawals

    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    earned = earnings(bea.user_id)
    real = withdrawals._settle
    calls = {"n": 0}

    def crash_once(found: Withdrawal) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("crashed after Stripe made the transfer")
        real(found)

    monkeypatch.setattr(withdrawals, "_settle", crash_once)
    first = withdraw(bea, "10.00", key="withdraw-key-1")
    assert first.status == 500
    assert len(stripe.fake.transfers) == 1
    again = withdraw(bea, "10.00", key="withdraw-key-1")
    assert again.status == 201 and again.json["state"] == "paid"
    assert len(stripe.fake.transfers) == 1  # one transfer, whatever the retries
    assert earnings(bea.user_id) == earned - 10 * 1_000_000
    assert withdraw(bea, "11.00", key="withdraw-key-1").status == 409  # same key, other body
    assert_ledger_checks()


def test_a_reversed_transfer_brings_the_money_back_once(stripe: Stripe) -> None:
    bea = strong(earning_creator(stripe))
    onboarded(stripe, bea)
    earned = earnings(bea.user_id)
    withdraw(bea, "10.00")
    (transfer,) = stripe.fake.transfers
    stripe.fake._control("reverse_transfer", {"transfer": transfer})
    for event_id in [e for e, v in stripe.fake.events.items() if v["type"] == "transfer.reversed"]:
        stripe.fake._control("redeliver", {"event": event_id})
    assert earnings(bea.user_id) == earned
    assert ledger.balance(ledger.PAID_OUT) == 0
    (found,) = Withdrawal.scan()
    assert found.state == "reversed"
    assert_ledger_checks()

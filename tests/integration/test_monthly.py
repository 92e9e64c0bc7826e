"""Monthly top-ups: a card or SEPA mandate saved through Checkout in setup mode (the fake
Stripe's page), charged off-session by the daily job before the month ends when the
balance is short of the budget; a card that needs its holder waits and the contributor is
emailed a link to pay it through Checkout. ``flattr ledger check`` after each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.common import clock
from functions.core import ledger
from functions.payments.models import MonthlyTopUp, PayIn
from local.fake_stripe import card_fee
from local.gateway import invoke
from tests.conftest import call
from tests.integration.claim_helpers import outbox
from tests.integration.payout_helpers import EUR, add_user, assert_ledger_checks
from tests.integration.stripe_helpers import Stripe

JUNE_27 = datetime(2031, 6, 27, 6, 0, tzinfo=UTC)  # 3 days before June ends


def save(stripe: Stripe, choice: str = "succeeds", method: str = "card", user: str = "ada") -> Any:
    started = call(
        "POST",
        "/v1/payins/monthly",
        {"method": method},
        user=user,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert started.status == 201, started.raw
    assert started.json["state"] == "setting_up"
    assert stripe.pay(started.json["checkout_url"], choice) == 303
    return call("GET", "/v1/payins/monthly", user=user).json


def run_job() -> dict[str, Any]:
    result = invoke("payments", "job_handler", {"job": "monthly-top-up"})
    assert isinstance(result, dict)
    return result


def balance(user: str = "ada") -> int:
    return ledger.balance(ledger.contributor_account(user, "EUR"))


def test_a_saved_card_tops_up_what_the_budget_lacks_once_a_month(stripe: Stripe) -> None:
    clock.move_to(JUNE_27.replace(day=1))
    add_user("ada", budget=15 * EUR, paid_in=4 * EUR)
    shown = save(stripe)
    assert shown["state"] == "active" and shown["method"] == "card"
    assert shown["days_before_month_end"] == 3
    assert run_job()["skipped"] == 1  # too early in the month: the balance may still come
    clock.move_to(JUNE_27)
    assert run_job()["charged"] == 1
    assert balance() == 15 * EUR  # 11 EUR charged: what the 15 EUR budget lacked
    (payin,) = PayIn.scan()
    assert payin.kind == "monthly" and payin.state == "succeeded" and payin.amount_cents == 1100
    assert ledger.balance(ledger.PROVIDER_FEES) == card_fee(1100) * 10_000
    assert run_job() == {
        "job": "monthly-top-up",
        "charged": 0,
        "awaiting": 0,
        "skipped": 1,
        "failed": 0,
        "warned": 0,
    }
    assert len(PayIn.scan().next().history) == 2 and len(stripe.fake.intents) == 1
    assert_ledger_checks()


def test_nothing_is_charged_when_the_balance_covers_the_budget_and_at_least_the_minimum(
    stripe: Stripe,
) -> None:
    add_user("ada", budget=5 * EUR, paid_in=5 * EUR)
    add_user("bob", budget=5 * EUR, paid_in=4_500_000)  # 0.50 EUR short
    save(stripe, user="ada")
    save(stripe, user="bob")
    clock.move_to(JUNE_27)
    run_job()
    (charged,) = PayIn.scan()
    assert charged.user_id == "bob" and charged.amount_cents == 200  # the minimum top-up
    assert balance("ada") == 5 * EUR
    assert_ledger_checks()


def test_a_card_that_needs_its_holder_waits_and_is_paid_through_checkout(stripe: Stripe) -> None:
    add_user("ada", budget=10 * EUR)
    save(stripe, "authenticate")
    clock.move_to(JUNE_27)
    assert run_job()["awaiting"] == 1
    (payin,) = PayIn.scan()
    assert payin.state == "awaiting_payer_action" and balance() == 0
    (mail,) = [m for m in outbox("ada@example.org") if "needs you" in m["subject"]]
    assert f"/money?finish={payin.payin_id}" in mail["text"]
    assert "confirm it" in mail["text"]
    listed = call("GET", "/v1/payins", user="ada").json["items"][0]
    assert listed["state"] == "awaiting_payer_action"
    finished = call("POST", f"/v1/payins/{payin.payin_id}/checkout", user="ada")
    assert finished.status == 200, finished.raw
    assert call("POST", f"/v1/payins/{payin.payin_id}/checkout", user="bob").status == 404
    assert stripe.pay(finished.json["checkout_url"]) == 303
    assert PayIn.get(payin.payin_id).state == "succeeded"
    assert balance() == 10 * EUR
    # The first attempt's failure, delivered again late, changes nothing.
    for event_id, event in list(stripe.fake.events.items()):
        if event["type"] == "payment_intent.payment_failed":
            stripe.fake._control("redeliver", {"event": event_id})
    assert PayIn.get(payin.payin_id).state == "succeeded" and balance() == 10 * EUR
    again = call("POST", f"/v1/payins/{payin.payin_id}/checkout", user="ada")
    assert again.status == 409
    assert_ledger_checks()


def test_an_expired_card_waits_and_says_so(stripe: Stripe) -> None:
    add_user("ada", budget=10 * EUR)
    save(stripe, "expired")
    clock.move_to(JUNE_27)
    run_job()
    assert PayIn.scan().next().state == "awaiting_payer_action"
    (mail,) = [m for m in outbox("ada@example.org") if "needs you" in m["subject"]]
    assert "expired" in mail["text"]
    assert_ledger_checks()


def test_a_sepa_mandate_is_debited_ten_days_before_and_spendable_when_paid(
    stripe: Stripe,
) -> None:
    add_user("ada", budget=10 * EUR)
    assert save(stripe, "sepa_succeeds", method="sepa_debit")["days_before_month_end"] == 10
    clock.move_to(JUNE_27.replace(day=19))
    assert run_job()["skipped"] == 1
    clock.move_to(JUNE_27.replace(day=20))
    run_job()
    (payin,) = PayIn.scan()
    assert payin.state == "pending" and balance() == 0  # never spendable before it is paid
    clock.move_to(JUNE_27.replace(day=23, hour=7))
    assert stripe.fake.settle_due() == [payin.payment_intent]
    assert PayIn.get(payin.payin_id).state == "succeeded" and balance() == 10 * EUR
    assert_ledger_checks()


def test_a_crash_after_the_charge_is_mended_by_the_next_run_without_a_second_charge(
    stripe: Stripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.payments import payins

    add_user("ada", budget=10 * EUR)
    save(stripe)
    clock.move_to(JUNE_27)
    stripe.fake.holding = True  # and Stripe's events are late
    real = payins.sync

    def crash(*_: Any) -> str:
        raise RuntimeError("crashed after Stripe charged")

    monkeypatch.setattr(payins, "sync", crash)
    assert run_job()["failed"] == 1
    monkeypatch.setattr(payins, "sync", real)
    assert run_job()["charged"] == 1
    assert len(stripe.fake.intents) == 1 and balance() == 10 * EUR
    assert_ledger_checks()


def test_stopping_or_a_dispute_ends_the_monthly_top_up(stripe: Stripe) -> None:
    add_user("ada", budget=10 * EUR)
    save(stripe)
    (saved,) = stripe.fake.payment_methods.values()
    assert call("DELETE", "/v1/payins/monthly", user="ada").status == 204
    assert saved["customer"] is None  # detached at Stripe
    assert call("GET", "/v1/payins/monthly", user="ada").json["state"] == "stopped"
    clock.move_to(JUNE_27)
    assert run_job()["charged"] == 0

    add_user("bob", budget=10 * EUR)
    save(stripe, user="bob")
    run_job()
    (payin,) = PayIn.scan()
    stripe.fake._control("dispute", {"payment_intent": payin.payment_intent})
    found = MonthlyTopUp.get("bob")
    assert found.state == "stopped" and found.stopped_reason == "dispute"
    assert_ledger_checks()


def test_a_warning_before_the_month_ends_when_the_balance_is_short_and_no_top_up_is_set(
    stripe: Stripe,
) -> None:
    from tests.integration.payout_helpers import add_flattrs, add_pledge

    clock.move_to(JUNE_27.replace(day=20))
    add_user("ada", budget=10 * EUR, paid_in=3 * EUR)  # short, flattrs this month: warned
    add_user("bob", budget=10 * EUR, paid_in=3 * EUR)  # short, but gave no flattr this month
    add_user("cem", budget=10 * EUR, paid_in=3 * EUR)  # short, but opted out
    add_user("dan", budget=10 * EUR, paid_in=3 * EUR)  # short, but a monthly top-up is set
    add_user("eve", budget=10 * EUR, paid_in=3 * EUR)  # short, no flattr but a pledge: warned
    for user in ("ada", "cem", "dan"):
        add_flattrs(user, "web:blog.example.org", 1, at=JUNE_27.replace(day=20))
    add_pledge("eve", "github:octocat", 5 * EUR, at=JUNE_27.replace(day=20))
    call("PATCH", "/v1/me", {"money_emails": False}, user="cem")
    save(stripe, user="dan")
    assert run_job()["warned"] == 0  # ten days before: not yet
    clock.move_to(JUNE_27.replace(day=25))
    assert run_job()["warned"] == 2
    mail, pledger = sorted(
        (m for m in outbox() if "will not cover" in m["subject"]), key=lambda m: m["to"]
    )
    assert mail["to"] == ["ada@example.org"]
    assert "EUR 3.00" in mail["text"] and "EUR 10.00" in mail["text"]
    assert "give monthly" not in mail["text"]
    # Issue 35: the pledge the balance cannot cover is named before the split.
    assert pledger["to"] == ["eve@example.org"]
    assert "give monthly is paid first" in pledger["text"]
    assert "5.00 EUR to octocat" in pledger["text"]
    clock.move_to(JUNE_27.replace(day=26))
    assert run_job()["warned"] == 0  # once a month

"""Pay-ins through Stripe, against the local fake Stripe (``local/fake_stripe.py``) with the
real SDK: the SDK's HTTP requests are routed to the fake with ``responses``, and the fake's
events come back signed to our real webhook route, verified by the SDK's
``construct_event`` (never patched out). ``flattr ledger check`` after each.

What Stripe itself would answer was not checked against the live API (no network here):
the fake follows Stripe's documented shapes for the fields we read."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from functions.core import ledger
from functions.payments.models import PayIn
from local.fake_stripe import card_fee, sign
from tests.conftest import call
from tests.integration.payout_helpers import assert_ledger_checks
from tests.integration.stripe_helpers import API, Stripe, post_event


def top_up(amount: str = "10.00", key: str | None = None, user: str = "ada", method: str = "card"):
    return call(
        "POST",
        "/v1/payins",
        body={"amount": {"amount": amount, "currency": "EUR"}, "method": method},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
        user=user,
    )


def balance(user: str = "ada") -> int:
    return ledger.balance(ledger.contributor_account(user, "EUR"))


def test_a_card_top_up_becomes_spendable_when_stripe_says_it_succeeded(stripe):
    started = top_up("10.00")
    assert started.status == 201, started.raw
    assert started.json["state"] == "pre" and started.json["checkout_url"].startswith(API)
    assert balance() == 0  # nothing before the payment succeeds
    assert stripe.pay(started.json["checkout_url"]) == 303
    assert [a.status for a in stripe.answers] == [200, 200]  # session completed, intent succeeded
    assert balance() == 10_000_000  # the gross is the contributor's
    assert ledger.balance(ledger.PROVIDER_FEES) == card_fee(1000) * 10_000  # Stripe's fee: our cost
    (listed,) = call("GET", "/v1/payins", user="ada").json["items"]
    assert listed["state"] == "succeeded" and listed["fee"] == {"amount": "0.40", "currency": "EUR"}
    assert [h.split("@")[0] for h in listed["history"]] == ["pre", "succeeded"]
    assert listed["checkout_url"] is None
    assert_ledger_checks()


def test_a_declined_card_moves_no_money(stripe):
    started = top_up("5.00")
    stripe.pay(started.json["checkout_url"], "declined")
    assert balance() == 0
    assert PayIn.get(started.json["id"]).state == "failed"
    assert_ledger_checks()


def test_a_card_that_needs_its_holder_waits(stripe):
    started = top_up("5.00")
    stripe.pay(started.json["checkout_url"], "authenticate")
    assert PayIn.get(started.json["id"]).state == "awaiting_payer_action"
    assert balance() == 0


def test_the_same_webhook_twice_and_out_of_order_moves_the_money_once(stripe):
    stripe.fake.holding = True
    started = top_up("10.00")
    stripe.pay(started.json["checkout_url"])
    assert stripe.answers == [] and balance() == 0  # nothing arrived yet
    stripe.fake._control("release", {"order": "reversed"})
    for event_id in list(stripe.fake.events):
        stripe.fake._control("redeliver", {"event": event_id})
    assert [a.status for a in stripe.answers] == [200] * 4
    assert balance() == 10_000_000
    assert_ledger_checks()


def test_a_retry_with_the_same_key_is_the_same_pay_in_and_never_a_second_charge(stripe):
    key = str(uuid.uuid4())
    first = top_up("10.00", key)
    again = top_up("10.00", key)
    assert again.status == 201 and again.json["id"] == first.json["id"]
    assert again.json["checkout_url"] == first.json["checkout_url"]
    assert len(stripe.fake.sessions) == 1
    other = top_up("20.00", key)  # the same key for another request
    assert other.status == 409 and other.json["type"] == "/problems/idempotency-key-reused"


def test_a_crash_after_stripes_answer_is_finished_by_the_retry(stripe, monkeypatch):
    """Stripe made the session, then the Lambda died before writing it down: the retry
    asks Stripe again with the same key and gets the same session back."""
    key = str(uuid.uuid4())
    real_update = PayIn.update

    def die(self, *args, **kwargs):
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(PayIn, "update", die)
    assert top_up("10.00", key).status == 500  # what API Gateway answers a dead Lambda
    assert len(stripe.fake.sessions) == 1
    monkeypatch.setattr(PayIn, "update", real_update)
    again = top_up("10.00", key)
    assert again.status == 201 and len(stripe.fake.sessions) == 1
    stripe.pay(again.json["checkout_url"])
    assert balance() == 10_000_000
    assert_ledger_checks()


@pytest.mark.parametrize(
    "body", [{"amount": {"amount": "1.99"}}, {"amount": {"amount": "5"}, "method": "cash"}]
)
def test_too_small_or_unknown_top_ups_are_a_clear_4xx(stripe, body):
    answer = call(
        "POST", "/v1/payins", body=body, headers={"Idempotency-Key": "k" * 20}, user="ada"
    )
    assert answer.status in (400, 422), answer.raw
    assert answer.json["errors"][0]["field"] in ("body.amount", "body.method")
    assert stripe.fake.sessions == {}


def test_no_idempotency_key_is_a_400(stripe):
    answer = call("POST", "/v1/payins", body={"amount": {"amount": "5"}}, user="ada")
    assert answer.status in (400, 422)
    assert answer.json["errors"][0]["field"].lower() == "header.idempotency-key"


def test_bad_or_stale_signatures_are_refused_and_change_nothing(stripe):
    started = top_up("10.00")
    stripe.fake.holding = True
    stripe.pay(started.json["checkout_url"])
    event = stripe.fake.events[stripe.fake.held[-1]]
    payload = json.dumps(event).encode()
    for signature in (
        sign(payload, "whsec_wrong"),
        sign(payload, stripe.webhook_secret, at=int(time.time()) - 600),  # replayed later
        sign(payload, stripe.webhook_secret, at=int(time.time()) + 3600),  # made for later
        sign(payload, stripe.webhook_secret, at=int(time.time()) + 400),
        "t=1,v1=00",
    ):
        refused = post_event(payload, signature)
        assert refused.status == 400, refused.raw
        assert refused.json["errors"][0]["field"] == "header.Stripe-Signature"
    assert balance() == 0
    assert_ledger_checks()


def test_an_event_of_the_other_mode_is_refused(stripe):
    """Signed rightly, but a live-mode event reaching a test-mode deployment: refused."""
    started = top_up("10.00")
    stripe.fake.holding = True
    stripe.pay(started.json["checkout_url"])
    event = {**stripe.fake.events[stripe.fake.held[-1]], "livemode": True}
    payload = json.dumps(event).encode()
    refused = post_event(payload, sign(payload, stripe.webhook_secret))
    assert refused.status == 400, refused.raw
    assert refused.json["errors"][0]["field"] == "body.livemode"
    assert balance() == 0


def test_a_failing_event_is_retried_alone_and_unknown_types_are_counted(stripe):
    from local.gateway import invoke

    started = top_up("10.00")
    stripe.fake.holding = True
    stripe.pay(started.json["checkout_url"])
    succeeded = next(
        e for e in stripe.fake.events.values() if e["type"] == "payment_intent.succeeded"
    )
    unknown = {"id": "evt_x", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    broken = {
        "id": "evt_y",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_nope", "metadata": {"payin_id": "pay_nope"}}},
    }
    batch = {
        "Records": [
            {"messageId": "1", "body": json.dumps(succeeded)},
            {"messageId": "2", "body": json.dumps(unknown)},
            {
                "messageId": "3",
                "body": json.dumps(broken),
            },  # not ours: Stripe knows no such payment
        ]
    }
    summary = invoke("payments", "events_handler", batch)
    assert summary["batchItemFailures"] == [{"itemIdentifier": "3"}]
    assert (summary["handled"], summary["ignored"]) == (1, 1)
    assert balance() == 10_000_000
    assert_ledger_checks()


def test_a_sepa_debit_is_spendable_only_once_it_has_succeeded_days_later(stripe):
    from functions.common import clock

    started = top_up("20.00", method="sepa_debit")
    assert stripe.pay(started.json["checkout_url"], "sepa_succeeds") == 303
    assert PayIn.get(started.json["id"]).state == "pending"
    assert balance() == 0  # a debit can still fail: nothing to spend yet
    clock.advance(2 * 86_400)
    assert stripe.fake.settle_due() == []
    assert balance() == 0
    clock.advance(86_400)
    assert len(stripe.fake.settle_due()) == 1
    assert PayIn.get(started.json["id"]).state == "succeeded"
    assert balance() == 20_000_000
    assert ledger.balance(ledger.PROVIDER_FEES) == 35 * 10_000  # SEPA's fixed fee
    history = [h.split("@")[0] for h in PayIn.get(started.json["id"]).history]
    assert history == ["pre", "pending", "succeeded"]
    assert_ledger_checks()


def test_a_sepa_debit_that_fails_days_later_never_was_money(stripe):
    from functions.common import clock

    started = top_up("20.00", method="sepa_debit")
    stripe.pay(started.json["checkout_url"], "sepa_fails")
    clock.advance(3 * 86_400)
    stripe.fake.settle_due()
    assert PayIn.get(started.json["id"]).state == "failed"
    assert balance() == 0 and ledger.balance(ledger.PROVIDER_FEES) == 0
    assert_ledger_checks()


def refund(amount: str | None = None, key: str | None = None, user: str = "ada"):
    body = {"amount": {"amount": amount, "currency": "EUR"}} if amount else {}
    return call(
        "POST",
        "/v1/refunds",
        body=body,
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
        user=user,
    )


def paid(stripe: Stripe, amount: str) -> str:
    started = top_up(amount)
    stripe.pay(started.json["checkout_url"])
    return started.json["id"]


def test_unspent_balance_goes_back_newest_pay_in_first(stripe):
    older = paid(stripe, "10.00")
    newer = paid(stripe, "5.00")
    key = str(uuid.uuid4())
    answer = refund("7.00", key)
    assert answer.status == 201, answer.raw
    assert answer.json["state"] == "succeeded"
    parts = {p["payin"]: p["amount"]["amount"] for p in answer.json["parts"]}
    assert parts == {newer: "5.00", older: "2.00"}  # the newest first, each at most its gross
    assert balance() == 8_000_000
    assert [r["amount"] for r in stripe.fake.refunds] == [500, 200]
    assert ledger.balance(ledger.REFUNDED) == 7_000_000
    # A pay-in given back whole is refunded; one given back in part is still succeeded.
    assert (PayIn.get(newer).state, PayIn.get(older).state) == ("refunded", "succeeded")
    fees = card_fee(1000) + card_fee(500)
    assert ledger.balance(ledger.PROVIDER_FEES) == fees * 10_000  # Stripe's fee stays ours
    again = refund("7.00", key)  # a retry: the same refund, nothing twice
    assert again.json["id"] == answer.json["id"] and len(stripe.fake.refunds) == 2
    assert balance() == 8_000_000
    everything = refund()  # no amount: all that is unspent
    assert everything.status == 201 and balance() == 0
    assert int(PayIn.get(older).refunded_cents) == 1000
    assert PayIn.get(older).state == "refunded"
    assert_ledger_checks()


def test_refunds_never_exceed_the_balance_and_wait_for_sepa(stripe):
    from functions.common import clock

    paid(stripe, "10.00")
    too_much = refund("10.01")
    assert too_much.status == 422 and too_much.json["errors"][0]["field"] == "body.amount"
    sepa = top_up("20.00", method="sepa_debit")
    stripe.pay(sepa.json["checkout_url"], "sepa_succeeds")
    clock.advance(3 * 86_400)
    stripe.fake.settle_due()
    assert balance() == 30_000_000
    young = refund("15.00")  # only the card's 10 can go back before the SEPA debit is 56 days old
    assert young.status == 422 and "56 days" in young.json["detail"]
    clock.advance(54 * 86_400)
    assert refund("15.00").status == 201
    assert balance() == 15_000_000
    assert_ledger_checks()


def test_a_refund_stripe_refuses_leaves_the_money_in_the_balance(stripe):
    paid(stripe, "10.00")
    for intent in stripe.fake.intents.values():
        intent["_refunded"] = 1000  # refunded at Stripe's dashboard, say: nothing left there
    refused = refund("4.00")
    assert refused.status == 502
    assert balance() == 10_000_000
    assert ledger.balance(ledger.REFUNDED) == 0
    assert_ledger_checks()


def dispute(stripe: Stripe, payin_id: str, status: str | None = None) -> dict:
    intent = PayIn.get(payin_id).payment_intent
    _, _, raw = stripe.fake._control("dispute", {"payment_intent": intent})
    opened = json.loads(raw)
    if status:
        stripe.fake._control("close_dispute", {"dispute": opened["id"], "status": status})
    return opened


def test_a_lost_dispute_after_the_split_paid_creators_is_the_platforms_loss(stripe):
    from functions.common import clock
    from tests.integration.payout_helpers import EUR, JUNE, add_flattrs, run_job

    clock.move_to(JUNE)
    payin = paid(stripe, "10.00")
    add_flattrs("ada", "web:a.example", 1)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    run_job("monthly-split", month="2031-06")
    assert balance() == 5 * EUR  # the 5 EUR budget was split: the creators' now
    opened = dispute(stripe, payin)
    assert balance() == 0  # the unspent 5 EUR frozen: the split cannot spend it
    assert ledger.balance(ledger.frozen_account("ada", "EUR")) == 5 * EUR
    assert PayIn.get(payin).state == "disputed"
    assert_ledger_checks()
    stripe.fake._control("close_dispute", {"dispute": opened["id"], "status": "lost"})
    assert ledger.balance(ledger.frozen_account("ada", "EUR")) == 0
    assert ledger.balance(ledger.DISPUTE_LOSSES) == 5 * EUR  # what was split: never clawed back
    assert ledger.balance(ledger.escrow_account("web:a.example", "EUR")) == 4_500_000  # untouched
    assert PayIn.get(payin).state == "dispute_lost"
    fees = card_fee(1000) + 1500  # the payment's fee and the dispute fee
    assert ledger.balance(ledger.PROVIDER_FEES) == fees * 10_000
    for event_id in list(stripe.fake.events):  # every event again: nothing moves twice
        stripe.fake._control("redeliver", {"event": event_id})
    assert ledger.balance(ledger.DISPUTE_LOSSES) == 5 * EUR and balance() == 0
    assert_ledger_checks()


def test_a_won_dispute_gives_the_frozen_money_back(stripe):
    payin = paid(stripe, "10.00")
    dispute(stripe, payin, "won")
    assert balance() == 10_000_000
    assert ledger.balance(ledger.frozen_account("ada", "EUR")) == 0
    assert ledger.balance(ledger.DISPUTE_LOSSES) == 0
    # Stripe keeps its dispute fee even when the dispute is won: the platform's cost.
    assert ledger.balance(ledger.PROVIDER_FEES) == (card_fee(1000) + 1500) * 10_000
    assert PayIn.get(payin).state == "succeeded"
    assert_ledger_checks()


def test_the_same_key_answers_the_same_through_powertools_idempotency(stripe):
    from functions.common.models import IdempotencyRecord

    key = str(uuid.uuid4())
    first = top_up("10.00", key)
    stripe.pay(first.json["checkout_url"])
    again = top_up("10.00", key)
    # The answer of the first request, replayed: not the pay-in as it is now (paid).
    assert again.status == 201 and again.raw == first.raw
    assert PayIn.get(first.json["id"]).state == "succeeded"
    assert len(list(IdempotencyRecord.scan())) == 1
    other = top_up("11.00", key)
    assert other.status == 409 and other.json["type"] == "/problems/idempotency-key-reused"
    assert top_up("10.00", key, user="bob").json["id"] != first.json["id"]  # keys are per person
    assert balance() == 10_000_000
    assert_ledger_checks()


def test_an_event_pairing_one_pay_in_with_anothers_payment_moves_nothing(stripe):
    """Issue 29, finding 3: a signed ``checkout.session.completed`` naming ada's unpaid
    pay-in with bob's paid PaymentIntent credited ada too: one charge backed two pay-ins.
    Stripe's own answer (the intent's pay-in, amount, currency) must agree, else nothing
    moves and reconciliation names the pay-in the payment belongs to."""
    from functions.payments import reconcile

    ada = top_up("10.00", user="ada")
    bob = top_up("10.00", user="bob")
    stripe.pay(bob.json["checkout_url"])
    assert balance("bob") == 10_000_000
    bobs_intent = PayIn.get(bob.json["id"]).payment_intent
    adas = next(
        s for s in stripe.fake.sessions.values() if s["metadata"]["payin_id"] == ada.json["id"]
    )
    forged = {
        "id": "evt_forged",
        "object": "event",
        "type": "checkout.session.completed",
        "livemode": False,
        "created": int(time.time()),
        "data": {
            "object": {
                **{k: v for k, v in adas.items() if not k.startswith("_")},
                "status": "complete",
                "payment_status": "paid",
                "payment_intent": bobs_intent,
            }
        },
    }
    payload = json.dumps(forged).encode()
    answer = post_event(payload, sign(payload, stripe.webhook_secret))
    assert answer.status == 200, answer.raw  # signed: received, then refused by the worker
    from functions.common.settings import settings
    from local.queues import drain

    drain(settings().stripe_events_queue_url, "payments", "events_handler")
    assert balance("ada") == 0 and PayIn.get(ada.json["id"]).state == "pre"
    assert balance("bob") == 10_000_000
    (finding,) = [m for m in reconcile.mismatches() if m.kind == "payment_event"]
    assert finding.source == bob.json["id"] and ada.json["id"] in str(finding.problem)
    assert_ledger_checks()

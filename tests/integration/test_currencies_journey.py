"""Issue 35's "done when", through the API with the real Stripe SDK against the fake Stripe
(``local/fake_stripe.py``, ``local/fake_connect.py``): a contributor in the United States
tops up in dollars, pledges $15 a month to a creator who has not joined and flattrs others
with the rest of the budget; the creator, claiming, sees their dollars and euros apart and
withdraws each (Stripe converts the dollars to the payout account's euros and says its
rate). The ledger's check holds in each currency after every step."""

from __future__ import annotations

import uuid
from typing import Any

from functions.common import clock
from functions.core import ledger
from functions.core.models import User
from tests.conftest import call
from tests.integration.claim_helpers import connect
from tests.integration.identity_helpers import Person, person
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    claim,
    run_job,
)
from tests.integration.stripe_helpers import Stripe
from tests.integration.test_payouts import onboarded, strong

WAITING = "github:octocat"  # a creator who has not joined yet
BLOG = "web:blog.example.org"  # someone who has
AMERICAN = {"Accept-Language": "en-US,en;q=0.9"}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _sam_tops_up_in_dollars(stripe: Stripe) -> None:
    me = call("GET", "/v1/me", user="sam", headers=AMERICAN).json
    assert me["currency"] == "USD" and me["monthly_budget"] == {
        "amount": "5.000000",
        "currency": "USD",
    }
    euros = {"amount": {"amount": "10.00", "currency": "EUR"}, "method": "card"}
    refused = call("POST", "/v1/payins", euros, headers=_key(), user="sam")
    assert refused.status == 422 and b"body.amount.currency" in refused.raw
    started = call(
        "POST",
        "/v1/payins",
        {"amount": {"amount": "30.00"}, "method": "card"},
        headers=_key(),
        user="sam",
    )
    assert started.status == 201, started.raw
    assert started.json["amount"] == {"amount": "30.00", "currency": "USD"}
    assert stripe.pay(started.json["checkout_url"]) == 303
    (intent,) = stripe.fake.intents.values()
    assert intent["currency"] == "usd"
    assert ledger.balance(ledger.contributor_account("sam", "USD")) == 30 * EUR
    budget = {"monthly_budget": {"amount": "25.00"}}  # in their currency
    assert call("PATCH", "/v1/me", budget, user="sam").json["monthly_budget"]["currency"] == "USD"
    assert ledger.balance(ledger.contributor_account("sam", "EUR")) == 0


def _creator_sees_each_currency(bea: Person) -> dict[str, Any]:
    balance = bea.call("GET", "/v1/me/balance").json
    return {m["currency"]: m["amount"] for m in balance["earnings_by_currency"]}


def test_dollars_pledged_to_a_creator_who_had_not_joined_reach_them_apart_from_euros(
    stripe: Stripe,
) -> None:
    clock.move_to(JUNE)
    _sam_tops_up_in_dollars(stripe)
    pledged = call(
        "POST", "/v1/pledges", {"recipient": WAITING, "amount": {"amount": "15.00"}}, user="sam"
    )
    assert pledged.status == 201 and pledged.json["amount"] == {
        "amount": "15.000000",
        "currency": "USD",
    }
    claim(BLOG, "blogger")
    add_flattrs("sam", BLOG, 2)
    add_user("eva", budget=20 * EUR, paid_in=20 * EUR)  # a contributor in euros
    add_flattrs("eva", WAITING, 1)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    split = run_job("monthly-split", month="2031-06")
    assert split["currencies"]["USD"]["charged"] == 25 * EUR
    assert split["currencies"]["EUR"]["charged"] == 20 * EUR
    assert_ledger_checks()
    statement = call("GET", "/v1/me/statements", user="sam", query="month=2031-06").json
    assert [(p["recipient"]["key"], p["amount"]) for p in statement["pledges"]] == [
        (WAITING, {"amount": "13.500000", "currency": "USD"})  # 15.00 less the 10 % fee
    ]
    assert [p["amount"] for p in statement["parts"]] == [{"amount": "9.000000", "currency": "USD"}]
    waiting = call("GET", f"/v1/recipients/{WAITING}", user=None).json
    assert sorted(waiting["waiting_by_currency"], key=lambda m: m["currency"]) == [
        {"amount": "18.000000", "currency": "EUR"},
        {"amount": "13.500000", "currency": "USD"},
    ]

    # The creator joins (a German: euros are theirs), proves the account and claims.
    bea = person("bea@example.org")
    User(bea.user_id, email="bea@example.org", created_at=clock.now(), currency="EUR").save()
    connect(bea.user_id, "github", "583231", "octocat")
    claimed = bea.call("POST", "/v1/claims", {"recipient": WAITING})
    assert claimed.status == 200, claimed.raw
    assert claimed.json["moved"] == {"amount": "18.000000", "currency": "EUR"}
    assert sorted(claimed.json["moved_by_currency"], key=lambda m: m["currency"]) == [
        {"amount": "18.000000", "currency": "EUR"},
        {"amount": "13.500000", "currency": "USD"},
    ]
    assert _creator_sees_each_currency(bea) == {"EUR": "18.000000", "USD": "13.500000"}
    assert_ledger_checks()

    # Each currency leaves apart; Stripe converts the dollars to the account's euros.
    bea = strong(bea)
    account = onboarded(stripe, bea)
    shown = bea.call("GET", "/v1/payouts/account").json
    assert shown["earnings_by_currency"] == [
        {"amount": "18.00", "currency": "EUR"},
        {"amount": "13.50", "currency": "USD"},
    ]
    dollars = bea.call("POST", "/v1/withdrawals", {"currency": "USD"}, headers=_key())
    assert dollars.status == 201, dollars.raw
    assert dollars.json["amount"] == {"amount": "13.50", "currency": "USD"}
    assert dollars.json["converted"] == {"amount": "12.50", "currency": "EUR"}  # at 1.08 a euro
    assert dollars.json["exchange_rate"] == "0.925926"
    euros = bea.call("POST", "/v1/withdrawals", {}, headers=_key())  # my own: euros
    assert euros.status == 201 and euros.json["amount"] == {"amount": "18.00", "currency": "EUR"}
    assert euros.json["converted"] is None
    transfers = sorted((t["currency"], t["amount"]) for t in stripe.fake.transfers.values())
    assert transfers == [("eur", 1800), ("usd", 1350)]
    assert all(t["destination"] == account for t in stripe.fake.transfers.values())
    assert _creator_sees_each_currency(bea) == {"EUR": "0.000000"}
    assert ledger.balance(ledger.account(ledger.PAID_OUT, "USD")) == 13_500_000
    assert ledger.balance(ledger.account(ledger.PAID_OUT, "EUR")) == 18_000_000
    assert_ledger_checks()


def test_money_given_back_in_a_currency_no_longer_mine_is_shown_and_refunded(
    stripe: Stripe,
) -> None:
    """A contributor changes currency with nothing in the old one; later, escrow of theirs
    in it expires back: the balance lists it apart (the split spends only their own), and
    it goes back to the card it came from."""
    from functions.payout import expiry

    clock.move_to(JUNE)
    assert call("GET", "/v1/me", user="ola").json["currency"] == "EUR"  # no languages: EUR
    call("PATCH", "/v1/me", {"monthly_budget": {"amount": "10.00"}}, user="ola")
    started = call(
        "POST",
        "/v1/payins",
        {"amount": {"amount": "10.00"}, "method": "card"},
        headers=_key(),
        user="ola",
    )
    assert stripe.pay(started.json["checkout_url"]) == 303
    add_flattrs("ola", WAITING, 1)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    run_job("monthly-split", month="2031-06")  # all of it held for the waiting creator
    changed = call("PATCH", "/v1/me", {"currency": "USD"}, user="ola")
    assert changed.status == 200, changed.raw
    assert changed.json["monthly_budget"] == {"amount": "5.000000", "currency": "USD"}
    clock.move_to(JUNE.replace(year=2032, month=1, day=2))
    expiry.expire_escrow({})  # nobody claimed it: back in euros, where it came from
    balance = call("GET", "/v1/me/balance", user="ola").json
    assert balance["balance"] == {"amount": "0.000000", "currency": "USD"}
    assert balance["balances_by_currency"] == [
        {"amount": "0.000000", "currency": "USD"},
        {"amount": "9.000000", "currency": "EUR"},
    ]
    refunded = call("POST", "/v1/refunds", {"currency": "EUR"}, headers=_key(), user="ola")
    assert refunded.status == 201, refunded.raw
    assert refunded.json["amount"] == {"amount": "9.00", "currency": "EUR"}
    assert ledger.balance(ledger.contributor_account("ola", "EUR")) == 0
    assert_ledger_checks()

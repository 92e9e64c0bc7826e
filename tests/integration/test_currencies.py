"""Money in two currencies through the split, claims and expiry (issue 35, step 2).

A contributor in dollars and one in euros (the books' first currency) flattr and pledge
to the same recipients: each is charged in their own currency, a recipient's escrow and a
creator's earnings are kept per currency and never added, a claim moves each currency to
its own earnings, escrow given back returns in the currency it was given in, and the
books add up in each currency after every step. Choosing a currency through the API and
paying in through Stripe in it are the next step: here the user item says it."""

from __future__ import annotations

from functions.common import clock
from functions.core import flattrs, ledger
from functions.core.models import Escrow, LedgerItem, User
from functions.payout import credits, expiry, monthly
from tests.conftest import call
from tests.integration.payout_helpers import (
    EUR,
    JUNE,
    add_flattrs,
    add_user,
    assert_ledger_checks,
    claim,
    run_job,
    snapshot,
)

UNCLAIMED = "github:octocat"
SPLIT_AT = JUNE.replace(month=7, day=1, hour=0, minute=30)


def dollars(user_id: str, budget: int, paid_in: int) -> None:
    add_user(user_id, budget=budget)
    User(user_id).update(actions=[User.currency.set("USD")])
    if paid_in:
        ledger.pay_in(user_id, paid_in, f"{user_id}-usd", "USD")


def test_each_currency_is_split_held_claimed_and_kept_apart(aws):
    clock.move_to(JUNE)
    dollars("sam", budget=5 * EUR, paid_in=20 * EUR)  # 5 USD a month, 20 USD paid in
    add_user("eva", budget=2 * EUR, paid_in=10 * EUR)  # 2 EUR a month
    claim("web:known.example", "creator")
    add_flattrs("sam", UNCLAIMED, 1)
    add_flattrs("sam", "web:known.example", 1)
    add_flattrs("eva", UNCLAIMED, 1)
    clock.move_to(SPLIT_AT)
    summary = run_job("monthly-split", month="2031-06")
    assert summary["contributors"] == 2
    assert summary["currencies"]["USD"]["charged"] == 5 * EUR
    assert summary["currencies"]["EUR"]["charged"] == 2 * EUR
    assert_ledger_checks()
    # Each charged in their own: 20 - 5 USD, 10 - 2 EUR; nothing from the other currency.
    assert ledger.balance(ledger.contributor_account("sam", "USD")) == 15 * EUR
    assert ledger.balance(ledger.contributor_account("sam", "EUR")) == 0
    assert ledger.balance(ledger.contributor_account("eva", "EUR")) == 8 * EUR
    # 10 % fee: sam's 4.50 USD in halves, eva's 1.80 EUR whole.
    assert ledger.balance(ledger.creator_account("creator", "USD")) == 2_250_000
    assert ledger.balance(ledger.escrow_account(UNCLAIMED, "USD")) == 2_250_000
    assert ledger.balance(ledger.escrow_account(UNCLAIMED, "EUR")) == 1_800_000
    rows = {row.contributor_id: (row.currency, int(row.amount)) for row in Escrow.query(UNCLAIMED)}
    assert rows == {"sam": ("USD", 2_250_000), "eva": ("EUR", 1_800_000)}
    statement = call("GET", "/v1/me/statements", user="sam", query="month=2031-06").json
    assert statement["charge"] == {"amount": "5.000000", "currency": "USD"}
    assert {p["amount"]["currency"] for p in statement["parts"]} == {"USD"}

    # The public stats give each currency's money apart; people are counted once.
    (june,) = call("GET", "/v1/stats", user=None, query="from=2031-06&to=2031-06").json["items"]
    assert june["contributors"] == 2 and june["money_split"]["currency"] == "EUR"
    assert june["money_split_by_currency"] == [
        {"amount": "2.000000", "currency": "EUR"},
        {"amount": "5.000000", "currency": "USD"},
    ]

    # A re-run changes nothing, in either currency.
    before = snapshot()
    again = run_job("monthly-split", month="2031-06")
    assert again["currencies"]["USD"]["charged"] == 0 and snapshot() == before

    # The creator claims: dollars and euros reach their earnings apart.
    from functions.claim import claiming

    moved = claiming.move_escrow(UNCLAIMED, "creator")
    assert moved.amounts == {"USD": 2_250_000, "EUR": 1_800_000}
    assert_ledger_checks()
    balance = call("GET", "/v1/me/balance", user="creator").json
    assert balance["earnings"] == {"amount": "1.800000", "currency": "EUR"}  # their own
    assert balance["earnings_by_currency"] == [
        {"amount": "1.800000", "currency": "EUR"},
        {"amount": "4.500000", "currency": "USD"},
    ]
    # The claim is July's revenue, in both currencies; June's split paid dollars alone.
    revenue = call("GET", "/v1/me/revenue", user="creator").json
    totals = {m["month"]: m["totals"] for m in revenue["items"]}
    assert sorted(totals["2031-07"], key=lambda m: m["currency"]) == [
        {"amount": "1.800000", "currency": "EUR"},
        {"amount": "2.250000", "currency": "USD"},
    ]
    assert totals["2031-06"] == [{"amount": "2.250000", "currency": "USD"}]


def test_escrow_nobody_claims_goes_back_in_the_currency_it_was_given_in(aws):
    clock.move_to(JUNE)
    dollars("sam", budget=3 * EUR, paid_in=3 * EUR)
    add_flattrs("sam", UNCLAIMED, 2)
    clock.move_to(SPLIT_AT)
    run_job("monthly-split", month="2031-06")
    assert ledger.balance(ledger.contributor_account("sam", "USD")) == 0
    held = ledger.balance(ledger.escrow_account(UNCLAIMED, "USD"))
    assert held == 2_700_000
    clock.move_to(JUNE.replace(year=2032, month=1, day=2))
    expiry.expire_escrow({})
    assert ledger.balance(ledger.escrow_account(UNCLAIMED, "USD")) == 0
    assert ledger.balance(ledger.contributor_account("sam", "USD")) == held
    assert ledger.balance(ledger.contributor_account("sam", "EUR")) == 0
    check = ledger.check_invariant()
    assert check.ok, check.problems
    assert check.totals["USD"]["paid_in"] == 3 * EUR and check.totals["USD"]["fees"] == 300_000


def test_an_amount_in_another_currency_than_mine_is_refused_on_its_field(aws):
    clock.move_to(JUNE)
    dollars("sam", budget=5 * EUR, paid_in=0)
    euros = {"recipient": UNCLAIMED, "amount": {"amount": "3.00", "currency": "EUR"}}
    refused = call("POST", "/v1/pledges", euros, user="sam")
    assert refused.status == 422 and "body.amount.currency" in refused.raw.decode()
    budget = {"monthly_budget": {"amount": "1.00", "currency": "USD"}}
    too_low = call("PATCH", "/v1/me", budget, user="sam")
    assert too_low.status == 422 and "at least 2.00 USD" in too_low.raw.decode()
    me = call("GET", "/v1/me", user="sam").json
    assert me["currency"] == "USD" and me["monthly_budget"]["currency"] == "USD"
    dollars_pledge = {"recipient": UNCLAIMED, "amount": {"amount": "3.00", "currency": "USD"}}
    made = call("POST", "/v1/pledges", dollars_pledge, user="sam")
    assert made.status == 201 and made.json["amount"]["currency"] == "USD"


def _as_written_before_currencies() -> None:
    """Every statement, credit slip and escrow row as the code before currencies wrote them:
    no ``currency`` (the books' first is implied), slips with seven fields a credit and one
    sum of fees."""
    for item in LedgerItem.scan():
        if item.kind == "statement":
            item.currency = None
            item.save()
        elif item.kind == "slip":
            details = dict(item.details or {})
            details["credits"] = [record[:7] for record in details["credits"]]
            fees = details.pop("fees_by_currency", {})
            if fees:
                details["fees"] = sum(fees.values())
            item.details = details
            item.save()
    for row in Escrow.scan():
        row.currency = None
        row.save()


def test_books_from_before_currencies_are_euros_and_a_split_across_the_upgrade_finishes(aws):
    """The migration (issue 35): no item moves. Accounts of the books' first currency kept
    their names; a statement, slip or escrow row without a currency is in it. A month
    charged by the old code and credited by the new one ends as a clean run does."""
    clock.move_to(JUNE)
    claim("web:known.example", "creator")
    add_user("eva", budget=2 * EUR, paid_in=10 * EUR)
    add_flattrs("eva", UNCLAIMED, 1)
    add_flattrs("eva", "web:known.example", 1)
    clock.move_to(SPLIT_AT)
    flattrs.close_month("2031-06")
    for shard in range(flattrs.shards_of("2031-06")):
        monthly.split_shard("2031-06", shard)  # charged before the upgrade...
    _as_written_before_currencies()
    before = ledger.check_invariant()
    assert before.ok, before.problems
    assert set(before.totals) == {"EUR"}
    for partition in range(flattrs.shards_of("2031-06")):
        credits.credit_partition("2031-06", partition)  # ...credited after it
    monthly.finish("2031-06")
    assert_ledger_checks()
    assert ledger.balance(ledger.creator_account("creator", "EUR")) == 900_000
    assert ledger.balance(ledger.escrow_account(UNCLAIMED, "EUR")) == 900_000
    assert ledger.balance(ledger.FEES) == 200_000  # the old slip's one sum of fees
    shards = range(flattrs.shards_of("2031-06"))
    assert sum(ledger.balance(ledger.in_split_account("2031-06", s, "EUR")) for s in shards) == 0
    statement = call("GET", "/v1/me/statements", user="eva", query="month=2031-06").json
    assert statement["charge"] == {"amount": "2.000000", "currency": "EUR"}
    # Escrow from before goes back in the books' first currency, where it came from.
    _as_written_before_currencies()
    clock.move_to(JUNE.replace(year=2032, month=1, day=2))
    expiry.expire_escrow({})
    assert ledger.balance(ledger.contributor_account("eva", "EUR")) == 8 * EUR + 900_000
    after = ledger.check_invariant()
    assert after.ok, after.problems
    assert set(after.totals) == {"EUR"}


def test_the_catalogue_ranks_by_supporters_and_lists_each_currency(aws):
    """Amounts of different currencies cannot be ranked against one another: ``sort=top``
    orders by supporters, and each entry lists what waits in every currency."""
    from tests.integration.claim_helpers import email_job

    clock.move_to(JUNE)
    dollars("sam", budget=20 * EUR, paid_in=20 * EUR)
    add_flattrs("sam", "web:rich.example", 1)
    add_flattrs("sam", "web:popular.example", 1)
    for person in ("eva", "bob"):
        add_user(person, budget=2 * EUR, paid_in=2 * EUR)
        add_flattrs(person, "web:popular.example", 1)
    clock.move_to(SPLIT_AT)
    run_job("monthly-split", month="2031-06")
    email_job()  # rebuilds the catalogue
    top = call("GET", "/v1/unclaimed", user=None, query="sort=top").json["items"]
    assert [(i["recipient"]["key"], i["supporters"]) for i in top] == [
        ("web:popular.example", 3),
        ("web:rich.example", 1),
    ]
    assert sorted(top[0]["amounts"], key=lambda m: m["currency"]) == [
        {"amount": "3.600000", "currency": "EUR"},
        {"amount": "9.000000", "currency": "USD"},
    ]
    assert top[0]["amount"] == {"amount": "9.000000", "currency": "USD"}  # most of it
    assert top[1]["amounts"] == [{"amount": "9.000000", "currency": "USD"}]

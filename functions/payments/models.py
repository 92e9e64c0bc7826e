"""Payments' tables: pay-ins, refunds, the monthly top-up, payout accounts, withdrawals
and reconciliation's findings.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


class PayInByUser(GlobalSecondaryIndex["PayIn"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@table
class PayIn(Model):
    """Money coming in through Stripe: one item per pay-in, written (``pre``) before any
    call to Stripe, then moved through its states by Stripe's answers and webhooks; every
    transition is kept (``history``: ``state@time``). Amounts in cents, as charged."""

    class Meta(TableMeta):
        table_name = "payins"

    payin_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
    currency = UnicodeAttribute(null=True)  # absent: the books' first currency
    method = UnicodeAttribute()
    state = UnicodeAttribute()
    request_hash = UnicodeAttribute()  # the body its Idempotency-Key was first used with
    checkout_session = UnicodeAttribute(null=True)
    checkout_url = UnicodeAttribute(null=True)
    payment_intent = UnicodeAttribute(null=True)
    fee_cents = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    changed_at = UTCDateTimeAttribute()
    history = ListAttribute(of=UnicodeAttribute, default=list)
    refunded_cents = NumberAttribute(default=0)  # given back of it so far
    refunds = UnicodeSetAttribute(null=True)  # the refunds that took from it (each once)
    kind = UnicodeAttribute(default="top_up")  # or "monthly": charged off-session by our job
    charge_id = UnicodeAttribute(null=True)  # Stripe's charge, once paid
    reconciled_at = UTCDateTimeAttribute(null=True)  # its balance transaction was matched
    by_user = PayInByUser()


class RefundByUser(GlobalSecondaryIndex["Refund"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@table
class Refund(Model):
    """Unspent balance going back to where it came from: which pay-ins it is taken from
    (``parts``: pay-in id → cents, newest first) and how far it got."""

    class Meta(TableMeta):
        table_name = "refunds"

    refund_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
    currency = UnicodeAttribute(null=True)  # absent: the books' first currency
    request_hash = UnicodeAttribute()
    parts = JSONAttribute()
    state = UnicodeAttribute()  # reserved → succeeded | failed
    created_at = UTCDateTimeAttribute()
    by_user = RefundByUser()


@table
class MonthlyTopUp(Model):
    """A contributor's monthly top-up: the Stripe customer and the payment method saved for
    it (Checkout in setup mode); charged off-session before each month's split when the
    balance will not cover the budget."""

    class Meta(TableMeta):
        table_name = "monthly-top-ups"

    user_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    method = UnicodeAttribute()  # card | sepa_debit
    state = UnicodeAttribute()  # setting_up → active → stopped
    payment_method = UnicodeAttribute(null=True)
    setup_session = UnicodeAttribute(null=True)
    checkout_url = UnicodeAttribute(null=True)
    stopped_reason = UnicodeAttribute(null=True)  # asked | dispute | account_deleted
    created_at = UTCDateTimeAttribute()
    changed_at = UTCDateTimeAttribute()


class PayoutAccountByAccount(GlobalSecondaryIndex["PayoutAccount"]):
    class Meta:
        index_name = "by-account"
        projection = KeysOnlyProjection()

    account_id = UnicodeAttribute(hash_key=True)


@table
class PayoutAccount(Model):
    """A creator's Stripe Connect Express account, as Stripe last said it is (synced from
    ``account.updated``): where their withdrawals go. One per user, made once."""

    class Meta(TableMeta):
        table_name = "payout-accounts"

    user_id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    details_submitted = BooleanAttribute(default=False)
    payouts_enabled = BooleanAttribute(default=False)
    requirements_due = ListAttribute[str](default=list)  # what Stripe still asks for
    deauthorized_at = UTCDateTimeAttribute(null=True)  # the creator disconnected us at Stripe
    created_at = UTCDateTimeAttribute()
    changed_at = UTCDateTimeAttribute()
    by_account = PayoutAccountByAccount()


class WithdrawalByUser(GlobalSecondaryIndex["Withdrawal"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@table
class Withdrawal(Model):
    """Earnings leaving for a creator's payout account: a Stripe transfer, keyed by our id.
    ``pre`` (written first) → ``in_transit`` (out of the earnings) → ``paid`` | ``failed``
    (back in the earnings); a paid one may be ``reversed`` later (back again)."""

    class Meta(TableMeta):
        table_name = "withdrawals"

    withdrawal_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
    currency = UnicodeAttribute(null=True)  # absent: the books' first currency
    # Where Stripe converted it to the payout account's currency: what arrived, and its rate
    # (as Stripe wrote it: shown to the creator, never used to compute money).
    converted_cents = NumberAttribute(null=True)
    converted_currency = UnicodeAttribute(null=True)
    exchange_rate = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute()
    state = UnicodeAttribute()
    request_hash = UnicodeAttribute()
    transfer_id = UnicodeAttribute(null=True)
    failure = UnicodeAttribute(null=True)  # Stripe's error code, when it refused
    created_at = UTCDateTimeAttribute()
    changed_at = UTCDateTimeAttribute()
    history = ListAttribute(of=UnicodeAttribute, default=list)
    reconciled_at = UTCDateTimeAttribute(null=True)  # its balance transaction was matched
    by_user = WithdrawalByUser()


@table
class Mismatch(Model):
    """What reconciliation found that does not add up between Stripe's balance and our
    ledger (one item per Stripe balance transaction or per movement of ours), and the
    cursor it lists Stripe from (``key = "cursor"``). Cleared when it adds up again."""

    class Meta(TableMeta):
        table_name = "reconciliation"

    key = UnicodeAttribute(hash_key=True)  # txn#<id> | payin#<id> | withdrawal#<id> | cursor
    problem = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # Stripe's type, or ours
    source = UnicodeAttribute(null=True)  # what it is about (Stripe's or our id)
    amount_cents = NumberAttribute(null=True)
    cursor = NumberAttribute(null=True)  # on the cursor: Stripe's ``created`` seen last
    found_at = UTCDateTimeAttribute(null=True)

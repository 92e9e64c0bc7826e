"""PynamoDB models: the one definition of every table.

The CDK app (``infra/tables.py``), the local stack and the test fixtures all build
their tables from these classes, so the three cannot drift. ``docs/data-model.md``
describes the access patterns each table serves.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from functions.common.settings import Settings


class _Meta:
    billing_mode = "PAY_PER_REQUEST"
    region = "eu-west-1"


# ---------------------------------------------------------------- users


class UserByEmail(GlobalSecondaryIndex["User"]):
    class Meta:
        index_name = "by-email"
        projection = KeysOnlyProjection()

    email = UnicodeAttribute(hash_key=True)


class User(Model):
    """A signed-in person: contributor, creator or both."""

    class Meta(_Meta):
        table_name = "users"

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(null=True)  # absent until known (GSI keys cannot be empty)
    time_zone = UnicodeAttribute(default="UTC")
    monthly_budget = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    # When TOTP was turned on through our API: sign-ins before then did not pass it.
    totp_since = UTCDateTimeAttribute(null=True)
    # The monthly statement and the warning before the balance runs short (opt-out).
    money_emails = BooleanAttribute(default=True)
    by_email = UserByEmail()


class DeletedUser(Model):
    """A deleted account's tombstone: tokens issued to it are refused on every route, so
    nothing is recreated under the id the anonymous money records keep. Holds no more
    than the random id and when."""

    class Meta(_Meta):
        table_name = "deleted-users"

    user_id = UnicodeAttribute(hash_key=True)
    deleted_at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- flattrs


class FlattrBySplitShard(GlobalSecondaryIndex["Flattr"]):
    """The monthly split reads one shard of one month's flattrs at a time."""

    class Meta:
        index_name = "by-split-shard"
        projection = AllProjection()

    split_key = UnicodeAttribute(hash_key=True)
    flattr_ref = UnicodeAttribute(range_key=True)


class FlattrByRecipient(GlobalSecondaryIndex["Flattr"]):
    class Meta:
        index_name = "by-recipient"
        projection = AllProjection()

    recipient = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Flattr(Model):
    """One flattr. ``flattr_id`` sorts by time, so a month is a key range."""

    class Meta(_Meta):
        table_name = "flattrs"

    contributor_id = UnicodeAttribute(hash_key=True)
    flattr_id = UnicodeAttribute(range_key=True)
    recipient = UnicodeAttribute()
    url = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    month = UnicodeAttribute()
    split_key = UnicodeAttribute()
    flattr_ref = UnicodeAttribute()
    by_split_shard = FlattrBySplitShard()
    by_recipient = FlattrByRecipient()


# ---------------------------------------------------------------- activity
# Attention and visits that have not (yet) earned a flattr. Keys hold a keyed
# hash of the URL or site, never the URL; every item expires through TTL.


class ActivityItem(Model):
    class Meta(_Meta):
        table_name = "activity"

    contributor_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


class PageDay(ActivityItem):
    """``att#<day>#<url-hash>``: one page's attention on one local day, all devices.

    Written only by commutative updates (``ADD`` of seconds, events and interval ends,
    each under a condition that the thresholds it read still hold), so reports from
    several devices at once do not conflict: see ``track/tracking.py``."""

    seconds = NumberAttribute(default=0)
    media = BooleanAttribute(default=False)
    awarded = NumberAttribute(default=0)
    # The reported intervals' starts and ends (epoch seconds): attention cannot exceed
    # max(ends) - min(starts). Sets, because ADD to a set commutes where max() cannot.
    starts = NumberSetAttribute(null=True)
    ends = NumberSetAttribute(null=True)
    events = UnicodeSetAttribute(null=True)
    button_flattr_id = UnicodeAttribute(null=True)


class SiteVisits(ActivityItem):
    """``vis#<site-hash>``: one site's page views of the last 30 days, as
    ``[epoch, page-hash, dwell]``, and when its visit flattrs were given."""

    views = ListAttribute[Any](null=True)
    loyal_awards = NumberSetAttribute(null=True)
    session_days = UnicodeSetAttribute(null=True)
    version = VersionAttribute()


class ExplicitEvent(ActivityItem):
    """``evt#<event-hash>``: the flattr an explicit flattr's ``event_id`` made."""

    flattr_id = UnicodeAttribute()


class ContributorDay(ActivityItem):
    """``day#<day>``: the contributor's totals on one local day, for the daily limits:
    flattrs made, attention seconds, distinct pages and sites."""

    flattrs = NumberAttribute(default=0)
    attention = NumberAttribute(null=True)
    pages = NumberAttribute(null=True)
    sites = NumberAttribute(null=True)


# ---------------------------------------------------------------- recipients


class Recipient(Model):
    """A recipient that has a creator or a declaration; absent means unclaimed."""

    class Meta(_Meta):
        table_name = "recipients"

    recipient = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    # A site's ``flattr:id`` declaration: its flattrs go to this user directly.
    declared_user = UnicodeAttribute(null=True)
    claimed_at = UTCDateTimeAttribute(null=True)
    # Its creator refused the money: escrow went back, later flattrs are not made.
    declined_by = UnicodeAttribute(null=True)
    declined_at = UTCDateTimeAttribute(null=True)


class PayInByUser(GlobalSecondaryIndex["PayIn"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class PayIn(Model):
    """Money coming in through Stripe: one item per pay-in, written (``pre``) before any
    call to Stripe, then moved through its states by Stripe's answers and webhooks; every
    transition is kept (``history``: ``state@time``). Amounts in cents, as charged."""

    class Meta(_Meta):
        table_name = "payins"

    payin_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
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


class Refund(Model):
    """Unspent balance going back to where it came from: which pay-ins it is taken from
    (``parts``: pay-in id → cents, newest first) and how far it got."""

    class Meta(_Meta):
        table_name = "refunds"

    refund_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
    request_hash = UnicodeAttribute()
    parts = JSONAttribute()
    state = UnicodeAttribute()  # reserved → succeeded | failed
    created_at = UTCDateTimeAttribute()
    by_user = RefundByUser()


class MonthlyTopUp(Model):
    """A contributor's monthly top-up: the Stripe customer and the payment method saved for
    it (Checkout in setup mode); charged off-session before each month's split when the
    balance will not cover the budget."""

    class Meta(_Meta):
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


class PayoutAccount(Model):
    """A creator's Stripe Connect Express account, as Stripe last said it is (synced from
    ``account.updated``): where their withdrawals go. One per user, made once."""

    class Meta(_Meta):
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


class Withdrawal(Model):
    """Earnings leaving for a creator's payout account: a Stripe transfer, keyed by our id.
    ``pre`` (written first) → ``in_transit`` (out of the earnings) → ``paid`` | ``failed``
    (back in the earnings); a paid one may be ``reversed`` later (back again)."""

    class Meta(_Meta):
        table_name = "withdrawals"

    withdrawal_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    amount_cents = NumberAttribute()
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


class Mismatch(Model):
    """What reconciliation found that does not add up between Stripe's balance and our
    ledger (one item per Stripe balance transaction or per movement of ours), and the
    cursor it lists Stripe from (``key = "cursor"``). Cleared when it adds up again."""

    class Meta(_Meta):
        table_name = "reconciliation"

    key = UnicodeAttribute(hash_key=True)  # txn#<id> | payin#<id> | withdrawal#<id> | cursor
    problem = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # Stripe's type, or ours
    source = UnicodeAttribute(null=True)  # what it is about (Stripe's or our id)
    amount_cents = NumberAttribute(null=True)
    cursor = NumberAttribute(null=True)  # on the cursor: Stripe's ``created`` seen last
    found_at = UTCDateTimeAttribute(null=True)


class MonthStat(Model):
    """Aggregates of a month's split, for the public stats: one item per shard
    (``shard#007``, rewritten whole by every run of that shard), one marker per creator
    paid (``creator#<id>``, only to count them; removed with the month's total), and the
    month's ``total`` written when the split finishes. Never read per user."""

    class Meta(_Meta):
        table_name = "stats"

    month = UnicodeAttribute(hash_key=True)
    part = UnicodeAttribute(range_key=True)
    contributors = NumberAttribute(default=0)
    flattrs = NumberAttribute(default=0)
    charged = NumberAttribute(default=0)
    fees = NumberAttribute(default=0)
    to_creators = NumberAttribute(default=0)
    to_escrow = NumberAttribute(default=0)
    creators = NumberAttribute(default=0)


class MonthSplit(Model):
    """Where a month's split stands: absent while the month is open, ``running`` from
    the moment it closes (no flattr of it is accepted or taken back any more), ``split``
    when every shard is done. Its own table, so that the domains that only ask "is this
    month still open?" (track, the poller) read nothing of the money."""

    class Meta(_Meta):
        table_name = "month-splits"

    month = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()
    changed_at = UTCDateTimeAttribute()
    # On ``plan#<month>`` items (state ``plan``): the month's split shards, chosen before
    # the month begins (its flattrs are written with their shard).
    shards = NumberAttribute(null=True)


# ---------------------------------------------------------------- money


class LedgerItem(Model):
    """Balances (``sk = "balance"``), the entries that moved them (``entry#<id>#<ref>``),
    and statements (``statement#<contributor>`` / ``month#<M>``). See ``docs/ledger.md``."""

    class Meta(_Meta):
        table_name = "ledger"

    account = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    amount = NumberAttribute(default=0)
    kind = UnicodeAttribute(null=True)
    month = UnicodeAttribute(null=True)
    ref = UnicodeAttribute(null=True)
    flattrs = NumberAttribute(null=True)
    supporters = NumberAttribute(null=True)  # on a creator's entries: how many gave
    details = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)


class EscrowByContributor(GlobalSecondaryIndex["Escrow"]):
    class Meta:
        index_name = "by-contributor"
        projection = AllProjection()

    contributor_id = UnicodeAttribute(hash_key=True)
    recipient_month = UnicodeAttribute(range_key=True)


class EscrowByExpiry(GlobalSecondaryIndex["Escrow"]):
    class Meta:
        index_name = "by-expiry"
        projection = AllProjection()

    expires_month = UnicodeAttribute(hash_key=True)
    recipient_month = UnicodeAttribute(range_key=True)


class Escrow(Model):
    """Money held for an unclaimed recipient, per (recipient, month, contributor)."""

    class Meta(_Meta):
        table_name = "escrow"

    recipient = UnicodeAttribute(hash_key=True)
    month_contributor = UnicodeAttribute(range_key=True)
    contributor_id = UnicodeAttribute()
    recipient_month = UnicodeAttribute()
    expires_month = UnicodeAttribute()
    amount = NumberAttribute()
    flattrs = NumberAttribute()
    by_contributor = EscrowByContributor()
    by_expiry = EscrowByExpiry()


# ---------------------------------------------------------------- connections and claims


class Connection(Model):
    """A user's connected platform account; ``identity`` is the proven platform id."""

    class Meta(_Meta):
        table_name = "connections"

    user_id = UnicodeAttribute(hash_key=True)
    platform = UnicodeAttribute(range_key=True)
    identity = UnicodeAttribute()  # <platform>#<stable id>
    handle = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default="active")  # active | needs_reauth
    auto_flattr = BooleanAttribute(default=False)
    token = UnicodeAttribute(null=True)  # KMS-envelope-sealed OAuth token
    cursor = UnicodeAttribute(null=True)
    next_poll_at = NumberAttribute(default=0)
    connected_at = UTCDateTimeAttribute(null=True)
    instance = UnicodeAttribute(null=True)  # the server, for platforms with many (Mastodon)


class ConnectedIdentity(Model):
    """Who has connected a platform account: written in the transaction that stores the
    connection, on the condition that nobody else has, so one account has one user."""

    class Meta(_Meta):
        table_name = "connected-identities"

    identity = UnicodeAttribute(hash_key=True)  # <platform>#<stable id>
    user_id = UnicodeAttribute()


class OAuthState(Model):
    """A pending authorization: single-use ``state`` (stored hashed), bound to its user
    and to the browser that started it."""

    class Meta(_Meta):
        table_name = "oauth-states"

    state_hash = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    code_verifier = UnicodeAttribute()
    return_to = UnicodeAttribute()
    expires_at = TTLAttribute()
    instance = UnicodeAttribute(null=True)
    # Sealed flow secrets: OAuth 1.0a's request-token secret, Bluesky's DPoP key.
    extra = UnicodeAttribute(null=True)
    # The SHA-256 of the cookie set in the browser that started the flow (RFC 9700 §4.7):
    # the callback must come from that browser, or a victim could finish an attacker's flow.
    browser_hash = UnicodeAttribute(null=True)


class OAuthClient(Model):
    """Our OAuth app on a server that registers apps per server (Mastodon): registered on
    first use and kept; the client secret is sealed like a token."""

    class Meta(_Meta):
        table_name = "oauth-clients"

    client_key = UnicodeAttribute(hash_key=True)  # <platform>#<server>
    client_id = UnicodeAttribute()
    client_secret = UnicodeAttribute()  # KMS-envelope-sealed
    registered_at = UTCDateTimeAttribute()


class AppBudget(Model):
    """Requests spent in one window of a per-app-key limit (Flickr, Tumblr), shared by
    every user's polling."""

    class Meta(_Meta):
        table_name = "app-budgets"

    window = UnicodeAttribute(hash_key=True)  # <platform>#<seconds>#<window start epoch>
    used = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class RateLimit(Model):
    """What one limit has counted in one window (``common/limits.py``): requests of one
    account, mails to one address (by keyed hash). Gone when the window has passed."""

    class Meta(_Meta):
        table_name = "rate-limits"

    window = UnicodeAttribute(hash_key=True)  # <limit>#<whose>#<window start epoch>
    used = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class ClaimToken(Model):
    """A claim link: the SHA-256 of its 256-bit token, never the token itself. With
    ``user_id``: a link proving an email address, sent to it at that user's request,
    good for one use by them (``claim/addresses.py``)."""

    class Meta(_Meta):
        table_name = "claim-tokens"

    token_hash = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute()
    expires_at = TTLAttribute()
    user_id = UnicodeAttribute(null=True)


class EmailState(Model):
    """Unclaimed-flattrs email cadence and suppression per recipient. The address itself is
    never stored: it is looked up where the recipient published it, each time."""

    class Meta(_Meta):
        table_name = "email-state"

    recipient = UnicodeAttribute(hash_key=True)
    first_sent_at = UTCDateTimeAttribute(null=True)
    last_sent_at = UTCDateTimeAttribute(null=True)
    notices = NumberAttribute(default=0)
    last_notice_sent = BooleanAttribute(default=False)
    suppressed = BooleanAttribute(default=False)  # unsubscribed: never again
    # Only on an address's own turn (``address:<keyed hash>``): gone once it has passed.
    expires_at = TTLAttribute(null=True)


class Suppression(Model):
    """An address that must get no email: a hard bounce, a complaint or an unsubscribe.
    Keyed by a keyed hash of the address, so the list holds no addresses."""

    class Meta(_Meta):
        table_name = "suppressions"

    address_hash = UnicodeAttribute(hash_key=True)
    reason = UnicodeAttribute()  # bounce | complaint | unsubscribe
    at = UTCDateTimeAttribute()


class DomainClaimByUser(GlobalSecondaryIndex["DomainClaim"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    domain = UnicodeAttribute(range_key=True)


class DomainClaim(Model):
    """A domain a user is proving, or has proved, to be theirs."""

    class Meta(_Meta):
        table_name = "domains"

    domain = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    token = UnicodeAttribute()  # published in DNS or in the meta tag
    verified_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    by_user = DomainClaimByUser()


class HandleAliasById(GlobalSecondaryIndex["HandleAlias"]):
    class Meta:
        index_name = "by-id"
        projection = AllProjection()

    id_key = UnicodeAttribute(hash_key=True)
    handle_key = UnicodeAttribute(range_key=True)


class HandleAlias(Model):
    """That a platform handle was seen naming an account id (``github:octocat`` →
    ``github:583231``), and when: money held under a handle is claimable only by the id
    the handle was known to name. Public facts about platform accounts; kept while
    escrow earned under the handle can still be waiting (seven months after last seen)."""

    class Meta(_Meta):
        table_name = "handle-aliases"

    handle_key = UnicodeAttribute(hash_key=True)
    id_key = UnicodeAttribute(range_key=True)
    first_seen = UTCDateTimeAttribute()
    last_seen = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    by_id = HandleAliasById()


class VerifiedDomain(Model):
    """Who has verified a domain: written on the condition that nobody else has, in the
    transaction that marks their claim verified, so of two users verifying at once one
    wins."""

    class Meta(_Meta):
        table_name = "verified-domains"

    domain = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()


class SentMail(Model):
    """That one email of a kind went to one person for one month (a statement, a warning),
    so that a re-run sends none twice; forgotten after a year."""

    class Meta(_Meta):
        table_name = "sent-mail"

    key = UnicodeAttribute(hash_key=True)  # <kind>#<month>#<user>
    expires_at = TTLAttribute()


class IdempotencyRecord(Model):
    """Powertools idempotency's records (``functions/common/idempotency.py``): the answer to
    a money write, by a hash of its route, user and ``Idempotency-Key``; Powertools writes
    and reads them, this model only names the table and its key."""

    class Meta(_Meta):
        table_name = "idempotency"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


class DeviceTokenByUser(GlobalSecondaryIndex["DeviceToken"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


class DeviceToken(Model):
    """A browser extension's token: does not expire, can be revoked; kept only as its hash
    (the token is shown once). Accepted on the routes an extension needs (``Route.devices``)."""

    class Meta(_Meta):
        table_name = "device-tokens"

    token_hash = UnicodeAttribute(hash_key=True)
    device_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)  # to the hour: when it was last seen
    by_user = DeviceTokenByUser()


class DonorNotice(Model):
    """A recipient a contributor gave escrow to has been claimed: told in the next digest."""

    class Meta(_Meta):
        table_name = "donor-notices"

    contributor_id = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute(range_key=True)
    amount = NumberAttribute()
    at = UTCDateTimeAttribute()


class LookupItem(Model):
    """The ``lookups`` table: what owner lookups (a video's channel, a short link's target)
    answered, and which months wait for one (``core/ownership/lookups.py``)."""

    class Meta(_Meta):
        table_name = "lookups"

    key = UnicodeAttribute(hash_key=True)
    sort = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


class LookupAnswer(LookupItem):
    """``answer#<lookup id>``, ``-``: the recipient key a lookup found, or none (the item
    has no owner we can pay: ``reason``); kept a day (an answer), an hour (none)."""

    recipient = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    answered_at = UTCDateTimeAttribute()


class PendingLookup(LookupItem):
    """``pending#<month>#<shard>``, ``<lookup id>``: flattrs of ``month`` wait for this
    lookup (the shard: 16 by the lookup's id, ``lookups.MARKER_SHARDS``); the
    split waits for the month's markers (at most six hours). What to ask is kept here."""

    platform = UnicodeAttribute()
    kind = UnicodeAttribute()
    reference = UnicodeAttribute()
    since = UTCDateTimeAttribute()


class EmailAddress(LookupItem):
    """``email:<keyed hash>``, ``address``: an address a page named as its receiver
    (``core/ownership/emails.py``). The address is kept only sealed (KMS envelope, bound
    to the key), to send its unclaimed-money email; its Gravatar name and image as
    fetched (never Gravatar's hash, nor a URL holding it). Kept while pages declare it,
    and as long as escrow can wait after that; dropped once the recipient is claimed."""

    sealed = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute(null=True)
    avatar = BinaryAttribute(null=True, legacy_encoding=False)
    avatar_type = UnicodeAttribute(null=True)
    profile_at = UTCDateTimeAttribute(null=True)  # when Gravatar was last asked
    declared_at = UTCDateTimeAttribute()


class ProvenEmail(Model):
    """A user proved an address theirs (a single-use link sent to it was opened while they
    were signed in): they may claim its recipient, ``email:<keyed hash>``."""

    class Meta(_Meta):
        table_name = "proven-emails"

    user_id = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute(range_key=True)
    proven_at = UTCDateTimeAttribute()


class CatalogueByRank(GlobalSecondaryIndex["CatalogueEntry"]):
    class Meta:
        index_name = "by-rank"
        projection = AllProjection()

    board = UnicodeAttribute(hash_key=True)
    amount = NumberAttribute(range_key=True)


class CatalogueByTrend(GlobalSecondaryIndex["CatalogueEntry"]):
    class Meta:
        index_name = "by-trend"
        projection = AllProjection()

    board = UnicodeAttribute(hash_key=True)
    recent = NumberAttribute(range_key=True)


class CatalogueEntry(Model):
    """The public catalogue of unclaimed recipients with money waiting, rebuilt daily."""

    class Meta(_Meta):
        table_name = "catalogue"

    recipient = UnicodeAttribute(hash_key=True)
    board = UnicodeAttribute(default="unclaimed")
    amount = NumberAttribute()  # all escrow waiting
    recent = NumberAttribute()  # escrow from the latest split month: "trending"
    supporters = NumberAttribute()
    flattrs = NumberAttribute()
    expires_month = UnicodeAttribute()
    by_rank = CatalogueByRank()
    by_trend = CatalogueByTrend()


# Every table, by the model that defines it.
TABLE_MODELS: tuple[type[Model], ...] = (
    User,
    DeletedUser,
    Flattr,
    ActivityItem,
    MonthSplit,
    MonthStat,
    PayIn,
    Refund,
    PayoutAccount,
    Withdrawal,
    MonthlyTopUp,
    Mismatch,
    SentMail,
    IdempotencyRecord,
    DeviceToken,
    Recipient,
    LedgerItem,
    Escrow,
    Connection,
    ConnectedIdentity,
    OAuthState,
    OAuthClient,
    AppBudget,
    RateLimit,
    ClaimToken,
    EmailState,
    Suppression,
    DomainClaim,
    VerifiedDomain,
    ProvenEmail,
    HandleAlias,
    DonorNotice,
    CatalogueEntry,
    LookupItem,
)
_BASE_NAMES: dict[type[Model], str] = {m: m.Meta.table_name for m in TABLE_MODELS}
_SHARED_TABLE: dict[type[Model], type[Model]] = {
    PageDay: ActivityItem,
    SiteVisits: ActivityItem,
    ContributorDay: ActivityItem,
    ExplicitEvent: ActivityItem,
    LookupAnswer: LookupItem,
    PendingLookup: LookupItem,
    EmailAddress: LookupItem,
}


def ttl_attribute(model: type[Model]) -> str | None:
    """The name of the model's TTL attribute, if it has one."""
    for name, attribute in model.get_attributes().items():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name or name
    return None


def base_name(model: type[Model]) -> str:
    return _BASE_NAMES[_SHARED_TABLE.get(model, model)]


def table_name(model: type[Model], prefix: str) -> str:
    return prefix + base_name(model)


def bind_tables(settings: Settings, region: str | None = None) -> None:
    """Point every model at the tables of this deployment (name prefix, region)."""
    for model in (*TABLE_MODELS, *_SHARED_TABLE):
        name = table_name(model, settings.table_prefix)
        wanted_region = region or model.Meta.region
        if model.Meta.table_name != name or model.Meta.region != wanted_region:
            model.Meta.table_name = name
            model.Meta.region = wanted_region
            model._connection = None  # the next call connects to the new table

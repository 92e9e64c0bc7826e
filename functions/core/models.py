"""The shared domain's tables: people, flattrs, recipients, the ledger and escrow,
connections (claims and lookups read them), sent mail, device tokens and the public
stats (the split writes them; claims, declines and expiry add what became of held money).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from functions.common import currencies
from functions.common.tables import TableMeta, table


class UserByEmail(GlobalSecondaryIndex["User"]):
    class Meta:
        index_name = "by-email"
        projection = KeysOnlyProjection()

    email = UnicodeAttribute(hash_key=True)


@table
class User(Model):
    """A signed-in person: contributor, creator or both."""

    class Meta(TableMeta):
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
    # A creator's public page (/u/<username>): shown only once a username is chosen.
    username = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    public_income = BooleanAttribute(default=False)
    goal = NumberAttribute(null=True)  # micro-units of their currency a month
    # Budget, balance, pledges and pay-ins are in it (``common/currencies``); absent: the
    # books' first currency (users from before there were others).
    currency = UnicodeAttribute(null=True)
    # A payment in ``currency`` may still complete until then: it may not change before.
    currency_held_until = UTCDateTimeAttribute(null=True)
    avatar = UnicodeAttribute(null=True)  # the version of their picture (``avatars``), if any
    by_email = UserByEmail()


@table
class Avatar(Model):
    """A creator's picture for their public page, as we re-encoded it (small, square, no
    metadata). Apart from the user item, which is read on every request."""

    class Meta(TableMeta):
        table_name = "avatars"

    user_id = UnicodeAttribute(hash_key=True)
    image = BinaryAttribute(legacy_encoding=False)
    content_type = UnicodeAttribute()
    version = UnicodeAttribute()  # in the picture's URL: a new picture is a new URL


@table
class Username(Model):
    """Who holds a username (lower case). Released, it stays theirs for a year (``expires_at``
    then removes it), so nobody else can take a name people know as someone else's."""

    class Meta(TableMeta):
        table_name = "usernames"

    username = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    released_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)


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


class FlattrByThing(GlobalSecondaryIndex["Flattr"]):
    """A URL's flattrs by everyone: the Flattr REST API v2's things (``core/things.py``).
    Keys only: a thing's count and whether I flattred it read nothing else."""

    class Meta:
        index_name = "by-thing"
        projection = KeysOnlyProjection()

    thing = NumberAttribute(hash_key=True)
    flattr_ref = UnicodeAttribute(range_key=True)


@table
class Flattr(Model):
    """One flattr. ``flattr_id`` sorts by time, so a month is a key range."""

    class Meta(TableMeta):
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
    thing = NumberAttribute(null=True)  # its URL's thing id (``core/things.thing_id``)
    app = UnicodeAttribute(null=True)  # the name of the app that made it, if one did
    by_split_shard = FlattrBySplitShard()
    by_recipient = FlattrByRecipient()
    by_thing = FlattrByThing()


@table
class Recipient(Model):
    """A recipient that has a creator or a declaration; absent means unclaimed."""

    class Meta(TableMeta):
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


@table
class MonthSplit(Model):
    """Where a month's split stands: absent while the month is open, ``running`` from
    the moment it closes (no flattr of it is accepted or taken back any more), ``split``
    when every shard is done. Its own table, so that the domains that only ask "is this
    month still open?" (track, the poller) read nothing of the money."""

    class Meta(TableMeta):
        table_name = "month-splits"

    month = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()
    changed_at = UTCDateTimeAttribute()
    # On ``plan#<month>`` items (state ``plan``): the month's split shards, chosen before
    # the month begins (its flattrs are written with their shard).
    shards = NumberAttribute(null=True)


@table
class LedgerItem(Model):
    """Balances (``sk = "balance"``), the entries that moved them (``entry#<id>#<ref>``),
    and statements (``statement#<contributor>`` / ``month#<M>``). See ``docs/ledger.md``."""

    class Meta(TableMeta):
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
    currency = UnicodeAttribute(null=True)  # a statement's (absent: the books' first)


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


@table
class Escrow(Model):
    """Money held for an unclaimed recipient, per (recipient, month, contributor)."""

    class Meta(TableMeta):
        table_name = "escrow"

    recipient = UnicodeAttribute(hash_key=True)
    month_contributor = UnicodeAttribute(range_key=True)
    contributor_id = UnicodeAttribute()
    recipient_month = UnicodeAttribute()
    expires_month = UnicodeAttribute()
    amount = NumberAttribute()
    flattrs = NumberAttribute()
    currency = UnicodeAttribute(null=True)  # the contributor's (absent: the books' first)
    by_contributor = EscrowByContributor()
    by_expiry = EscrowByExpiry()

    def given_in(self) -> str:
        """The month whose split held this money."""
        return self.month_contributor.split("#")[0]


@table
class Connection(Model):
    """A user's connected platform account; ``identity`` is the proven platform id."""

    class Meta(TableMeta):
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


@table
class SentMail(Model):
    """That one email of a kind went to one person for one month (a statement, a warning),
    so that a re-run sends none twice; forgotten after a year."""

    class Meta(TableMeta):
        table_name = "sent-mail"

    key = UnicodeAttribute(hash_key=True)  # <kind>#<month>#<user>
    expires_at = TTLAttribute()


class DeviceTokenByUser(GlobalSecondaryIndex["DeviceToken"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


@table
class DeviceToken(Model):
    """A browser extension's token: does not expire, can be revoked; kept only as its hash
    (the token is shown once). Accepted on the routes an extension needs (``Route.devices``)."""

    class Meta(TableMeta):
        table_name = "device-tokens"

    token_hash = UnicodeAttribute(hash_key=True)
    device_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)  # to the hour: when it was last seen
    by_user = DeviceTokenByUser()


class AppGrantByUser(GlobalSecondaryIndex["AppGrant"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(range_key=True)


class AppGrantByClient(GlobalSecondaryIndex["AppGrant"]):
    class Meta:
        index_name = "by-client"
        projection = KeysOnlyProjection()

    client_id = UnicodeAttribute(hash_key=True)


class AppGrantByCode(GlobalSecondaryIndex["AppGrant"]):
    class Meta:
        index_name = "by-code"
        projection = KeysOnlyProjection()

    code_hash = UnicodeAttribute(hash_key=True)


@table
class AppGrant(Model):
    """An app's access token for one person (the Flattr REST API v2's apps): as v2's, it
    does not expire, and it can be revoked; kept only as its hash (shown once, in the token
    answer), with the scopes the person allowed and the code it was given for (a code used
    twice revokes what it gave)."""

    class Meta(TableMeta):
        table_name = "app-grants"

    token_hash = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    scopes = UnicodeAttribute()  # space-separated, as OAuth writes them
    client_name = UnicodeAttribute(null=True)  # the app's name when allowed: on its flattrs
    code_hash = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)  # to the hour
    by_user = AppGrantByUser()
    by_client = AppGrantByClient()
    by_code = AppGrantByCode()


class PledgeByBucket(GlobalSecondaryIndex["Pledge"]):
    """A split shard reads the pledges of its contributors: ``bucket`` is the contributor's
    shard among ``payout/pledges.BUCKETS`` (a month's shards gather or divide them)."""

    class Meta:
        index_name = "by-bucket"
        projection = AllProjection()

    bucket = NumberAttribute(hash_key=True)
    pledge_ref = UnicodeAttribute(range_key=True)


@table
class Pledge(Model):
    """A contributor's monthly pledge to one recipient, paid first at each split."""

    class Meta(TableMeta):
        table_name = "pledges"

    contributor_id = UnicodeAttribute(hash_key=True)
    pledge_id = UnicodeAttribute(range_key=True)  # begins with its time: oldest first
    recipient = UnicodeAttribute()
    amount = NumberAttribute()  # micro-units a month, before the fee
    created_at = UTCDateTimeAttribute()
    bucket = NumberAttribute()
    pledge_ref = UnicodeAttribute()  # <contributor_id>#<pledge_id>
    by_bucket = PledgeByBucket()


LATER = "later"  # a month's stats item: what became of its held money since the split


@table
class MonthStat(Model):
    """Aggregates of a month's split, for the public stats: one item per shard
    (``shard#007``, rewritten whole by every run of that shard), one marker per creator
    paid (``creator#<id>``, only to count them; it expires with the month's escrow, after
    which no claim can pay anyone for that month), the month's ``total`` written when the
    split finishes, and ``later``: what became of its held money since (claimed, or given
    back), added in the transaction that moves the money. The split writes them, claims,
    declines and expiry add to ``later``: shared, so ``core`` holds it. Never read per user."""

    class Meta(TableMeta):
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
    claimed = NumberAttribute(default=0)  # on ``later``: held money claimed since the split
    returned = NumberAttribute(default=0)  # on ``later``: held money declined or expired
    settled_creators = NumberAttribute(null=True)  # on ``later``: counted when escrow ended
    expires_at = TTLAttribute(null=True)  # on markers: a month after the escrow's end


def later_stat(month: str, currency: str) -> MonthStat:
    """What became of ``month``'s held money in ``currency`` since its split (``later``, or
    ``later#USD``: one item per currency, ``currencies.suffixed``)."""
    return MonthStat(month, currencies.suffixed(LATER, currency))

"""Claims' tables: claim links, email cadence and suppressions, domains, proven addresses,
the catalogue of unclaimed recipients and the notices to donors.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


@table
class ClaimToken(Model):
    """A claim link: the SHA-256 of its 256-bit token, never the token itself. With
    ``user_id``: a link proving an email address, sent to it at that user's request,
    good for one use by them (``claim/addresses.py``)."""

    class Meta(TableMeta):
        table_name = "claim-tokens"

    token_hash = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute()
    expires_at = TTLAttribute()
    user_id = UnicodeAttribute(null=True)


@table
class EmailState(Model):
    """Unclaimed-flattrs email cadence and suppression per recipient. The address itself is
    never stored: it is looked up where the recipient published it, each time."""

    class Meta(TableMeta):
        table_name = "email-state"

    recipient = UnicodeAttribute(hash_key=True)
    first_sent_at = UTCDateTimeAttribute(null=True)
    last_sent_at = UTCDateTimeAttribute(null=True)
    notices = NumberAttribute(default=0)
    last_notice_sent = BooleanAttribute(default=False)
    suppressed = BooleanAttribute(default=False)  # unsubscribed: never again
    # Only on an address's own turn (``address:<keyed hash>``): gone once it has passed.
    expires_at = TTLAttribute(null=True)


@table
class Suppression(Model):
    """An address that must get no email: a hard bounce, a complaint or an unsubscribe.
    Keyed by a keyed hash of the address, so the list holds no addresses."""

    class Meta(TableMeta):
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


@table
class DomainClaim(Model):
    """A domain a user is proving, or has proved, to be theirs."""

    class Meta(TableMeta):
        table_name = "domains"

    domain = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    token = UnicodeAttribute()  # published in DNS or in the meta tag
    verified_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    by_user = DomainClaimByUser()


@table
class VerifiedDomain(Model):
    """Who has verified a domain: written on the condition that nobody else has, in the
    transaction that marks their claim verified, so of two users verifying at once one
    wins."""

    class Meta(TableMeta):
        table_name = "verified-domains"

    domain = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()


@table
class ProvenEmail(Model):
    """A user proved an address theirs (a single-use link sent to it was opened while they
    were signed in): they may claim its recipient, ``email:<keyed hash>``."""

    class Meta(TableMeta):
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


class CatalogueBySupporters(GlobalSecondaryIndex["CatalogueEntry"]):
    """``sort=top``: by supporters, whatever the currencies of their money (amounts of
    different currencies cannot be ranked against one another). It replaces ``by-rank``
    (by the amount in one currency), which goes in the next deployment: DynamoDB adds or
    removes one index an update."""

    class Meta:
        index_name = "by-supporters"
        projection = AllProjection()

    board = UnicodeAttribute(hash_key=True)
    supporters = NumberAttribute(range_key=True)


class CatalogueByTrend(GlobalSecondaryIndex["CatalogueEntry"]):
    class Meta:
        index_name = "by-trend"
        projection = AllProjection()

    board = UnicodeAttribute(hash_key=True)
    recent = NumberAttribute(range_key=True)


@table
class CatalogueEntry(Model):
    """The public catalogue of unclaimed recipients with money waiting, rebuilt daily."""

    class Meta(TableMeta):
        table_name = "catalogue"

    recipient = UnicodeAttribute(hash_key=True)
    board = UnicodeAttribute(default="unclaimed")
    amount = NumberAttribute()  # escrow waiting in ``currency`` (the most of it is in)
    recent = NumberAttribute()  # escrow from the latest split month: "trending"
    currency = UnicodeAttribute(null=True)  # of amount and recent: what most waits in
    amounts = JSONAttribute(null=True)  # currency -> escrow waiting in it (all of them)
    supporters = NumberAttribute()
    flattrs = NumberAttribute()
    expires_month = UnicodeAttribute()
    by_rank = CatalogueByRank()
    by_supporters = CatalogueBySupporters()
    by_trend = CatalogueByTrend()


@table
class DonorNotice(Model):
    """A recipient a contributor gave escrow to has been claimed: told in the next digest."""

    class Meta(TableMeta):
        table_name = "donor-notices"

    contributor_id = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute(range_key=True)
    amount = NumberAttribute()
    at = UTCDateTimeAttribute()

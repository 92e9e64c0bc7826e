"""Ownership's tables: handle aliases, and owner lookups' answers and waiting months."""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


class HandleAliasById(GlobalSecondaryIndex["HandleAlias"]):
    class Meta:
        index_name = "by-id"
        projection = AllProjection()

    id_key = UnicodeAttribute(hash_key=True)
    handle_key = UnicodeAttribute(range_key=True)


@table
class HandleAlias(Model):
    """That a platform handle was seen naming an account id (``github:octocat`` →
    ``github:583231``), and when: money held under a handle is claimable only by the id
    the handle was known to name. Public facts about platform accounts; kept while
    escrow earned under the handle can still be waiting (seven months after last seen)."""

    class Meta(TableMeta):
        table_name = "handle-aliases"

    handle_key = UnicodeAttribute(hash_key=True)
    id_key = UnicodeAttribute(range_key=True)
    first_seen = UTCDateTimeAttribute()
    last_seen = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    by_id = HandleAliasById()


@table
class LookupItem(Model):
    """The ``lookups`` table: what owner lookups (a video's channel, a short link's target)
    answered, and which months wait for one (``core/ownership/lookups.py``)."""

    class Meta(TableMeta):
        table_name = "lookups"

    key = UnicodeAttribute(hash_key=True)
    sort = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


@table
class LookupAnswer(LookupItem):
    """``answer#<lookup id>``, ``-``: the recipient key a lookup found, or none (the item
    has no owner we can pay: ``reason``); kept a day (an answer), an hour (none)."""

    recipient = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    answered_at = UTCDateTimeAttribute()


@table
class PendingLookup(LookupItem):
    """``pending#<month>#<shard>``, ``<lookup id>``: flattrs of ``month`` wait for this
    lookup (the shard: 16 by the lookup's id, ``lookups.MARKER_SHARDS``); the
    split waits for the month's markers (at most six hours). What to ask is kept here."""

    platform = UnicodeAttribute()
    kind = UnicodeAttribute()
    reference = UnicodeAttribute()
    since = UTCDateTimeAttribute()


@table
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

"""Plumbing's tables: account tombstones, rate limits and idempotency records."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


@table
class DeletedUser(Model):
    """A deleted account's tombstone: tokens issued to it are refused on every route, so
    nothing is recreated under the id the anonymous money records keep. Holds no more
    than the random id and when."""

    class Meta(TableMeta):
        table_name = "deleted-users"

    user_id = UnicodeAttribute(hash_key=True)
    deleted_at = UTCDateTimeAttribute()


@table
class RateLimit(Model):
    """What one limit has counted in one window (``common/limits.py``): requests of one
    account, mails to one address (by keyed hash). Gone when the window has passed."""

    class Meta(TableMeta):
        table_name = "rate-limits"

    window = UnicodeAttribute(hash_key=True)  # <limit>#<whose>#<window start epoch>
    used = NumberAttribute(default=0)
    expires_at = TTLAttribute()


@table
class IdempotencyRecord(Model):
    """Powertools idempotency's records (``functions/common/idempotency.py``): the answer to
    a money write, by a hash of its route, user and ``Idempotency-Key``; Powertools writes
    and reads them, this model only names the table and its key."""

    class Meta(TableMeta):
        table_name = "idempotency"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)

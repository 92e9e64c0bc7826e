"""The platforms' tables: apps' registrations and their shared request budgets."""

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
class OAuthClient(Model):
    """Our OAuth app on a server that registers apps per server (Mastodon): registered on
    first use and kept; the client secret is sealed like a token."""

    class Meta(TableMeta):
        table_name = "oauth-clients"

    client_key = UnicodeAttribute(hash_key=True)  # <platform>#<server>
    client_id = UnicodeAttribute()
    client_secret = UnicodeAttribute()  # KMS-envelope-sealed
    registered_at = UTCDateTimeAttribute()


@table
class AppBudget(Model):
    """Requests spent in one window of a per-app-key limit (Flickr, Tumblr), shared by
    every user's polling."""

    class Meta(TableMeta):
        table_name = "app-budgets"

    window = UnicodeAttribute(hash_key=True)  # <platform>#<seconds>#<window start epoch>
    used = NumberAttribute(default=0)
    expires_at = TTLAttribute()

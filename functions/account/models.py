"""The account domain's own tables: apps that developers registered for the Flattr REST
API v2, and the authorization codes its authorization server gave them (apps' tokens are
``core.models.AppGrant``: the authorizer and the v2 routes read them)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


class AppByOwner(GlobalSecondaryIndex["App"]):
    class Meta:
        index_name = "by-owner"
        projection = AllProjection()

    owner_id = UnicodeAttribute(hash_key=True)


@table
class App(Model):
    """An app a developer registered: where it may send people back, and its secret as a
    hash (shown once); a public app (one that cannot keep a secret) has none and must use
    PKCE."""

    class Meta(TableMeta):
        table_name = "apps"

    client_id = UnicodeAttribute(hash_key=True)
    owner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    redirect_uris = ListAttribute[str]()  # strings, in the order registered
    website = UnicodeAttribute(null=True)
    public = BooleanAttribute(default=False)
    secret_hash = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    by_owner = AppByOwner()


@table
class AppCode(Model):
    """An authorization code, as its hash: for ten minutes, once (``used_at``; a second use
    revokes what the first gave, so the item stays until it expires)."""

    class Meta(TableMeta):
        table_name = "app-codes"

    code_hash = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    redirect_uri = UnicodeAttribute(null=True)  # as the request named it (None: not named)
    scopes = UnicodeAttribute()
    challenge = UnicodeAttribute(null=True)
    challenge_method = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
    used_at = UTCDateTimeAttribute(null=True)

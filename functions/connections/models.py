"""Connections' tables: which account of a platform is connected to whom, and OAuth flows
in progress.
"""

from __future__ import annotations

from pynamodb.attributes import (
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


@table
class ConnectedIdentity(Model):
    """Who has connected a platform account: written in the transaction that stores the
    connection, on the condition that nobody else has, so one account has one user."""

    class Meta(TableMeta):
        table_name = "connected-identities"

    identity = UnicodeAttribute(hash_key=True)  # <platform>#<stable id>
    user_id = UnicodeAttribute()


@table
class OAuthState(Model):
    """A pending authorization: single-use ``state`` (stored hashed), bound to its user
    and to the browser that started it."""

    class Meta(TableMeta):
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

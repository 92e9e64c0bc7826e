"""What ownership a connection proves: the recipient keys of its platform account."""

from __future__ import annotations

from datetime import datetime

from functions.core.models import Connection
from functions.core.ownership import aliases


def _case_sensitive(platform: str) -> bool:
    from functions.core.platforms.registry import BY_NAME

    found = BY_NAME.get(platform)
    return found is not None and found.case_sensitive_owner


def id_key(connection: Connection) -> str:
    """The account's key: its platform id, with its case where the platform's ids are
    case-sensitive (YouTube's channel ids), exactly as the resolver keys it."""
    stable_id = connection.identity.split("#", 1)[1]
    kept = stable_id if _case_sensitive(connection.platform) else stable_id.lower()
    return f"{connection.platform}:{kept}"


def handle_keys(connection: Connection) -> set[str]:
    """The keys its handle is known by (an alias of the id), if it has one."""
    if not connection.handle:
        return set()
    keys = {f"{connection.platform}:{connection.handle.lower()}"}
    if _case_sensitive(connection.platform):
        keys.add(f"{connection.platform}:{connection.handle}")
    return keys


def proven_by(connection: Connection) -> set[str]:
    """The recipient keys of the account a connection proves: its id and its handle."""
    return {id_key(connection)} | handle_keys(connection)


def claimable_by(connection: Connection) -> set[str]:
    """What the connection lets its user claim: its id's money always; what waits under a
    handle it has had, only if it was the first account seen with that handle (a handle
    released and taken by someone else does not bring the earlier holder's money along)."""
    own = id_key(connection)
    handles = handle_keys(connection) | aliases.handles_of(own)  # its earlier names too
    return {own} | {h for h in handles if aliases.proves_handle(h, own)}


def record_handle(connection: Connection, at: datetime) -> None:
    """Put on record that the connection's handle names its id."""
    if connection.handle:
        aliases.record(f"{connection.platform}:{connection.handle.lower()}", id_key(connection), at)

"""What ownership a connection proves: the recipient keys of its platform account."""

from __future__ import annotations

from functions.common.models import Connection


def proven_by(connection: Connection) -> set[str]:
    """The recipient keys a connection proves: its platform id, and its handle as an alias."""
    stable_id = connection.identity.split("#", 1)[1]
    keys = {f"{connection.platform}:{stable_id.lower()}"}
    if connection.handle:
        keys.add(f"{connection.platform}:{connection.handle.lower()}")
    return keys

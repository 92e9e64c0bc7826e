"""What ownership a connection proves: the recipient keys of its platform account."""

from __future__ import annotations

from functions.common.models import Connection


def proven_by(connection: Connection) -> set[str]:
    """The recipient keys a connection proves: its platform id (case kept where the
    platform's ids are case-sensitive, as YouTube's channel ids are, exactly as the
    resolver keys them), and its handle as an alias."""
    from functions.core.platforms.registry import BY_NAME

    platform = BY_NAME.get(connection.platform)
    case_sensitive = platform is not None and platform.case_sensitive_owner
    stable_id = connection.identity.split("#", 1)[1]
    keys = {f"{connection.platform}:{stable_id if case_sensitive else stable_id.lower()}"}
    if connection.handle:
        keys.add(f"{connection.platform}:{connection.handle.lower()}")
        if case_sensitive:
            keys.add(f"{connection.platform}:{connection.handle}")
    return keys

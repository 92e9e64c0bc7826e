"""Connections' part of a person's data: exported, and erased when the account goes
(``functions/account`` asks each domain): each connection's token is revoked at its
platform where it allows, and the handles it proved are forgotten."""

from __future__ import annotations

from typing import Any

from functions.common.clock import rfc3339
from functions.common.storage import ensure_bound
from functions.connections import lifecycle
from functions.core.models import Connection
from functions.core.ownership import aliases, proofs


def export(user_id: str) -> dict[str, Any]:
    ensure_bound()
    return {
        "connections": [
            {
                "platform": c.platform,
                "handle": c.handle,
                "server": c.instance,
                "state": c.state,
                "auto_flattr": bool(c.auto_flattr),
                "connected_at": rfc3339(c.connected_at),
            }
            for c in Connection.query(user_id)
        ]
    }


def erase(user_id: str) -> dict[str, int]:
    ensure_bound()
    connections = list(Connection.query(user_id))
    forgotten = 0
    for connection in connections:
        lifecycle.disconnect(connection)
        forgotten += aliases.forget_account(proofs.id_key(connection))
    return {"connections": len(connections), "handle_aliases": forgotten}

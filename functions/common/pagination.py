"""List cursors: DynamoDB's ``LastEvaluatedKey``, handed out signed and bound to the list
and the caller they were issued for, so a cursor this API did not give (forged, altered,
another user's, another list's, or garbage) is a 422 before it reaches DynamoDB."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from functions.common.errors import bad_field
from functions.common.hashing import sign

PURPOSE = "cursor"


def _not_ours() -> Exception:
    return bad_field(422, "query.cursor", "is not a cursor this API gave")


def encode_cursor(key: dict[str, Any] | None, scope: str) -> str | None:
    """``key`` as an opaque cursor, valid only for ``scope`` (the list and its caller)."""
    if not key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()
    return f"{payload.rstrip('=')}.{sign(f'{scope}|{payload}', PURPOSE)}"


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    """The key behind a cursor this API gave for ``scope``; a 422 for anything else."""
    if not cursor:
        return None
    if not cursor.isascii():  # we only ever hand out base64url and a dot
        raise _not_ours()
    payload, dot, signature = cursor.partition(".")
    if not dot or not payload or len(payload) > 4096:
        raise _not_ours()
    padded = payload + "=" * (-len(payload) % 4)
    if not hmac.compare_digest(sign(f"{scope}|{padded}", PURPOSE), signature):
        raise _not_ours()
    try:
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError) as error:
        raise _not_ours() from error
    if not isinstance(key, dict):
        raise _not_ours()
    return key

"""The public catalogue of unclaimed recipients (``GET /v1/unclaimed``): who has money
waiting, by amount or by what came in lately; rebuilt by the daily email job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pynamodb.exceptions import DoesNotExist, QueryError

from functions.claim.models import CatalogueEntry
from functions.common.errors import Invalid
from functions.common.pagination import decode_cursor, encode_cursor
from functions.common.storage import ensure_bound
from functions.core.models import Recipient

Sort = Literal["top", "trending"]


def page(
    q: str | None, sort: Sort, cursor: str | None, limit: int
) -> tuple[list[CatalogueEntry], str | None]:
    """One page of the catalogue, and the cursor to the next (bound to this query)."""
    ensure_bound()
    scope = f"catalogue|{sort}|{q or ''}"
    index = CatalogueEntry.by_rank if sort == "top" else CatalogueEntry.by_trend
    condition = CatalogueEntry.recipient.contains(q.strip().lower()) if q else None
    try:
        results = index.query(
            "unclaimed",
            scan_index_forward=False,
            filter_condition=condition,
            limit=limit,
            last_evaluated_key=decode_cursor(cursor, scope),
        )
        items = list(results)
    except (QueryError, ValueError, TypeError, KeyError) as error:
        raise Invalid("is not a cursor this API gave", field="query.cursor") from error
    return items, encode_cursor(results.last_evaluated_key, scope)


@dataclass(frozen=True)
class Public:
    """What anyone may know of one recipient: claimed or declined, and what waits."""

    recipient: str
    claimed: bool
    declined: bool
    waiting: CatalogueEntry | None


def public(recipient: str) -> Public:
    ensure_bound()
    try:
        record: Recipient | None = Recipient.get(recipient)
    except DoesNotExist:
        record = None
    try:
        listed: CatalogueEntry | None = CatalogueEntry.get(recipient)
    except DoesNotExist:
        listed = None
    claimed = bool(record and (record.claimed_by or record.declared_user))
    declined = bool(record and record.declined_at)
    return Public(recipient, claimed, declined, None if claimed or declined else listed)

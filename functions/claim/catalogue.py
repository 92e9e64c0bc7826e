"""The public catalogue of unclaimed recipients (``GET /v1/unclaimed``): who has money
waiting, by amount or by what came in lately; rebuilt by the daily email job."""

from __future__ import annotations

from typing import Literal

from pynamodb.exceptions import QueryError

from functions.claim.models import CatalogueEntry
from functions.common.errors import Invalid
from functions.common.pagination import decode_cursor, encode_cursor
from functions.common.storage import ensure_bound

Sort = Literal["top", "trending"]


def page(
    q: str | None, sort: Sort, cursor: str | None, limit: int
) -> tuple[list[CatalogueEntry], str | None]:
    """One page of the catalogue, and the cursor to the next (bound to this query)."""
    ensure_bound()
    scope = f"catalogue|{sort}|{q or ''}"
    index = CatalogueEntry.by_supporters if sort == "top" else CatalogueEntry.by_trend
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

"""``Idempotency-Key`` on the website's money writes (pay-ins, refunds, withdrawals, the
payout account, the monthly top-up), with Powertools idempotency: the same person's same
key on the same route answers the same (status and body) for a day; the same key with
another body is a 409, as Stripe does; the same key while the first is still running is a
409 to retry. What failed is not remembered: a retry runs again (and the domain underneath
is idempotent by its own ids, so that a crash between Stripe and us never charges twice).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from functions.common.errors import Conflict
from functions.common.models import IdempotencyRecord
from functions.common.storage import ensure_bound

DAY_SECONDS = 86_400


class KeyReused(Conflict):
    """The same ``Idempotency-Key`` came with another request (409, as Stripe does)."""

    def __init__(self) -> None:
        super().__init__(
            "Idempotency-Key: already used for another request", slug="idempotency-key-reused"
        )


@cache
def _store(table: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=table)


def once(
    route: str,
    user_id: str,
    key: str,
    body: Any,
    run: Callable[[], tuple[int, str]],
    context: Any = None,
) -> Response[str]:
    """``run()`` → (status, JSON body), once per (route, user, key); replayed after."""
    ensure_bound()
    config = IdempotencyConfig(
        event_key_jmespath="[route, user, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=DAY_SECONDS,
        raise_on_no_idempotency_key=True,
    )
    if context is not None:
        config.register_lambda_context(context)

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_store(IdempotencyRecord.Meta.table_name),
        config=config,
        key_prefix="money-write",
    )
    def answer(request: dict[str, Any]) -> dict[str, Any]:
        status, text = run()
        return {"status": status, "body": text}

    try:
        done = answer(request={"route": route, "user": user_id, "key": key, "body": body})
    except IdempotencyValidationError as other:
        raise KeyReused() from other
    except IdempotencyAlreadyInProgressError as running:
        raise Conflict(
            "Idempotency-Key: the first request with it is still running; try again shortly",
            slug="idempotency-key-in-use",
        ) from running
    return Response(
        status_code=int(done["status"]), content_type="application/json", body=str(done["body"])
    )

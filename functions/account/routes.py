"""``GET /v1/me/export`` and ``DELETE /v1/me``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from functions.account import account, security
from functions.common.api import current_user_id, jwt_claims

router = Router()


@router.get("/v1/me/export")
def export() -> dict[str, Any]:
    """All data held about me, as one JSON document."""
    return account.export(current_user_id(router))


@router.delete("/v1/me")
def delete_me() -> Response[Any]:
    """Delete my account: money records stay, anonymised; everything else goes."""
    email = jwt_claims(router).get("email")
    account.delete(current_user_id(router), str(email) if email else None)
    return Response(status_code=204, body=None)


routers = [router, *security.routers]  # what the Lambda serves and the OpenAPI document describes

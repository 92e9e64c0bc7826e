"""``GET /v1/me/export`` and ``DELETE /v1/me`` (and, from their modules, two-step sign-in,
device tokens and the website's session)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response

from functions.account import app_routes, deletion, devices, security, sessions
from functions.account import export as data_export
from functions.common.api import DomainRouter, current_user_id, jwt_claims

router = DomainRouter()


@router.get("/v1/me/export")
def export() -> dict[str, Any]:
    """All data held about me, as one JSON document."""
    return data_export.export(current_user_id(router))


@router.delete("/v1/me")
def delete_me() -> Response[Any]:
    """Delete my account: at once, my tokens are refused everywhere; then unspent money goes
    back to my payment methods and earnings to my payout account where they can (what
    cannot is kept for me, and I am emailed how much); money records stay, anonymised;
    everything else goes."""
    current_user_id(router)
    deletion.delete(jwt_claims(router))
    return Response(status_code=204, body=None)


# What the Lambda serves and the OpenAPI document describes.
routers = [router, *security.routers, *devices.routers, sessions.router, *app_routes.routers]

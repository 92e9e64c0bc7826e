"""``/v1/me/devices``: tokens for browser extensions (``core.devices``): made by the
website's extension sign-in page (``/oauth/ext``), listed with their last use, revoked."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from functions.common.api import DomainRouter, current_user_id, jwt_claims
from functions.common.clock import rfc3339
from functions.common.errors import Forbidden
from functions.core import devices
from functions.core.models import DeviceToken

router = DomainRouter()


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Annotated[str, Field(min_length=1, max_length=80)] = "Browser extension"


class DeviceOut(BaseModel):
    id: str
    name: str
    created_at: str | None
    last_used_at: str | None


class IssuedOut(DeviceOut):
    token: str  # shown this once


def _out(device: DeviceToken) -> dict[str, Any]:
    return {
        "id": device.device_id,
        "name": device.name,
        "created_at": rfc3339(device.created_at),
        "last_used_at": rfc3339(device.last_used_at),
    }


@router.post("/v1/me/devices")
def new_device(body: Annotated[DeviceIn, Body()]) -> Response[str]:
    """A token for a browser extension: it does not expire, it can be revoked; shown once."""
    if jwt_claims(router).get("device"):
        raise Forbidden("a device cannot make devices: sign in on the website", slug="forbidden")
    issued = devices.issue(current_user_id(router), body.name)
    out = IssuedOut(**_out(issued.device), token=issued.token)
    return Response(status_code=201, content_type="application/json", body=out.model_dump_json())


@router.get("/v1/me/devices")
def my_devices() -> dict[str, Any]:
    return {"items": [_out(d) for d in devices.mine(current_user_id(router))]}


@router.delete("/v1/me/devices/<device_id>")
def revoke_device(device_id: Annotated[str, Path(max_length=40)]) -> Response[Any]:
    devices.revoke(current_user_id(router), device_id)
    return Response(status_code=204, body=None)


routers = [router]

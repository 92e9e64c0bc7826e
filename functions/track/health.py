"""``GET /v1/health``: is the service up, and which version runs."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from functions.common.settings import settings

router = Router()


class Health(BaseModel):
    status: str
    version: str


@router.get("/v1/health")
def health() -> Health:
    return Health(status="ok", version=settings().service_version)

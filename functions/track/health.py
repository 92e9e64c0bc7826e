"""``GET /v1/health``: is the service up, and which version runs."""

from __future__ import annotations

from pydantic import BaseModel

from functions.common.api import DomainRouter
from functions.common.settings import settings

router = DomainRouter()


class Health(BaseModel):
    status: str
    version: str


@router.get("/v1/health", public=True)
def health() -> Health:
    return Health(status="ok", version=settings().service_version)

"""Our OAuth client on each platform: its id and secret, and where the platform sends
people back. Kept apart from the connect flows so that other domains (the claim domain
reads GitHub profiles as our app) need not load them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities import parameters

from functions.common.settings import settings
from functions.core.platforms import apps
from functions.core.platforms.base import Platform


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


def credentials(adapter: Platform) -> ClientCredentials:
    """The platform's OAuth client: from the secret ``flattr/oauth/<platform>``, or, on a
    platform of many servers, our app registered on the adapter's server."""
    if adapter.per_instance:
        return ClientCredentials(*apps.registered(adapter, redirect_uri(adapter.name)))
    name = f"flattr/oauth/{adapter.name}"
    secret: Any = parameters.get_secret(name, transform="json", max_age=300)
    return ClientCredentials(str(secret["client_id"]), str(secret["client_secret"]))


def redirect_uri(platform: str) -> str:
    return f"{settings().public_url}/v1/connections/{platform}/callback"

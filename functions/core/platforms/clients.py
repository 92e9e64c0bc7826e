"""Our OAuth client on each platform: its id and secret, and where the platform sends
people back. Kept apart from the connect flows so that other domains (the claim domain
reads GitHub profiles as our app) need not load them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.common.settings import settings

if TYPE_CHECKING:
    from functions.core.platforms.base import Connectable


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


def credentials(adapter: Connectable) -> ClientCredentials:
    """The platform's OAuth client: from the secret ``flattr/oauth/<platform>``, or, on a
    platform of many servers, our app registered on the adapter's server."""
    if adapter.per_instance:
        from functions.core.platforms import apps

        return ClientCredentials(*apps.registered(adapter, redirect_uri(adapter.name)))
    from aws_lambda_powertools.utilities import parameters

    name = f"flattr/oauth/{adapter.name}"
    secret: Any = parameters.get_secret(name, transform="json", max_age=300)
    return ClientCredentials(str(secret["client_id"]), str(secret["client_secret"]))


def redirect_uri(platform: str) -> str:
    return f"{settings().public_url}/v1/connections/{platform}/callback"

"""Ending a connection: its token revoked at the platform where it allows, then the
connection and its claim on the platform account deleted. Used by ``DELETE
/v1/connections/{platform}`` and by account deletion."""

from __future__ import annotations

import requests
from aws_lambda_powertools import Logger

from functions.common import crypto
from functions.common.models import Connection
from functions.connections import store
from functions.core.platforms import clients
from functions.core.platforms.registry import ADAPTERS

logger = Logger(service="connections", child=True)


def disconnect(connection: Connection) -> None:
    adapter = ADAPTERS[connection.platform].at(connection.instance)
    if connection.token:
        token = crypto.open_sealed(connection.token, f"{connection.user_id}/{connection.platform}")
        try:
            client = clients.credentials(adapter)
            adapter.revoke(token, client.client_id, client.client_secret)
        except requests.RequestException:
            # The platform is unreachable: the token is deleted here all the same.
            logger.warning("token revocation failed", extra={"platform": connection.platform})
    store.delete(connection)

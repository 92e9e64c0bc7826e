"""Our OAuth app on each server of a many-server platform (Mastodon): registered on the
first connection to that server (``POST /api/v1/apps``) and kept for every later one."""

from __future__ import annotations

import requests
from pynamodb.exceptions import DoesNotExist, PutError

from functions.common import clock, crypto, safe_http
from functions.common.errors import Invalid
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound
from functions.core.platforms.base import Connectable
from functions.core.platforms.models import OAuthClient

APP_NAME = "Flattr"


def check_instance(instance: str | None) -> str:
    """The server a user names, if it is a public host (no private addresses: SSRF)."""
    if not instance:
        raise Invalid("name your server, like mastodon.social", field="query.instance")
    named = instance.strip().lower()
    if named != "*" and named in settings().server_urls:  # an operator named it
        return named
    try:
        return safe_http.check_host(instance)
    except safe_http.Refused as refused:
        raise Invalid(refused.reason, field="query.instance") from refused


def registered(adapter: Connectable, redirect_uri: str) -> tuple[str, str]:
    """(client id, client secret) of our app on ``adapter.instance``."""
    ensure_bound()
    key = f"{adapter.name}#{adapter.instance}"
    try:
        kept = OAuthClient.get(key)
    except DoesNotExist:
        kept = _register(adapter, key, redirect_uri)
    secret = crypto.open_sealed(kept.client_secret, key)["client_secret"]
    return kept.client_id, str(secret)


def _register(adapter: Connectable, key: str, redirect_uri: str) -> OAuthClient:
    try:
        # Guarded as every request to this server is (unless an operator named it).
        answer = adapter.protect(requests.Session()).post(
            f"{adapter.api_url}/api/v1/apps",
            data={
                "client_name": APP_NAME,
                "redirect_uris": redirect_uri,
                "scopes": " ".join(adapter.scopes),
                "website": settings().public_url,
            },
            timeout=5,
            allow_redirects=False,
        )
        app = answer.json() if answer.status_code == 200 else {}
    except (requests.RequestException, ValueError) as error:
        raise Invalid("this server did not register our app", field="query.instance") from error
    if not isinstance(app, dict) or not app.get("client_id") or not app.get("client_secret"):
        raise Invalid("this server did not register our app", field="query.instance")
    client = OAuthClient(
        key,
        client_id=str(app["client_id"]),
        client_secret=crypto.seal({"client_secret": str(app["client_secret"])}, key),
        registered_at=clock.now(),
    )
    try:
        client.save(condition=OAuthClient.client_key.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise
        return OAuthClient.get(key)  # registered at the same moment by another request
    return client

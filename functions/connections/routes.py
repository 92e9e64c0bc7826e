"""The connections API: list, authorize, callback, auto-flattr on or off, disconnect."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from pydantic import BaseModel, ConfigDict

from functions.common import clock
from functions.common.api import DomainRouter, current_user_id, private_cookie, request_cookie
from functions.common.clock import rfc3339
from functions.common.errors import Problem
from functions.connections import lifecycle, oauth, store
from functions.core.models import Connection
from functions.core.ownership.proofs import claimable_by
from functions.core.platforms import clients
from functions.core.platforms.base import Connectable
from functions.core.platforms.bluesky import Bluesky
from functions.core.platforms.registry import CONNECTABLE

BLUESKY = Bluesky()  # its client metadata document is served here
router = DomainRouter()
PlatformName = Annotated[str, Path(pattern=r"^[a-z0-9]{2,20}$")]


class ConnectionOut(BaseModel):
    platform: str
    handle: str | None
    state: str
    auto_flattr: bool
    connected_at: str | None
    # The recipient keys this connection proves: what its user may claim or decline.
    recipients: list[str] = []


class PlatformOut(BaseModel):
    name: str
    display_name: str
    asks_server: bool  # one platform of many servers: the person names theirs
    default_server: str | None


class ConnectionList(BaseModel):
    items: list[ConnectionOut]
    cursor: str | None = None
    platforms: list[PlatformOut] = []  # what can be connected


def _platforms() -> list[PlatformOut]:
    return [
        PlatformOut(
            name=adapter.name,
            display_name=adapter.display,
            asks_server=adapter.per_instance,
            default_server=adapter.default_instance,
        )
        for adapter in CONNECTABLE.values()
    ]


class ConnectionChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    auto_flattr: bool


def _adapter(platform: str) -> Connectable:
    adapter = CONNECTABLE.get(platform)
    if adapter is None:
        raise Problem(404, "not-found", f"platform: {platform!r} cannot be connected")
    return adapter


def _out(connection: Connection, with_recipients: bool = False) -> ConnectionOut:
    return ConnectionOut(
        platform=connection.platform,
        handle=connection.handle,
        state=connection.state,
        auto_flattr=bool(connection.auto_flattr),
        connected_at=rfc3339(connection.connected_at),
        recipients=sorted(claimable_by(connection)) if with_recipients else [],
    )


@router.get("/v1/connections")
def list_connections() -> ConnectionList:
    mine = store.connections_of(current_user_id(router))
    return ConnectionList(
        items=[_out(c, with_recipients=True) for c in mine], platforms=_platforms()
    )


class AuthorizeOut(BaseModel):
    authorize_url: str


BINDING_COOKIE = "flattr_connect"


def _binding_cookie(platform: str, value: str, max_age: int) -> Cookie:
    """The cookie that binds a connect flow to the browser that started it: sent back only
    to this platform's callback, unreadable by scripts."""
    return private_cookie(
        BINDING_COOKIE,
        value,
        path=f"/v1/connections/{platform}/",
        max_age=max_age,
        same_site=SameSite.LAX_MODE,
    )


def _browser_secret() -> str | None:
    return request_cookie(router, BINDING_COOKIE)


@router.get("/v1/connections/<platform>/authorize")
def authorize(
    platform: PlatformName,
    return_to: Annotated[str, Query(max_length=512)] = "/settings/connections",
    instance: Annotated[str | None, Query(max_length=253)] = None,
    accept: Annotated[str | None, Header(max_length=1024)] = None,
) -> Response[Any]:
    """``instance`` names the server on a platform of many (Mastodon: ``mastodon.social``).
    A page asks with ``Accept: application/json`` (it cannot read a redirect's target)
    and navigates to ``authorize_url`` itself; either way the binding cookie is set."""
    adapter = _adapter(platform)
    started = oauth.start(adapter, current_user_id(router), return_to, clock.now(), instance)
    cookie = _binding_cookie(platform, started.browser_secret, oauth.STATE_SECONDS)
    if accept and "application/json" in accept.lower():
        return Response(
            status_code=200,
            content_type="application/json",
            body=AuthorizeOut(authorize_url=started.authorize_url).model_dump_json(),
            cookies=[cookie],
        )
    return Response(
        status_code=302,
        headers={"Location": started.authorize_url},
        body=None,
        cookies=[cookie],
    )


def _back(platform: str, return_to: str, **params: str) -> Response[Any]:
    separator = "&" if "?" in return_to else "?"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return Response(
        status_code=302,
        headers={"Location": f"{return_to}{separator}{query}"},
        body=None,
        cookies=[_binding_cookie(platform, "", 0)],  # spent: the browser forgets it
    )


Param = Annotated[str | None, Query(min_length=1, max_length=2048)]


@router.get("/v1/connections/<platform>/callback", public=True)
def callback(
    platform: PlatformName,
    code: Param = None,
    state: Annotated[str | None, Query(min_length=1, max_length=256)] = None,
    oauth_token: Param = None,
    oauth_verifier: Param = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> Response[Any]:
    """OAuth 2 returns ``code`` and ``state`` (or ``error``); OAuth 1.0a returns
    ``oauth_token`` and ``oauth_verifier``."""
    query = {
        "code": code,
        "state": state,
        "oauth_token": oauth_token,
        "oauth_verifier": oauth_verifier,
        "error": error,
    }
    try:
        finished = oauth.finish(_adapter(platform), query, clock.now(), _browser_secret())
    except oauth.OtherBrowser as other:
        raise Problem(
            403,
            "other-browser",
            "state: this connection was started in another browser; start it again here",
        ) from other
    if finished.connected is None:
        # The person said no at the platform: back to our page, nothing stored.
        return _back(platform, finished.pending.return_to, connect_error=platform)
    lifecycle.connect(finished.pending, finished.connected, clock.now())
    return _back(platform, finished.pending.return_to, connected=platform)


@router.patch("/v1/connections/<platform>")
def change(platform: PlatformName, body: Annotated[ConnectionChange, Body()]) -> ConnectionOut:
    connection = store.get(current_user_id(router), platform)
    if connection is None:
        raise Problem(404, "not-found", f"platform: no {platform} connection of yours")
    lifecycle.set_auto_flattr(connection, body.auto_flattr, clock.now())
    return _out(connection)


@router.delete("/v1/connections/<platform>")
def disconnect(platform: PlatformName) -> Response[Any]:
    connection = store.get(current_user_id(router), platform)
    if connection is None:
        raise Problem(404, "not-found", f"platform: no {platform} connection of yours")
    _adapter(platform)
    lifecycle.disconnect(connection)
    return Response(status_code=204, body=None)


@router.get("/oauth/bluesky/client.json", public=True)
def bluesky_client_metadata() -> dict[str, Any]:
    """Bluesky's OAuth finds our client by this URL (the ``client_id`` is the URL)."""
    return {
        "client_id": BLUESKY.client_metadata_url(),
        "client_name": "Flattr",
        "application_type": "web",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "redirect_uris": [clients.redirect_uri("bluesky")],
        "scope": "atproto",
        "token_endpoint_auth_method": "none",
        "dpop_bound_access_tokens": True,
    }


routers = [router]  # what the Lambda serves and the OpenAPI document describes

"""Every route is declared once, by its decorator (``common/api.DomainRouter``), with who
may call it; the deployment table gathers them. What is open to anyone, and what to an
extension's device token, is checked here against the API's contract, so that a route
made public (or open to device tokens) by a slip fails."""

from __future__ import annotations

import importlib

from functions.common.api import DomainRouter
from functions.deployment import API_DOMAINS, ROUTES

PUBLIC = {
    "GET /v1/health",
    "GET /v1/resolve",
    "GET /v1/stats",
    "GET /v1/connections/{platform}/callback",
    "GET /oauth/bluesky/client.json",
    "GET /v1/claims/{token}",
    "GET /claim/{token}",
    "GET /v1/unclaimed",
    "GET /v1/recipients/{key}",
    "GET /v1/recipients/{key}/avatar",
    # Creators' public pages and badges (api.md: Profiles and badges).
    "GET /v1/profiles/{username}",
    "GET /v1/profiles/{username}/avatar",
    "POST /oauth/token",
    "POST /oauth/revoke",
    "GET /v1/profiles/{username}/badge.svg",
    "GET /v1/recipients/{key}/badge.svg",
    "GET /v1/email/unsubscribe",
    "POST /v1/email/unsubscribe",
    "POST /v1/payments/stripe/webhook",
    # The website's session: its cookie (or the sign-in's code) is the credential.
    "POST /v1/session",
    "POST /v1/session/refresh",
    "DELETE /v1/session",
    # The REST API v2 for apps: no authorizer, the route checks an app's token itself on
    # every request (``track/restv2.caller``), so that a revoked one fails at once; some of
    # its resources are public in v2 too.
    "GET /rest/v2/rate_limit",
    "GET /rest/v2/user",
    "GET /rest/v2/users/{username}",
    "GET /rest/v2/users/{username}/flattrs",
    "GET /rest/v2/user/flattrs",
    "POST /rest/v2/flattr",
    "GET /rest/v2/things/lookup",
    "GET /rest/v2/things/{ids}",
    "POST /rest/v2/things/{thing}/flattr",
}
# What an extension needs (docs: the track routes, /rest/v2, GET /v1/me and the balance).
DEVICES = {
    "POST /v1/attention",
    "GET /v1/attention",
    "POST /v1/visits",
    "POST /v1/flattrs",
    "GET /v1/flattrs",
    "DELETE /v1/flattrs/{flattr_id}",
    "POST /rest/v2/flattr/bulk",
    "GET /v1/me",
    "GET /v1/me/balance",
}


def test_every_api_router_declares_its_routes():
    for domain in API_DOMAINS:
        for router in importlib.import_module(f"functions.{domain}.routes").routers:
            assert isinstance(router, DomainRouter), domain


def test_each_route_is_declared_once():
    keys = [route.route_key for route in ROUTES]
    assert len(keys) == len(set(keys))


def test_public_and_device_routes_are_the_contracts():
    assert {r.route_key for r in ROUTES if r.public} == PUBLIC
    assert {r.route_key for r in ROUTES if r.devices} == DEVICES


def test_a_path_parameter_is_named_as_api_gateway_names_it():
    router = DomainRouter()

    @router.delete("/v1/things/<thing_id>", devices=True)
    def remove(thing_id: str) -> None: ...

    (declared,) = router.declared
    assert (declared.method, declared.path, declared.public, declared.devices) == (
        "DELETE",
        "/v1/things/{thing_id}",
        False,
        True,
    )

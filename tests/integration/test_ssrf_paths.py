"""SSRF after the first request (hardening finding 2): the token exchange, the identity
read, polling and revocation on a user's Mastodon server, and a Bluesky account's PDS
named by its DID document, each pointed at a listener on loopback through a redirect or
the document. The listener proves that no connection reaches it; the flow fails cleanly.
The platforms are ``responses`` (recorded shapes); only loopback is real."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import responses

from functions.common import safe_http
from functions.core.models import Connection
from local.recorded import fediverse as shapes
from tests.conftest import call
from tests.integration.test_platform_flows import (
    BROWSER,
    BSKY,
    SOCIAL,
    bluesky_server,
    mastodon_authorize,
    mastodon_server,
    poll,
    query_of,
    web,  # noqa: F401 - the fixture
)


@dataclass
class Listener:
    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture
def listener(web) -> Iterator[Listener]:  # noqa: F811
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                peer, address = server.accept()
            except TimeoutError:
                continue
            found.connections.append(address)
            peer.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    # Anything sent to loopback really goes there, so the listener would see it.
    web.add_passthru("http://127.0.0.1")
    web.add_passthru("https://127.0.0.1")
    yield found
    stop.set()
    thread.join()
    server.close()


def redirect_to(url: str) -> dict:
    return {"status": 307, "headers": {"Location": url}}


def start_mastodon() -> str:
    answer = mastodon_authorize()
    assert answer.status == 302, answer.raw
    return query_of(answer.headers["location"])["state"]


def finish_mastodon(state: str):
    return BROWSER.call(
        "GET", "/v1/connections/mastodon/callback", user=None, query=f"code=c&state={state}"
    )


def connect_mastodon(web) -> None:  # noqa: F811
    mastodon_server(web)
    assert finish_mastodon(start_mastodon()).status == 302


def test_the_token_exchange_does_not_follow_a_redirect_to_loopback(web, listener):  # noqa: F811
    web.post(f"{SOCIAL}/api/v1/apps", json=shapes.MASTODON_APP)
    web.post(f"{SOCIAL}/oauth/token", **redirect_to(f"{listener.url}token"))
    answer = finish_mastodon(start_mastodon())
    assert answer.status == 502 and answer.json["type"] == "/problems/platform-unavailable"
    assert listener.connections == []
    assert list(Connection.query("user-1")) == []


def test_the_identity_read_does_not_follow_a_redirect_to_loopback(web, listener):  # noqa: F811
    web.post(f"{SOCIAL}/api/v1/apps", json=shapes.MASTODON_APP)
    web.post(f"{SOCIAL}/oauth/token", json={"access_token": "t", "token_type": "Bearer"})
    web.get(f"{SOCIAL}/api/v1/accounts/verify_credentials", **redirect_to(listener.url))
    answer = finish_mastodon(start_mastodon())
    assert answer.status == 502
    assert listener.connections == []
    assert list(Connection.query("user-1")) == []


def test_polling_does_not_follow_a_redirect_to_loopback(web, listener):  # noqa: F811
    connect_mastodon(web)
    web.get(f"{SOCIAL}/api/v1/favourites", **redirect_to(f"{listener.url}favourites"))
    assert call("PATCH", "/v1/connections/mastodon", body={"auto_flattr": True}).status == 200
    summary = poll()
    assert summary["failed"] == 1 and summary["flattrs"] == 0, summary
    assert listener.connections == []


def test_revocation_does_not_follow_a_redirect_to_loopback(web, listener):  # noqa: F811
    connect_mastodon(web)
    web.post(f"{SOCIAL}/oauth/revoke", **redirect_to(f"{listener.url}revoke"))
    assert call("DELETE", "/v1/connections/mastodon").status == 204  # deleted here all the same
    assert listener.connections == []
    assert list(Connection.query("user-1")) == []


@pytest.mark.parametrize("pds", ["loopback", "redirect"])
def test_a_pds_named_by_a_did_document_is_checked_too(web, listener, pds):  # noqa: F811
    bluesky_server(web)
    if pds == "loopback":
        document = json.loads(json.dumps(shapes.DID_DOCUMENT))
        document["service"][0]["serviceEndpoint"] = listener.url.rstrip("/")
        web.replace(responses.GET, f"https://plc.directory/{shapes.ALICE_DID}", json=document)
    else:
        web.replace(
            responses.GET,
            f"{shapes.PDS}/.well-known/oauth-protected-resource",
            **redirect_to(f"{listener.url}.well-known/oauth-protected-resource"),
        )
    answer = BROWSER.call("GET", "/v1/connections/bluesky/authorize", query="return_to=/s")
    assert answer.status == 302, answer.raw
    state = [c for c in web.calls if c.request.url == f"{BSKY}/oauth/par"][-1].request.body
    state = query_of(f"?{state}")["state"]
    back = BROWSER.call(
        "GET", "/v1/connections/bluesky/callback", user=None, query=f"code=c&state={state}"
    )
    assert back.status == 400, back.raw
    assert listener.connections == []
    assert list(Connection.query("user-1")) == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "fd00::1",
        "fe80::1",
    ],
)
def test_private_addresses_of_every_kind_are_refused(address):
    assert not safe_http.is_public_address(address)


def test_public_addresses_are_fetched():
    assert safe_http.is_public_address("93.184.216.34")
    assert safe_http.is_public_address("2606:2800:220:1:248:1893:25c8:1946")

"""A real client of the Flattr REST API v2, unchanged, against the local stack (issue 33):
``flattrclient`` 0.2 from PyPI (``python-flattr``) signs a person in with the authorization
code flow, looks an episode up, flattrs it and lists the person's flattrs.

Its hosts are written into its code (``https://flattr.com`` for OAuth,
``https://api.flattr.com`` for the API). Pointing them here is what a DNS entry would do:
every ``requests.Session`` sends those two hosts to the stack (plain HTTP on loopback, TLS
aside); the client's own code runs as published. The person's consent is the call the
consent page makes (``POST /v1/oauth/consent``; the page itself is driven in Chromium in
``test_website.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.e2e.conftest import Client

EPISODE = "https://podcast.example.org/episodes/42"
CALLBACK = "http://127.0.0.1:8765/flattr-callback"  # a desktop player's loopback (RFC 8252)


class ToStack(HTTPAdapter):
    """Sends a request for Flattr's hosts to the stack instead, path and query kept."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(request.url)
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, *args, **kwargs)


@pytest.fixture
def flattr_hosts(stack: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    published = requests.Session

    class Session(published):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            for host in ("https://flattr.com/", "https://api.flattr.com/"):
                self.mount(host, ToStack(stack.base))

    monkeypatch.setattr(requests, "Session", Session)
    yield


def consent(stack: Client, token: str, authorize_url: str) -> str:
    """The person allows the app on the consent page: the code it redirects with."""
    asked = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    answer = stack.request("POST", "/v1/oauth/consent", {**asked, "approve": True}, token=token)
    assert answer.status == 200, answer.body
    return parse_qs(urlsplit(answer.json["redirect_to"]).query)["code"][0]


def test_flattrclient_signs_in_looks_up_flattrs_and_lists(stack: Client, flattr_hosts: None):
    import flattrclient.api
    import flattrclient.exc
    import flattrclient.oauth

    _, developer = stack.sign_in("v2-developer@example.org")
    app = stack.request(
        "POST", "/v1/apps", {"name": "gPodder", "redirect_uris": [CALLBACK]}, token=developer
    ).json
    _, earlier = stack.sign_in("v2-earlier@example.org")  # someone flattred the episode before
    made = stack.request(
        "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": EPISODE}, token=earlier
    )
    assert made.status == 201, made.body

    auth = flattrclient.oauth.get()
    authorize_url = auth.authorize(app["client_id"], "flattr", CALLBACK)
    assert authorize_url.startswith("https://flattr.com/oauth/authorize?")
    _, person = stack.sign_in("v2-listener@example.org")
    code = consent(stack, person, authorize_url)
    auth.set_auth(app["client_id"], app["client_secret"])
    access = auth.token(code, CALLBACK)
    assert access["token_type"] == "bearer"

    api = flattrclient.api.get(access["access_token"])
    thing = api.things.lookup(EPISODE)
    assert thing.url == EPISODE and thing.flattrs == 1 and isinstance(thing.id, int)
    assert thing.support()["message"] == "ok"
    (flattr,) = list(api.authenticated.get_flattrs())
    assert flattr.thing["url"] == EPISODE and flattr.thing["flattrs"] == 2
    assert api.things.get(str(thing.id)).flattrs == 2
    with pytest.raises(flattrclient.exc.NotFoundError):
        api.things.lookup("https://podcast.example.org/episodes/nobody-flattred-this")

    mine = stack.request("GET", "/v1/flattrs", token=person).json["items"]
    assert [(f["url"], f["app"]) for f in mine] == [(EPISODE, "gPodder")]
    allowed = stack.request("GET", "/v1/me/apps", token=person).json["items"]
    assert [a["name"] for a in allowed] == ["gPodder"]
    assert stack.request("DELETE", f"/v1/me/apps/{app['client_id']}", token=person).status == 204
    with pytest.raises(flattrclient.exc.UnauthorizedError):
        list(api.authenticated.get_flattrs())

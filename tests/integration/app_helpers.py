"""Apps and their tokens, as the tests of the authorization server and of the REST API v2
get them: an app registered, a person's consent, the code exchanged."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.conftest import call

FORM = {"content-type": "application/x-www-form-urlencoded"}
BACK = "https://player.example.org/flattr/callback"


def register_app() -> dict:
    """The developer registers "Pod Player", a confidential app: its id and secret."""
    made = call(
        "POST",
        "/v1/apps",
        {"name": "Pod Player", "redirect_uris": [BACK], "website": "https://player.example.org"},
        user="developer",
    )
    assert made.status == 201, made.raw
    return made.json


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"authorization": f"Basic {pair}"}


def consent(params: dict, approve: bool = True, user: str = "listener"):
    return call("POST", "/v1/oauth/consent", {**params, "approve": approve}, user=user)


def code_from(answer) -> dict[str, str]:
    assert answer.status == 200, answer.raw
    query = parse_qs(urlsplit(answer.json["redirect_to"]).query)
    return {k: v[0] for k, v in query.items()}


def exchange(fields: dict, headers: dict | None = None, as_json: bool = False):
    if as_json:
        return call("POST", "/oauth/token", fields, user=None, headers=headers or {})
    raw = urlencode(fields).encode()
    return call("POST", "/oauth/token", raw=raw, user=None, headers={**FORM, **(headers or {})})


def authorized(app: dict, scope: str = "flattr") -> tuple[dict, str]:
    """The person allows the app; answers the callback's fields and the code."""
    back = code_from(
        consent({"client_id": app["client_id"], "response_type": "code", "scope": scope,
                 "state": "s-1", "redirect_uri": BACK})
    )  # fmt: skip
    return back, back["code"]


def token_for(app: dict, user: str, scope: str = "flattr") -> str:
    """An access token of ``app`` for ``user``, with ``scope``."""
    fields = {"client_id": app["client_id"], "response_type": "code", "scope": scope,
              "redirect_uri": BACK}  # fmt: skip
    code = code_from(consent(fields, user=user))["code"]
    got = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
        basic(app["client_id"], app["client_secret"]),
    )
    assert got.status == 200, got.raw
    return str(got.json["access_token"])

"""A local stand-in for Flickr, which speaks OAuth 1.0a: oauthlib's provider endpoints
(request token, authorization with a consent page, access token, signed API requests,
HMAC-SHA1) over the validator below, and Flickr's REST API answering in the shapes of
``local/recorded/fediverse.py``. The access token's answer names the account
(``user_nsid``, ``username``), as Flickr's does. Served under ``/_fake/flickr``."""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from oauthlib.common import Request
from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)

from functions.common import clock
from local.fake_oauth2 import (
    Answer,
    FakeState,
    PlatformFake,
    json_answer,
    oauthlib_headers,
    payload_of,
)
from local.recorded import fediverse

NSID = re.compile(r"^\d+@N\d+$")


def nsid(user_id: int) -> str:
    return f"{user_id}@N07"


class Validator(RequestValidator):
    """oauthlib asks; we answer from ``FakeState`` and the tokens kept here."""

    def __init__(self, state: FakeState) -> None:
        super().__init__()
        self.state = state
        self.request_tokens: dict[str, dict[str, Any]] = {}  # token -> secret, callback, login
        self.access: dict[str, tuple[str, str]] = {}  # token -> (secret, login)
        self.nonces: set[tuple[str, str, str]] = set()

    enforce_ssl = False  # the local stack speaks plain HTTP on loopback

    @property
    def safe_characters(self) -> set[str]:
        return set(string.ascii_letters + string.digits + "-_")

    @property
    def client_key_length(self) -> tuple[int, int]:
        return 3, 64

    @property
    def request_token_length(self) -> tuple[int, int]:
        return 20, 64

    @property
    def access_token_length(self) -> tuple[int, int]:
        return 20, 64

    @property
    def nonce_length(self) -> tuple[int, int]:
        return 10, 64

    @property
    def verifier_length(self) -> tuple[int, int]:
        return 20, 64

    @property
    def dummy_client(self) -> str:
        return "dummy-client"

    @property
    def dummy_request_token(self) -> str:
        return "dummy-request-token-0000"

    @property
    def dummy_access_token(self) -> str:
        return "dummy-access-token-00000"

    def get_client_secret(self, client_key: str, request: Request) -> str:
        return self.state.client_secret if client_key == self.state.client_id else "dummy"

    def validate_client_key(self, client_key: str, request: Request) -> bool:
        return client_key == self.state.client_id

    def validate_timestamp_and_nonce(
        self, client_key: str, timestamp: str, nonce: str, request: Request, **kwargs: Any
    ) -> bool:
        seen = (client_key, timestamp, nonce)
        if seen in self.nonces:
            return False
        self.nonces.add(seen)
        return True

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Request) -> bool:
        return redirect_uri.startswith(self.state.redirect_prefix)

    def get_default_realms(self, client_key: str, request: Request) -> list[str]:
        return []

    def validate_requested_realms(
        self, client_key: str, realms: list[str], request: Request
    ) -> bool:
        return True

    def get_realms(self, token: str, request: Request) -> list[str]:
        return []

    def validate_realms(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def verify_realms(self, token: str, realms: list[str], request: Request) -> bool:
        return True

    def save_request_token(self, token: dict[str, Any], request: Request) -> None:
        self.request_tokens[token["oauth_token"]] = {
            "secret": token["oauth_token_secret"],
            "callback": request.redirect_uri,
        }

    def get_request_token_secret(self, client_key: str, token: str, request: Request) -> str:
        return str(self.request_tokens.get(token, {}).get("secret", "dummy"))

    def validate_request_token(self, client_key: str, token: str, request: Request) -> bool:
        return token in self.request_tokens

    def verify_request_token(self, token: str, request: Request) -> bool:
        return token in self.request_tokens

    def get_redirect_uri(self, token: str, request: Request) -> str:
        return str(self.request_tokens[token]["callback"])

    def save_verifier(self, token: str, verifier: dict[str, Any], request: Request) -> None:
        self.request_tokens[token]["verifier"] = verifier["oauth_verifier"]

    def validate_verifier(
        self, client_key: str, token: str, verifier: str, request: Request
    ) -> bool:
        kept = self.request_tokens.get(token, {})
        if kept.get("verifier") != verifier:
            return False
        request.user = kept.get("login")
        return True

    def invalidate_request_token(
        self, client_key: str, request_token: str, request: Request
    ) -> None:
        self.request_tokens.pop(request_token, None)

    def save_access_token(self, token: dict[str, Any], request: Request) -> None:
        self.access[token["oauth_token"]] = (token["oauth_token_secret"], str(request.user))

    def get_access_token_secret(self, client_key: str, token: str, request: Request) -> str:
        return self.access.get(token, ("dummy", ""))[0]

    def validate_access_token(self, client_key: str, token: str, request: Request) -> bool:
        return token in self.access


class FakeFlickr(PlatformFake):
    name, display = "flickr", "Flickr"
    request_token_path = "/services/oauth/request_token"  # noqa: S105 - a path
    authorize_path = "/services/oauth/authorize"
    access_token_path = "/services/oauth/access_token"  # noqa: S105 - a path
    default_login = "demo-photos"

    def __init__(self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str):
        super().__init__(base_url, client_id, client_secret, redirect_prefix)
        self.validator = Validator(self.state)
        self.request_tokens = RequestTokenEndpoint(self.validator)
        self.authorizing = AuthorizationEndpoint(self.validator)
        self.access_tokens = AccessTokenEndpoint(self.validator)
        self.resources = ResourceEndpoint(self.validator)

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        route = path.removeprefix(self.prefix)
        uri = f"{self.base_url}{route}?{query}" if query else f"{self.base_url}{route}"
        signed = oauthlib_headers(headers)
        with self.state.lock:
            if route == self.request_token_path and method == "POST":
                out, text, status = self.request_tokens.create_request_token_response(
                    uri, "POST", body.decode() or None, signed
                )
                return status, dict(out), text.encode()
            if route == self.authorize_path and method == "GET":
                token = dict(parse_qsl(query)).get("oauth_token", "")
                if not self.validator.verify_request_token(token, None):
                    return json_answer(400, {"error": "unknown oauth_token"})
                return self.consent_form(uri)
            if route == self.authorize_path and method == "POST":
                return self._approve(uri, dict(parse_qsl(query)), body)
            if route == self.access_token_path and method == "POST":
                return self._access_token(uri, body, signed)
            if route.startswith("/_control/") and method == "POST":
                return self.control(route.removeprefix("/_control/"), payload_of(body))
            if route == "/api/services/rest":
                return self._rest(uri, method, body, signed, dict(parse_qsl(query)))
        return json_answer(404, {"stat": "fail", "code": 112, "message": "Method not found"})

    def _approve(self, uri: str, params: dict[str, str], body: bytes) -> Answer:
        login = dict(parse_qsl(body.decode())).get("login", "").strip()
        token = params.get("oauth_token", "")
        if not login or token not in self.validator.request_tokens:
            return json_answer(400, {"error": "login and a known oauth_token required"})
        self.validator.request_tokens[token]["login"] = self.state.user(login).login
        out, _, status = self.authorizing.create_authorization_response(uri, "GET", None, {})
        return status, dict(out), b""

    def _access_token(self, uri: str, body: bytes, signed: dict[str, str]) -> Answer:
        out, text, status = self.access_tokens.create_access_token_response(
            uri, "POST", body.decode() or None, signed
        )
        if status != 200:
            return status, dict(out), text.encode()
        granted = dict(parse_qsl(text))
        user = self.state.user(self.validator.access[granted["oauth_token"]][1])
        # Flickr's answer names the account beside the token.
        granted |= {"user_nsid": nsid(user.id), "username": user.login, "fullname": user.login}
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return 200, form, urlencode(granted).encode()

    def _rest(
        self, uri: str, method: str, body: bytes, signed: dict[str, str], params: dict[str, str]
    ) -> Answer:
        valid, request = self.resources.validate_protected_resource_request(
            uri, method, body.decode() or None, signed
        )
        if not valid:
            return json_answer(200, fediverse.FLICKR_BAD_TOKEN)  # Flickr says it in the body
        limited = self.rate_limited()
        if limited is not None:
            return limited
        user = self.state.user(self.validator.access[request.resource_owner_key][1])
        if params.get("method") == "flickr.favorites.getList":
            since = int(params.get("min_fave_date", 0))
            faved = [like for like in user.likes if int(like["date_faved"]) >= since]
            answer = fediverse.flickr_favourites(
                [(like["id"], like["owner"], like["date_faved"]) for like in faved]
            )
            for photo, like in zip(answer["photos"]["photo"], faved, strict=True):
                if like.get("pathalias"):  # asked for with ``extras=path_alias``
                    photo["pathalias"] = like["pathalias"]
            return json_answer(200, answer)
        return json_answer(200, {"stat": "fail", "code": 112, "message": "Method not found"})

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        """A favourite of ``https://www.flickr.com/photos/<owner>/<id>``: its owner's NSID
        (an alias's account is made on the fake, and named as the photo's path alias)."""
        owner = urlsplit(str(item["url"])).path.strip("/").split("/")[1:2] or ["someone"]
        alias = None if NSID.match(owner[0]) else owner[0]
        return {
            "id": str(number),
            "owner": owner[0] if alias is None else nsid(self.state.user(alias).id),
            "date_faved": int(clock.now().timestamp()),
            "pathalias": alias,
        }

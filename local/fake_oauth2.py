"""What every fake OAuth 2 platform of the local stack shares: the authorization server is
oauthlib's provider (authorization codes, PKCE where the platform asks for it, client
authentication in the body or with HTTP Basic, bearer and refresh tokens), a consent page
that is one HTML form with a ``login`` field, and control routes a demo or a test uses to
act as the platform's users. Each platform's fake (``local/fake_platforms.py``,
``local/fake_github.py``) adds its API, answering in the shapes of ``local/recorded``."""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from oauthlib.common import Request
from oauthlib.oauth2 import RequestValidator, WebApplicationServer

from functions.common.api import basic_credentials

Answer = tuple[int, dict[str, str], bytes]


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


@dataclass
class FakeUser:
    id: int
    login: str
    likes: list[dict[str, Any]] = field(default_factory=list)  # newest first, platform-shaped
    email: str | None = None  # the profile's public email, if the user published one


@dataclass
class FakeState:
    client_id: str
    client_secret: str
    redirect_prefix: str
    pkce: bool = True
    users: dict[str, FakeUser] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> login
    refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> login
    rate_limited_for: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def user(self, login: str) -> FakeUser:
        key = login.lower()
        if key not in self.users:
            self.users[key] = FakeUser(id=100_000 + len(self.users), login=login)
        return self.users[key]

    def bearer(self, headers: dict[str, str]) -> FakeUser | None:
        """The user whose token the request carries (``Bearer``, ``token`` or ``OAuth``)."""
        value = headers.get("authorization", "")
        login = self.tokens.get(value.split(" ", 1)[-1].strip())
        return self.user(login) if login is not None else None


class Validator(RequestValidator):
    """oauthlib asks; we answer from ``FakeState``."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def validate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        return client_id == self.state.client_id

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *a: Any, **k: Any
    ) -> bool:
        return redirect_uri.startswith(self.state.redirect_prefix)

    def get_default_redirect_uri(self, client_id: str, request: Request, *a: Any, **k: Any) -> str:
        return self.state.redirect_prefix

    def validate_scopes(self, *a: Any, **k: Any) -> bool:
        return True

    def get_default_scopes(self, client_id: str, request: Request, *a: Any, **k: Any) -> list[str]:
        return []

    def validate_response_type(self, client_id: str, response_type: str, *a: Any, **k: Any) -> bool:
        return response_type == "code"

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return self.state.pkce

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Request, *a: Any, **k: Any
    ) -> None:
        self.state.codes[code["code"]] = {
            "login": request.user,
            "redirect_uri": request.redirect_uri,
            "challenge": request.code_challenge,
            "method": request.code_challenge_method,
        }

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        return self.state.codes.get(code, {}).get("challenge")

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        return self.state.codes.get(code, {}).get("method")

    def client_authentication_required(self, request: Request, *a: Any, **k: Any) -> bool:
        return True

    def authenticate_client(self, request: Request, *a: Any, **k: Any) -> bool:
        authorization = (request.headers or {}).get("Authorization", "")
        given = basic_credentials(authorization) or (request.client_id, request.client_secret)
        if given == (self.state.client_id, self.state.client_secret):
            request.client_id = self.state.client_id
            request.client = type("Client", (), {"client_id": self.state.client_id})()
            return True
        return False

    def authenticate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        return False

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        grant = self.state.codes.get(code)
        if grant is None:
            return False
        request.user = grant["login"]
        request.scopes = []
        return True

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, *a: Any, **k: Any
    ) -> bool:
        return self.state.codes.get(code, {}).get("redirect_uri") == redirect_uri

    def validate_grant_type(self, client_id: str, grant_type: str, *a: Any, **k: Any) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    def save_bearer_token(self, token: dict[str, Any], request: Request, *a: Any, **k: Any) -> None:
        self.state.tokens[token["access_token"]] = request.user
        if token.get("refresh_token"):
            self.state.refresh[token["refresh_token"]] = request.user

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *a: Any, **k: Any
    ) -> None:
        self.state.codes.pop(code, None)

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        login = self.state.refresh.get(refresh_token)
        if login is None:
            return False
        request.user = login
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Request, *a: Any, **k: Any
    ) -> list[str]:
        return []

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Request, *a: Any, **k: Any
    ) -> None:
        self.revoke(token)

    def revoke(self, token: str) -> None:
        login = self.state.tokens.pop(token, None) or self.state.refresh.pop(token, None)
        if login is not None:  # a grant revoked: every token of it goes
            self.state.tokens = {t: u for t, u in self.state.tokens.items() if u != login}
            self.state.refresh = {t: u for t, u in self.state.refresh.items() if u != login}


class PlatformFake:
    """What every platform's fake has, whatever OAuth it speaks: its place under
    ``/_fake/<name>``, its users, the settings that point the adapter at it, the consent
    page's form and the control routes; a subclass answers the protocol and the API."""

    name: str = ""
    display: str = ""
    default_login = "demo"

    def __init__(self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str):
        self.base_url = self.base_at(base_url)
        self.state = FakeState(client_id, client_secret, redirect_prefix)

    @property
    def prefix(self) -> str:
        return f"/_fake/{self.name}"

    @classmethod
    def base_at(cls, url: str) -> str:
        """Where the fake answers on a stack at ``url``."""
        return f"{url.rstrip('/')}/_fake/{cls.name}"

    @classmethod
    def servers_at(cls, url: str) -> dict[str, str]:
        """The servers of a many-server platform this fake plays, by host name, with where
        they answer (``KNOWN_SERVER_URLS``)."""
        return {}

    @classmethod
    def environment_at(cls, url: str) -> dict[str, str]:
        """What points the platform's adapter at the fake of a stack at ``url``
        (``<NAME>_WEB_URL`` and ``<NAME>_API_URL``; some platforms more)."""
        base = cls.base_at(url)
        upper = cls.name.upper()
        return {f"{upper}_WEB_URL": base, f"{upper}_API_URL": f"{base}/api"}

    def consent_form(self, action: str) -> Answer:
        """The consent page: one HTML form with a ``login`` field, posted to ``action``."""
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize application ({html.escape(self.display)}, local)</title></head>
<body><h1>Authorize flattr (local)</h1>
<p>A stand-in for {html.escape(self.display)}: sign in as any account by its name.</p>
<form method="post" action="{html.escape(action)}">
<label>{html.escape(self.display)} login <input name="login" value="{self.default_login}"
required></label>
<button type="submit">Authorize</button></form></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        raise NotImplementedError

    def control(self, action: str, payload: dict[str, Any]) -> Answer:
        """``likes`` (``{"login", "items": [{"url"}]}``: the user likes them, newest
        last), ``profile`` (``{"login", "email"}``), ``revoke`` (``{"login"}``: every token
        of the user), ``rate-limit`` (``{"requests"}``: that many API calls answer 429)."""
        if action == "likes":
            user = self.state.user(str(payload["login"]))
            for item in payload.get("items", []):
                number = 1_000 + sum(len(u.likes) for u in self.state.users.values())
                user.likes.insert(0, self.liked(number, dict(item)))
            return json_answer(200, {"likes": len(user.likes)})
        if action == "profile":
            user = self.state.user(str(payload["login"]))
            user.email = payload.get("email")
            return json_answer(200, {"login": user.login, "email": user.email})
        if action == "revoke":
            login = str(payload["login"]).lower()
            self.state.tokens = {t: u for t, u in self.state.tokens.items() if u.lower() != login}
            self.state.refresh = {t: u for t, u in self.state.refresh.items() if u.lower() != login}
            return json_answer(200, {"revoked": login})
        if action == "rate-limit":
            self.state.rate_limited_for = int(payload.get("requests", 1))
            return json_answer(200, {"rate_limited_for": self.state.rate_limited_for})
        return json_answer(404, {"error": "no such control"})

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        """A liked item as the platform's API answers it (a platform connected for
        ownership only, whose likes are never read, keeps the item as given)."""
        return item

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        raise NotImplementedError

    def other(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        return json_answer(404, {"error": "not found"})

    def rate_limited(self) -> Answer | None:
        if self.state.rate_limited_for > 0:
            self.state.rate_limited_for -= 1
            return json_answer(429, {"error": "rate limited"}, {"Retry-After": "60"})
        return None


class OAuth2Fake(PlatformFake):
    """A platform speaking OAuth 2: oauthlib's authorization server (``Validator``)."""

    authorize_path = "/oauth/authorize"
    token_path = "/oauth/token"  # noqa: S105 - a path, not a secret
    revoke_path: str | None = None
    pkce = True

    def __init__(self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str):
        super().__init__(base_url, client_id, client_secret, redirect_prefix)
        self.state.pkce = self.pkce
        self.validator = Validator(self.state)
        self.server = WebApplicationServer(self.validator)

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        route = path.removeprefix(self.prefix)
        uri = f"{self.base_url}{route}?{query}" if query else f"{self.base_url}{route}"
        with self.state.lock:
            if route == self.authorize_path and method == "GET":
                return self.consent_page(uri, headers)
            if route == self.authorize_path and method == "POST":
                return self.approve(uri, body)
            if route == self.token_path and method == "POST":
                answer_headers, token_body, status = self.server.create_token_response(
                    uri, "POST", body.decode(), oauthlib_headers(headers)
                )
                return status, dict(answer_headers), token_body.encode()
            if self.revoke_path and route == self.revoke_path and method == "POST":
                form = dict(parse_qsl(body.decode()))
                self.validator.revoke(form.get("token", ""))
                return 200, {}, b""
            if route.startswith("/_control/") and method == "POST":
                return self.control(route.removeprefix("/_control/"), payload_of(body))
            if route.startswith("/api/") or route == "/api":
                limited = self.rate_limited()
                if limited is not None:
                    return limited
                return self.api(method, route.removeprefix("/api"), query, headers, body)
            return self.other(method, route, query, headers, body)

    def consent_page(self, uri: str, headers: dict[str, str]) -> Answer:
        try:
            self.server.validate_authorization_request(uri, "GET", None, headers)
        except Exception as error:  # oauthlib's errors: a bad client, redirect or PKCE
            return json_answer(400, {"error": type(error).__name__})
        return self.consent_form(uri)

    def approve(self, uri: str, body: bytes) -> Answer:
        login = dict(parse_qsl(body.decode())).get("login", "").strip()
        if not login:
            return json_answer(400, {"error": "login required"})
        user = self.state.user(login)
        scopes, _ = self.server.validate_authorization_request(uri, "GET", None, {})
        headers, _, status = self.server.create_authorization_response(
            uri, "GET", None, {}, scopes, credentials={"user": user.login}
        )
        return status, dict(headers), b""


def payload_of(body: bytes) -> dict[str, Any]:
    try:
        found = json.loads(body or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def oauthlib_headers(headers: dict[str, str]) -> dict[str, str]:
    """oauthlib reads ``Authorization`` by its canonical name."""
    out = dict(headers)
    if "authorization" in headers:
        out["Authorization"] = headers["authorization"]
    return out

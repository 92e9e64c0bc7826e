"""A local stand-in for GitHub: its OAuth 2 server side is oauthlib's provider
implementation (authorization codes, PKCE checks, bearer tokens), and its API answers in
GitHub's shapes, so the real GitHub adapter runs against it unchanged.

Served by the local stack under ``/_fake/github``; the stack points ``GITHUB_WEB_URL`` and
``GITHUB_API_URL`` at it. ``/_fake/github/_control/*`` lets a demo or a test act as a
GitHub user (star repositories), revoke tokens and impose a rate limit.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from oauthlib.common import Request
from oauthlib.oauth2 import RequestValidator, WebApplicationServer

from functions.common import clock

PREFIX = "/_fake/github"


@dataclass
class FakeUser:
    id: int
    login: str
    stars: list[dict[str, Any]] = field(default_factory=list)
    email: str | None = None  # the profile's public email, if the user published one


@dataclass
class FakeState:
    client_id: str
    client_secret: str
    redirect_prefix: str
    users: dict[str, FakeUser] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> login
    rate_limited_for: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def user(self, login: str) -> FakeUser:
        key = login.lower()
        if key not in self.users:
            self.users[key] = FakeUser(id=100_000 + len(self.users), login=login)
        return self.users[key]


class Validator(RequestValidator):
    """oauthlib asks; we answer from ``FakeState``. PKCE is required for every client."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def validate_client_id(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return client_id == self.state.client_id

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return redirect_uri.startswith(self.state.redirect_prefix)

    def get_default_redirect_uri(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> str:
        return self.state.redirect_prefix

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return True

    def get_default_scopes(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        return []

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return True

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Request, *args: Any, **kwargs: Any
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

    def client_authentication_required(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        return True

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        if (
            request.client_id == self.state.client_id
            and request.client_secret == self.state.client_secret
        ):
            request.client = type("Client", (), {"client_id": request.client_id})()
            return True
        return False

    def authenticate_client_id(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return False

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        grant = self.state.codes.get(code)
        if grant is None:
            return False
        request.user = grant["login"]
        request.scopes = []
        return True

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return self.state.codes.get(code, {}).get("redirect_uri") == redirect_uri

    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return grant_type == "authorization_code"

    def save_bearer_token(
        self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        self.state.tokens[token["access_token"]] = request.user

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        self.state.codes.pop(code, None)


Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


class FakeGitHub:
    def __init__(
        self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str
    ) -> None:
        self.base_url = base_url.rstrip("/") + PREFIX
        self.state = FakeState(client_id, client_secret, redirect_prefix)
        self.server = WebApplicationServer(Validator(self.state))

    @property
    def web_url(self) -> str:
        return self.base_url

    @property
    def api_url(self) -> str:
        return self.base_url + "/api"

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        route = path.removeprefix(PREFIX)
        uri = f"{self.base_url}{route}?{query}" if query else f"{self.base_url}{route}"
        with self.state.lock:
            if route == "/login/oauth/authorize" and method == "GET":
                return self._consent_page(uri, headers)
            if route == "/login/oauth/authorize" and method == "POST":
                return self._approve(uri, body)
            if route == "/login/oauth/access_token" and method == "POST":
                token_headers, token_body, status = self.server.create_token_response(
                    uri, "POST", body.decode(), headers
                )
                return status, dict(token_headers), token_body.encode()
            if route.startswith("/_control/") and method == "POST":
                return self._control(route.removeprefix("/_control/"), json.loads(body or b"{}"))
            if route.startswith("/api/") and method == "GET":
                return self._api(route.removeprefix("/api"), query, headers)
        return _json(404, {"message": "Not Found"})

    def _consent_page(self, uri: str, headers: dict[str, str]) -> Answer:
        try:
            self.server.validate_authorization_request(uri, "GET", None, headers)
        except Exception as error:  # oauthlib's errors: a bad client, redirect or PKCE
            return _json(400, {"error": type(error).__name__})
        page = f"""<!doctype html><html lang="en"><head><title>Authorize application</title></head>
<body><h1>Authorize flattr (local)</h1>
<form method="post" action="{html.escape(uri)}">
<label>GitHub login <input name="login" value="octocat" required></label>
<button type="submit">Authorize</button></form></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def _approve(self, uri: str, body: bytes) -> Answer:
        form = dict(parse_qsl(body.decode()))
        login = form.get("login", "").strip()
        if not login:
            return _json(400, {"error": "login required"})
        user = self.state.user(login)
        scopes, _ = self.server.validate_authorization_request(uri, "GET", None, {})
        headers, _, status = self.server.create_authorization_response(
            uri, "GET", None, {}, scopes, credentials={"user": user.login}
        )
        return status, dict(headers), b""

    def _control(self, action: str, payload: dict[str, Any]) -> Answer:
        if action == "stars":
            user = self.state.user(str(payload["login"]))
            for repo in payload.get("repos", []):
                owner, _, name = str(repo).partition("/")
                repo_id = 1_000 + sum(len(u.stars) for u in self.state.users.values())
                user.stars.insert(
                    0,
                    {
                        "starred_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "repo": {
                            "id": repo_id,
                            "name": name,
                            "full_name": f"{owner}/{name}",
                            "html_url": f"https://github.com/{owner}/{name}",
                            "owner": {
                                "login": owner,
                                "id": self.state.user(owner).id,  # one id per account
                                "type": "User",
                            },
                        },
                    },
                )
            return _json(200, {"stars": len(user.stars)})
        if action == "profile":
            user = self.state.user(str(payload["login"]))
            user.email = payload.get("email")
            return _json(200, {"login": user.login, "email": user.email})
        if action == "revoke":
            login = str(payload["login"]).lower()
            self.state.tokens = {t: u for t, u in self.state.tokens.items() if u.lower() != login}
            return _json(200, {"revoked": login})
        if action == "rate-limit":
            self.state.rate_limited_for = int(payload.get("requests", 1))
            return _json(200, {"rate_limited_for": self.state.rate_limited_for})
        return _json(404, {"message": "Not Found"})

    def _api(self, route: str, query: str, headers: dict[str, str]) -> Answer:
        if route.startswith("/users/"):  # public profiles need no token
            wanted = route.removeprefix("/users/").strip("/").lower()
            if wanted not in self.state.users:
                return _json(404, {"message": "Not Found"})
            found = self.state.users[wanted]
            return _json(200, {"login": found.login, "id": found.id, "email": found.email})
        account = route.removeprefix("/user/").strip("/")
        if route.startswith("/user/") and account.isdigit():  # a public profile by id
            by_id = {str(u.id): u for u in self.state.users.values()}
            if account not in by_id:
                return _json(404, {"message": "Not Found"})
            found = by_id[account]
            return _json(200, {"login": found.login, "id": found.id, "email": found.email})
        authorization = headers.get("authorization", "")
        login = self.state.tokens.get(authorization.removeprefix("Bearer ").removeprefix("token "))
        if login is None:
            return _json(401, {"message": "Bad credentials"})
        if self.state.rate_limited_for > 0:
            self.state.rate_limited_for -= 1
            return _json(429, {"message": "API rate limit exceeded"}, {"Retry-After": "60"})
        user = self.state.user(login)
        if route == "/user":
            return _json(200, {"login": user.login, "id": user.id, "type": "User"})
        if route == "/user/starred":
            params = dict(parse_qsl(query))
            per_page = int(params.get("per_page", 30))
            page = int(params.get("page", 1))
            stars = user.stars[(page - 1) * per_page : page * per_page]
            link = {}
            if page * per_page < len(user.stars):
                nxt = urlencode({**params, "page": page + 1})
                link = {"Link": f'<{self.api_url}/user/starred?{nxt}>; rel="next"'}
            return _json(200, stars, link)
        return _json(404, {"message": "Not Found"})

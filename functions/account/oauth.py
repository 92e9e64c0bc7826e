"""The authorization server of apps (the Flattr REST API v2): oauthlib's provider runs the
protocol (the authorization code grant with PKCE, client authentication, RFC 6749's errors,
RFC 7009's revocation); the validator below answers it from our tables. What v2's clients
expect is kept: tokens that never expire and no refresh token, ``token_type`` ``bearer``,
v2's scopes, and ``invalid_client`` as 401 with ``WWW-Authenticate: Basic``. A code works
once, for ten minutes; used again, what it gave is revoked (RFC 6749, 4.1.2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from oauthlib.common import Request
from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    BearerToken,
    RequestValidator,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import AuthorizationCodeGrant
from pynamodb.exceptions import DoesNotExist, UpdateError

from functions.account import apps
from functions.account.models import App, AppCode
from functions.common import clock
from functions.common.api import basic_credentials
from functions.common.errors import Invalid, Missing
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound
from functions.core import grants

SCOPES = ("flattr", "extendedread", "email", "thing")  # v2's; "thing" grants nothing here
CODE_LIFETIME = timedelta(minutes=10)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _basic(request: Request) -> tuple[str, str] | None:
    return basic_credentials((request.headers or {}).get("Authorization", ""))


class Validator(RequestValidator):
    """oauthlib asks; the apps, codes and grants tables answer."""

    def _app(self, client_id: str | None, request: Request) -> App | None:
        if not client_id:
            return None
        if getattr(request, "app", None) is None or request.app.client_id != client_id:
            request.app = apps.find(client_id)
        return request.app

    # -------------------------------------------------------------- the authorization request

    def validate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        return self._app(client_id, request) is not None

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *a: Any, **k: Any
    ) -> bool:
        app = self._app(client_id, request)
        return app is not None and redirect_uri in app.redirect_uris

    def get_default_redirect_uri(
        self, client_id: str, request: Request, *a: Any, **k: Any
    ) -> str | None:
        """Optional only when the app registered one (else it must say which)."""
        app = self._app(client_id, request)
        return app.redirect_uris[0] if app is not None and len(app.redirect_uris) == 1 else None

    def validate_response_type(self, client_id: str, response_type: str, *a: Any, **k: Any) -> bool:
        return response_type == "code"

    def validate_scopes(self, client_id: str, scopes: list[str], *a: Any, **k: Any) -> bool:
        return all(scope in SCOPES for scope in scopes)

    def get_default_scopes(self, client_id: str, request: Request, *a: Any, **k: Any) -> list[str]:
        return []  # a token without scopes reads its user's profile and flattrs

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        app = self._app(client_id, request)
        return app is None or app.public  # a public app cannot keep a secret: PKCE instead

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Request, *a: Any, **k: Any
    ) -> None:
        ensure_bound()
        AppCode(
            _hash(code["code"]),
            client_id=client_id,
            user_id=request.user_id,
            redirect_uri=None if request.using_default_redirect_uri else request.redirect_uri,
            scopes=" ".join(request.scopes or []),
            challenge=request.code_challenge,
            challenge_method=request.code_challenge_method,
            expires_at=clock.now() + CODE_LIFETIME,
        ).save()

    # -------------------------------------------------------------- the token request

    def client_authentication_required(self, request: Request, *a: Any, **k: Any) -> bool:
        if _basic(request) is not None or request.client_secret:
            return True
        app = self._app(request.client_id, request)
        return app is None or not app.public

    def authenticate_client(self, request: Request, *a: Any, **k: Any) -> bool:
        client_id, secret = _basic(request) or (request.client_id, request.client_secret)
        app = self._app(client_id, request)
        if app is None or not apps.secret_matches(app, secret):
            return False
        request.client_id = client_id
        request.client = app
        return True

    def authenticate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        app = self._app(client_id, request)
        if app is None or not app.public:
            return False
        request.client = app
        return True

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        """The code is taken here, once (a conditional write: of two requests at once, one
        gets it); a code already taken revokes what it gave."""
        ensure_bound()
        code_hash = _hash(code)
        try:
            kept = AppCode.get(code_hash)
        except DoesNotExist:
            return False
        if kept.client_id != client_id or kept.expires_at <= clock.now():
            return False
        try:
            kept.update(
                actions=[AppCode.used_at.set(clock.now())],
                condition=AppCode.used_at.does_not_exist(),
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise
            grants.revoke_code(code_hash)
            return False
        request.user_id = kept.user_id
        request.scopes = kept.scopes.split()
        request.code_hash = code_hash
        request.kept_code = kept
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        kept = getattr(request, "kept_code", None)
        return kept.challenge if kept is not None else None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        kept = getattr(request, "kept_code", None)
        return kept.challenge_method if kept is not None else None

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str | None, client: Any, *a: Any, **k: Any
    ) -> bool:
        """As the authorization request named it; not named there, it may be left out here
        (or be the one the app registered)."""
        request: Request = k.get("request") or a[-1]
        kept = request.kept_code
        if kept.redirect_uri is None:
            return redirect_uri in (None, "", *client.redirect_uris)
        return redirect_uri == kept.redirect_uri

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return grant_type == "authorization_code"

    def save_bearer_token(self, token: dict[str, Any], request: Request, *a: Any, **k: Any) -> None:
        grants.save(
            token["access_token"],
            request.user_id,
            request.client_id,
            request.scopes or [],
            request.code_hash,
            client_name=request.client.name,
        )

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *a: Any, **k: Any
    ) -> None:
        return None  # taken in ``validate_code`` already

    # -------------------------------------------------------------- revocation (RFC 7009)

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Request, *a: Any, **k: Any
    ) -> None:
        grant = grants.find(token)
        if grant is not None and grant.client_id == request.client_id:
            grants.revoke(token)  # only the app's own token: anyone else's stays


class Server(AuthorizationEndpoint, TokenEndpoint, RevocationEndpoint):
    """The endpoints apps use: authorization codes (no implicit grant, no refresh token)."""

    def __init__(self, validator: Validator) -> None:
        bearer = BearerToken(validator, token_generator=lambda _request: grants.new_token())
        code = AuthorizationCodeGrant(validator, refresh_token=False)
        AuthorizationEndpoint.__init__(
            self, default_response_type="code", response_types={"code": code},
            default_token_type=bearer,
        )  # fmt: skip
        TokenEndpoint.__init__(
            self, default_grant_type="authorization_code",
            grant_types={"authorization_code": code}, default_token_type=bearer,
        )  # fmt: skip
        RevocationEndpoint.__init__(self, validator, supported_token_types=["access_token"])


_SERVER = Server(Validator())


def _uri(path: str, params: dict[str, str] | None = None) -> str:
    base = settings().public_url or "https://localhost"
    return f"{base}{path}" + (f"?{urlencode(params)}" if params else "")


@dataclass(frozen=True)
class Consent:
    """An authorization request as the consent page shows it."""

    app: App
    scopes: list[str]
    redirect_uri: str


def consent(params: dict[str, str]) -> Consent:
    """What an app asks (``GET /v1/oauth/consent``); ``Invalid`` or ``Missing`` for a request
    no app may make (an unknown client, an unregistered redirect URI: no redirect then)."""
    try:
        scopes, found = _SERVER.validate_authorization_request(_uri("/oauth/authorize", params))
    except errors.FatalClientError as error:
        raise _problem(error) from error
    except errors.OAuth2Error as error:
        raise Invalid(f"{error.error}: {error.description}", field="query") from error
    return Consent(found["request"].app, list(scopes), str(found["redirect_uri"]))


def decide(user_id: str, params: dict[str, str], approve: bool) -> str:
    """The person's answer (``POST /v1/oauth/consent``): where the app gets it."""
    uri = _uri("/oauth/authorize", params)
    try:
        scopes, found = _SERVER.validate_authorization_request(uri)
    except errors.FatalClientError as error:
        raise _problem(error) from error
    except errors.OAuth2Error as error:
        return str(error.in_uri(error.redirect_uri))  # the app learns what was wrong
    if not approve:
        denied = errors.AccessDeniedError(state=params.get("state"))
        return str(denied.in_uri(str(found["redirect_uri"])))
    headers, _, _ = _SERVER.create_authorization_response(
        uri, scopes=scopes, credentials={"user_id": user_id}
    )
    return str(headers["Location"])


def _problem(error: errors.OAuth2Error) -> Exception:
    if isinstance(error, errors.InvalidClientIdError | errors.MissingClientIdError):
        return Missing("client_id: no such app")
    return Invalid(
        "not one of the app's registered redirect URIs (and it registered several)",
        field="query.redirect_uri",
    )


def token(body: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """``POST /oauth/token``: JSON or form, as oauthlib's token endpoint answers it, in v2's
    words (no expiry, no refresh token, ``bearer``; ``invalid_client`` asks for Basic)."""
    status, out_headers, answer = _token_response(
        "/oauth/token", body, headers, _SERVER.create_token_response
    )
    found = json.loads(answer or "{}")
    if status == 200:
        found = {"access_token": found["access_token"], "token_type": "bearer",
                 "scope": found.get("scope", "")}  # fmt: skip
    elif found.get("error") == "invalid_client":
        status, out_headers["WWW-Authenticate"] = 401, 'Basic realm="flattr"'
    out_headers |= {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return status, out_headers, json.dumps(found)


def revoke(body: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """``POST /oauth/revoke`` (RFC 7009)."""
    status, out_headers, answer = _token_response(
        "/oauth/revoke", body, headers, _SERVER.create_revocation_response
    )
    if json.loads(answer or "{}").get("error") == "invalid_client":
        status, out_headers["WWW-Authenticate"] = 401, 'Basic realm="flattr"'
    return status, out_headers, answer or ""


def _token_response(path: str, body: str, headers: dict[str, str], endpoint: Any) -> Any:
    ensure_bound()
    form = _form(body, headers)
    canonical = {k.title(): v for k, v in headers.items()}
    canonical["Content-Type"] = "application/x-www-form-urlencoded"
    out_headers, answer, status = endpoint(_uri(path), "POST", form, canonical)
    return status, dict(out_headers or {}), answer


def _form(body: str, headers: dict[str, str]) -> str:
    """The request's fields as a form (v2's clients send JSON or a form)."""
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "json" in kind.lower() or body.lstrip().startswith("{"):
        try:
            found = json.loads(body or "{}")
        except ValueError:
            return ""
        if not isinstance(found, dict):
            return ""
        return urlencode({k: str(v) for k, v in found.items() if isinstance(v, str | int)})
    return body


def allowed(user_id: str) -> list[tuple[grants.Allowed, App | None]]:
    """The apps a person allowed, each with what is known of it."""
    found = grants.allowed(user_id)
    named = apps.named([a.client_id for a in found])
    return [(a, named.get(a.client_id)) for a in found]


def forbid(user_id: str, client_id: str) -> None:
    if grants.revoke_for_user(user_id, client_id) == 0:
        raise Missing("client_id: you did not allow this app")

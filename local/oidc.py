"""The local stack's sign-in, the same flow Cognito's hosted sign-in serves in AWS: the
authorization code flow with PKCE (S256 only), refresh tokens, revocation, and OpenID
discovery, so that a client (the website) has one code path for both. Where Cognito asks
for a password, this page asks only for an email address: it signs in, or up, the user
of the emulated user pool with that address.

Endpoints under the issuer (``<stack>/_local/idp``), named as Cognito names them:
``/.well-known/openid-configuration``, ``/oauth2/authorize`` (GET: the page; POST: its
form), ``/oauth2/token`` and ``/oauth2/revoke``. Codes and refresh tokens live in memory
(a stack restart signs everyone out, as a new user pool would); codes are single-use and
expire after five minutes; redirect URIs must be on the stack's own origin.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from functions.common import clock
from functions.common.hashing import pkce_challenge
from local.auth import ACCESS, SCOPES, totp_code, user_pool_secret

if TYPE_CHECKING:
    from local.auth import Identity, LocalIdentityProvider

Answer = tuple[int, dict[str, str], bytes]
CODE_SECONDS = 300
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class _Grant:
    identity: Identity
    client_id: str
    redirect_uri: str
    challenge: str
    expires: float
    auth_time: int  # when the user signed in (the stack's clock), kept through refreshes


class LocalSignIn:
    def __init__(self, idp: LocalIdentityProvider, origin: str) -> None:
        self.idp = idp
        self.origin = origin
        self._codes: dict[str, _Grant] = {}
        self._refresh: dict[str, tuple[Identity, str, int]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ discovery

    def site_config(self) -> dict[str, str]:
        """What a client of this site needs to sign people in (public values; in AWS the
        site's ``config.json`` names the Cognito user pool and app client instead)."""
        return {"authority": self.idp.issuer, "client_id": self.idp.client_id}

    def discovery(self) -> dict[str, Any]:
        issuer = self.idp.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/oauth2/authorize",
            "token_endpoint": f"{issuer}/oauth2/token",
            "revocation_endpoint": f"{issuer}/oauth2/revoke",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": SCOPES.split(),
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none"],
        }

    # ------------------------------------------------------------ authorize

    def _check(self, params: dict[str, str]) -> str | None:
        """What is wrong with an authorization request, or None."""
        if params.get("response_type") != "code":
            return "response_type must be code"
        if params.get("client_id") != self.idp.client_id:
            return "unknown client_id"
        if not params.get("redirect_uri", "").startswith(self.origin + "/"):
            return "redirect_uri must be on this site"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        return None

    def authorize_page(self, query: str) -> Answer:
        params = dict(parse_qsl(query))
        problem = self._check(params)
        if problem:
            return _page(400, "Sign-in refused", f"<p>{html.escape(problem)}</p>")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        form = (
            '<form method="post">'
            f"{hidden}"
            '<label for="email">Email address</label> '
            '<input id="email" name="email" type="email" autocomplete="email" required>'
            ' <button type="submit">Sign in</button></form>'
            "<p>Locally, an email address is enough: a new one signs up.</p>"
        )
        return _page(200, "Sign in to Flattr (local)", form)

    def authorize(self, body: bytes) -> Answer:
        params = dict(parse_qsl(body.decode("utf-8", "replace")))
        problem = self._check(params)
        email = params.get("email", "").strip().lower()
        if problem or "@" not in email or len(email) > 254:
            return _page(400, "Sign-in refused", f"<p>{html.escape(problem or 'email')}</p>")
        identity = self.idp.sign_up_or_in(email)
        if self.idp.totp_on(identity):
            typed = params.pop("totp", "").strip()
            if not typed:
                return self._totp_page(params, 200, "")
            now = time.time()
            valid = {totp_code(user_pool_secret(), at) for at in (now, now - 30)}  # drift
            if typed not in valid:
                return self._totp_page(params, 400, "That code does not match. Try the next one.")
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Grant(
                identity,
                params["client_id"],
                params["redirect_uri"],
                params["code_challenge"],
                time.monotonic() + CODE_SECONDS,
                int(clock.now().timestamp()),
            )
        back = {"code": code, **({"state": params["state"]} if "state" in params else {})}
        separator = "&" if "?" in params["redirect_uri"] else "?"
        location = f"{params['redirect_uri']}{separator}{urlencode(back)}"
        return 302, {"Location": location, "Cache-Control": "no-store"}, b""

    def _totp_page(self, params: dict[str, str], status: int, note: str) -> Answer:
        """Cognito's second step for a user with TOTP on: the authenticator app's code."""
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        alert = f"<p role=alert>{html.escape(note)}</p>" if note else ""
        form = (
            f'{alert}<form method="post">{hidden}'
            '<label for="totp">Code from your authenticator app</label> '
            '<input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" '
            'pattern="[0-9]{6}" required>'
            ' <button type="submit">Sign in</button></form>'
        )
        return _page(status, "Two-step sign-in", form)

    # ------------------------------------------------------------ tokens

    def token(self, body: bytes) -> Answer:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if form.get("client_id") != self.idp.client_id:
            return _error(401, "invalid_client")
        if form.get("grant_type") == "authorization_code":
            return self._exchange(form)
        if form.get("grant_type") == "refresh_token":
            with self._lock:
                found = self._refresh.get(form.get("refresh_token", ""))
            if found is None or found[1] != form["client_id"]:
                return _error(400, "invalid_grant")
            return self._tokens(found[0], None, found[2])
        return _error(400, "unsupported_grant_type")

    def _exchange(self, form: dict[str, str]) -> Answer:
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        challenge = pkce_challenge(form.get("code_verifier", ""))
        if (
            grant is None
            or grant.expires < time.monotonic()
            or grant.redirect_uri != form.get("redirect_uri")
            or not hmac.compare_digest(challenge, grant.challenge)
        ):
            return _error(400, "invalid_grant")
        refresh = secrets.token_urlsafe(48)
        with self._lock:
            self._refresh[refresh] = (grant.identity, grant.client_id, grant.auth_time)
        return self._tokens(grant.identity, refresh, grant.auth_time)

    def _tokens(self, identity: Identity, refresh_token: str | None, auth_time: int) -> Answer:
        answer: dict[str, Any] = {
            "access_token": self.idp.issue(identity, kind=ACCESS, auth_time=auth_time),
            "id_token": self.idp.issue(identity, auth_time=auth_time),
            "token_type": "Bearer",
            "expires_in": self.idp.lifetime,
        }
        if refresh_token:
            answer["refresh_token"] = refresh_token
        return (
            200,
            {"Content-Type": "application/json", "Cache-Control": "no-store"},
            (json.dumps(answer).encode()),
        )

    def revoke(self, body: bytes) -> Answer:
        """RFC 7009: the refresh token ends (its access tokens run out on their own)."""
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if form.get("client_id") != self.idp.client_id:
            return _error(401, "invalid_client")
        with self._lock:
            self._refresh.pop(form.get("token", ""), None)
        return 200, {"Cache-Control": "no-store"}, b""


def _error(status: int, error: str) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps({"error": error}).encode()


def _page(status: int, title: str, content: str) -> Answer:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        '<link rel="icon" href="/favicon.svg" type="image/svg+xml">'
        # The site's own stylesheet, as the user pool's hosted pages get its look in AWS
        # (infra: the UI customisation), so that signing in looks like the site.
        '<link rel="stylesheet" href="/style.css">'
        f"<title>{html.escape(title)}</title></head>"
        '<body><header><a class="brand" href="/"><img src="/favicon.svg" alt="" width="28" '
        'height="28">Flattr</a></header>'
        f'<main class="sign-in"><h1>{html.escape(title)}</h1>{content}</main></body></html>'
    )
    return status, dict(PAGE_HEADERS), body.encode()

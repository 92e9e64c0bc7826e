"""The connect flows, one base class each: a platform extends the one it speaks.

- ``OAuth2Platform``: authorization code with PKCE where the platform has it, on
  requests-oauthlib; client secrets from Secrets Manager (``clients.py``).
- ``OAuth1Platform``: OAuth 1.0a (Flickr): a request token first, its secret kept
  until the callback, which names it by ``oauth_token``.
- ``AtprotoPlatform``: AT Protocol OAuth (Bluesky): PAR, PKCE and DPoP on
  requests-oauth2client, a public client whose id is our metadata URL.

The OAuth libraries are imported inside the methods: the track Lambda loads every
platform's class for its URL rules and never connects anyone.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from functions.common.errors import Malformed
from functions.common.hashing import pkce_challenge
from functions.common.settings import settings
from functions.core.platforms.base import (
    Authorization,
    AuthorizationRefused,
    Callback,
    Connectable,
    Connected,
    Identity,
    NeedsReauth,
    PlatformUnavailable,
)

if TYPE_CHECKING:
    import requests

    from functions.core.platforms.clients import ClientCredentials


def _credentials(platform: Connectable) -> ClientCredentials:
    from functions.core.platforms.clients import credentials

    return credentials(platform)


@dataclass(frozen=True)
class OAuth2Settings:
    authorize_path: str
    token_path: str  # on the web host (or the API host, ``token_on_api``), or a full URL
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    revoke_path: str | None = None  # RFC 7009 token revocation (a path or a full URL)
    token_on_api: bool = False  # the token endpoint is on the API host, not the web host
    # How our client authenticates at the token endpoint (RFC 6749 §2.3.1): the platform's
    # documented method; ``basic`` is HTTP Basic, ``body`` the form's client_secret.
    client_auth: Literal["body", "basic"] = "body"
    # Which token a revocation names: the refresh token ends the grant where the platform
    # allows it; some (Twitch) only accept the access token.
    revokes: Literal["refresh", "access"] = "refresh"


class OAuth2Platform(Connectable):
    oauth: ClassVar[OAuth2Settings]

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.oauth.scopes

    def authorize_url(self) -> str:
        return self.web_url + self.oauth.authorize_path

    def token_url(self) -> str:
        return self._endpoint(
            "TOKEN", self.oauth.token_path, self.api_url if self.oauth.token_on_api else None
        )

    def get(self, session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
        """As every platform's, and a refresh the platform refuses (the grant revoked or
        expired, a single-use refresh token spent) means the person must connect again."""
        from oauthlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidTokenError

        try:
            return super().get(session, url, **kwargs)
        except (InvalidGrantError, InvalidTokenError) as refused:
            raise NeedsReauth(self.name) from refused

    def revoke_url(self) -> str | None:
        path = self.oauth.revoke_path
        return self._endpoint("REVOKE", path, None) if path is not None else None

    def _endpoint(self, kind: str, path: str, host: str | None) -> str:
        """A full URL as configured (``<NAME>_TOKEN_URL``, ``<NAME>_REVOKE_URL``: the local
        fakes), as written in the platform's class, or the path on its host."""
        configured = settings().platform_urls.get(f"{self.name.upper()}_{kind}_URL")
        if configured:
            return configured
        if path.startswith("https://"):
            return path
        return (host or self.web_url) + path

    def authorization(self, redirect_uri: str) -> Authorization:
        from requests_oauthlib import OAuth2Session

        client = _credentials(self)
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        session = OAuth2Session(
            client.client_id,
            redirect_uri=redirect_uri,
            scope=list(self.oauth.scopes) or None,
            state=state,
        )
        extra: dict[str, str] = {}
        if self.oauth.pkce:
            extra = {"code_challenge": pkce_challenge(verifier), "code_challenge_method": "S256"}
        url, _ = session.authorization_url(self.authorize_url(), **extra)
        return Authorization(str(url), state, verifier)

    def complete(
        self, redirect_uri: str, code: str, verifier: str, kept: dict[str, Any] | None
    ) -> Connected:
        import requests
        from oauthlib.oauth2.rfc6749.errors import OAuth2Error
        from requests_oauthlib import OAuth2Session

        client = _credentials(self)
        session = self.protect(OAuth2Session(client.client_id, redirect_uri=redirect_uri))
        basic = self.oauth.client_auth == "basic"
        try:
            token: dict[str, Any] = session.fetch_token(
                self.token_url(),
                code=code,
                client_secret=None if basic else client.client_secret,
                auth=requests.auth.HTTPBasicAuth(client.client_id, client.client_secret)
                if basic
                else None,
                code_verifier=verifier if self.oauth.pkce else None,
                include_client_id=not basic,
                headers={"Accept": "application/json"},
            )
            return Connected(token, self.identity_from_token(token, self.session(token)))
        except OAuth2Error as error:
            raise AuthorizationRefused() from error
        except requests.RequestException as error:  # unreachable, or refused by the SSRF guard
            raise PlatformUnavailable(self.name) from error

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        """Refreshes an expired token first where it can; ``on_refresh`` stores the new
        one (some platforms' refresh tokens are single-use)."""
        from requests_oauthlib import OAuth2Session

        client = _credentials(self)
        if on_refresh is None or "refresh_token" not in token:
            return self.protect(OAuth2Session(client.client_id, token=token))
        return self.protect(
            OAuth2Session(
                client.client_id,
                token=token,
                auto_refresh_url=self.token_url(),
                auto_refresh_kwargs={
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                },
                token_updater=on_refresh,
            )
        )

    def revoke(self, token: dict[str, Any]) -> bool:
        """RFC 7009 revocation, where the platform has it."""
        import requests

        url = self.revoke_url()
        if url is None:
            return False
        client = _credentials(self)
        named = token.get("refresh_token") if self.oauth.revokes == "refresh" else None
        response = self.protect(requests.Session()).post(
            url,
            data={
                "token": named or token.get("access_token"),
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
            timeout=20,
        )
        return response.status_code in (200, 204)


@dataclass(frozen=True)
class OAuth1Settings:
    request_token_path: str
    authorize_path: str
    access_token_path: str
    perms: str = "read"


class OAuth1Platform(Connectable):
    oauth: ClassVar[OAuth1Settings]

    def authorization(self, redirect_uri: str) -> Authorization:
        """A request token first: the callback names it, its secret waits (sealed)."""
        import requests
        from requests_oauthlib import OAuth1Session
        from requests_oauthlib.oauth1_session import TokenRequestDenied

        client = _credentials(self)
        session = OAuth1Session(client.client_id, client.client_secret, callback_uri=redirect_uri)
        try:
            request_token = session.fetch_request_token(
                self.web_url + self.oauth.request_token_path
            )
        except (TokenRequestDenied, ValueError, requests.RequestException) as error:
            raise PlatformUnavailable(self.name, "could not start") from error
        url = session.authorization_url(
            self.web_url + self.oauth.authorize_path, perms=self.oauth.perms
        )
        return Authorization(str(url), str(request_token["oauth_token"]), kept=dict(request_token))

    def callback(self, query: Mapping[str, str | None]) -> Callback:
        """OAuth 1.0a sends ``oauth_token`` and ``oauth_verifier``."""
        token, verifier = query.get("oauth_token"), query.get("oauth_verifier")
        if not token or not verifier:
            raise Malformed("missing: the platform sends it", field="query.oauth_verifier")
        return Callback(state=token, code=verifier)

    def complete(
        self, redirect_uri: str, code: str, verifier: str, kept: dict[str, Any] | None
    ) -> Connected:
        from oauthlib.oauth1.rfc5849.errors import OAuth1Error
        from requests_oauthlib import OAuth1Session
        from requests_oauthlib.oauth1_session import TokenRequestDenied

        assert kept is not None
        client = _credentials(self)
        session = OAuth1Session(
            client.client_id,
            client.client_secret,
            resource_owner_key=kept["oauth_token"],
            resource_owner_secret=kept["oauth_token_secret"],
            verifier=code,
        )
        try:
            token = dict(session.fetch_access_token(self.web_url + self.oauth.access_token_path))
        except (TokenRequestDenied, OAuth1Error, ValueError) as error:
            raise AuthorizationRefused("oauth_verifier: refused") from error
        return Connected(token, self.identity_from_token(token, self.session(token)))

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        """OAuth 1.0a tokens do not expire: nothing to refresh."""
        from requests_oauthlib import OAuth1Session

        client = _credentials(self)
        return self.protect(
            OAuth1Session(
                client.client_id,
                client.client_secret,
                resource_owner_key=token["oauth_token"],
                resource_owner_secret=token["oauth_token_secret"],
            )
        )


class AtprotoPlatform(Connectable):
    """AT Protocol OAuth: the subclass says how a finished authorization names the
    account (``identity_of``); the token is not kept where likes are public records."""

    scope: ClassVar[str] = "atproto"

    @property
    def secret_client(self) -> bool:
        return False  # a public client: its id is our metadata URL

    def client_metadata_url(self) -> str:
        from functions.common.settings import settings

        return f"{settings().public_url}/oauth/{self.name}/client.json"

    def _client(self, redirect_uri: str) -> Any:
        import requests
        from requests_oauth2client import OAuth2Client

        issuer = self.web_url
        return OAuth2Client(
            session=self.protect(requests.Session()),  # a server the person may name
            token_endpoint=f"{issuer}/oauth/token",
            authorization_endpoint=f"{issuer}/oauth/authorize",
            pushed_authorization_request_endpoint=f"{issuer}/oauth/par",
            client_id=self.client_metadata_url(),  # a public client: no secret
            redirect_uri=redirect_uri,
            issuer=issuer,
            dpop_bound_access_tokens=True,
            testing=not issuer.startswith("https://"),  # the local fake speaks plain HTTP
        )

    def authorization(self, redirect_uri: str) -> Authorization:
        """Push the authorization request (PAR, DPoP-proofed); keep the PKCE verifier and
        the DPoP private key until the callback."""
        import requests
        from requests_oauth2client import OAuth2Error

        state = secrets.token_urlsafe(32)
        try:
            client = self._client(redirect_uri)
            request = client.authorization_request(scope=self.scope, state=state, nonce=None)
            pushed = client.pushed_authorization_request(request)
        except (OAuth2Error, requests.RequestException) as error:
            raise PlatformUnavailable(self.name, "could not start") from error
        assert request.code_verifier is not None and request.dpop_key is not None
        return Authorization(
            str(pushed.uri),
            state,
            request.code_verifier,
            kept=dict(request.dpop_key.private_key),
        )

    def complete(
        self, redirect_uri: str, code: str, verifier: str, kept: dict[str, Any] | None
    ) -> Connected:
        import requests
        from jwskate import Jwk
        from requests_oauth2client import DPoPKey, OAuth2Error

        assert kept is not None
        try:
            token = self._client(redirect_uri).authorization_code(
                code,
                code_verifier=verifier,
                redirect_uri=redirect_uri,
                dpop_key=DPoPKey(private_key=Jwk(kept)),
                validate=False,
            )
            identity = self.identity_of(dict(token.kwargs))
        except (OAuth2Error, ValueError, KeyError, requests.RequestException) as error:
            raise AuthorizationRefused() from error
        self._revoke_now(str(token.access_token))
        return Connected(None, identity)

    def _revoke_now(self, access_token: str) -> None:
        """The token proved the account and is not kept: revoke it at once (RFC 7009 at
        the server's ``/oauth/revoke``). A server that refuses leaves a token we never
        stored; the connection stands."""
        import requests

        with contextlib.suppress(requests.RequestException):
            self.protect(requests.Session()).post(
                f"{self.web_url}/oauth/revoke",
                data={"token": access_token, "client_id": self.client_metadata_url()},
                timeout=10,
            )

    def identity_of(self, token_fields: dict[str, Any]) -> Identity:
        """The account a finished authorization names (checked against its server)."""
        raise NotImplementedError

    def session(
        self,
        token: dict[str, Any],
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> requests.Session:
        import requests

        return self.protect(requests.Session())

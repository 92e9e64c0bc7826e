"""Apps for the Flattr REST API v2 (``account/apps.py``, ``account/oauth.py``): developers
register theirs (``/v1/apps``); the website's consent page asks what an app wants and gives
the person's answer (``/v1/oauth/consent``); apps exchange codes for tokens and revoke them
(``/oauth/token``, ``/oauth/revoke``, as RFC 6749 and 7009 say); a person lists the apps
they allowed and revokes them (``/v1/me/apps``)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from functions.account import apps, oauth
from functions.account.models import App
from functions.common.api import DomainRouter, current_user_id, jwt_claims
from functions.common.clock import rfc3339
from functions.common.errors import Forbidden
from functions.core.users import load_user

router = DomainRouter()
ClientId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Text = Annotated[str | None, Query(max_length=500)]


def _person() -> str:
    """Signed in on the website: a browser extension's or an app's token may not do this."""
    claims = jwt_claims(router)
    if claims.get("device") or claims.get("app"):
        raise Forbidden("sign in on the website to do this", slug="forbidden")
    return current_user_id(router)


class AppIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Annotated[str, Field(min_length=1, max_length=80)]
    redirect_uris: Annotated[list[Annotated[str, Field(max_length=500)]], Field(min_length=1)]
    website: HttpUrl | None = None
    public: bool = False  # cannot keep a secret (a phone app): no secret, PKCE required


class AppOut(BaseModel):
    client_id: str
    name: str
    redirect_uris: list[str]
    website: str | None
    public: bool
    created_at: str | None


class RegisteredOut(AppOut):
    client_secret: str | None  # shown this once; none for a public app


def _app(app: App) -> dict[str, Any]:
    return {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uris": list(app.redirect_uris),
        "website": app.website,
        "public": bool(app.public),
        "created_at": rfc3339(app.created_at),
    }


@router.post("/v1/apps")
def register_app(body: Annotated[AppIn, Body()]) -> Response[str]:
    """Register an app: its client id, and its secret shown this once."""
    website = str(body.website) if body.website else None
    made = apps.register(_person(), body.name, body.redirect_uris, website, body.public)
    out = RegisteredOut(**_app(made.app), client_secret=made.secret)
    return Response(status_code=201, content_type="application/json", body=out.model_dump_json())


@router.get("/v1/apps")
def my_apps() -> dict[str, Any]:
    return {"items": [_app(a) for a in apps.mine(_person())]}


@router.delete("/v1/apps/<client_id>")
def delete_app(client_id: ClientId) -> Response[Any]:
    """Delete an app I registered: every token it holds ends."""
    apps.delete(_person(), client_id)
    return Response(status_code=204, body=None)


@router.get("/v1/me/apps")
def allowed_apps() -> dict[str, Any]:
    """The apps I allowed: what each may do, since when, and when it last acted for me."""
    items = []
    for allowed, app in oauth.allowed(_person()):
        items.append(
            {
                "client_id": allowed.client_id,
                "name": app.name if app else None,
                "website": app.website if app else None,
                "scopes": allowed.scopes,
                "allowed_at": rfc3339(allowed.allowed_at),
                "last_used_at": rfc3339(allowed.last_used_at),
            }
        )
    return {"items": items}


@router.delete("/v1/me/apps/<client_id>")
def forbid_app(client_id: ClientId) -> Response[Any]:
    """Revoke an app I allowed: its tokens for me end at once."""
    oauth.forbid(_person(), client_id)
    return Response(status_code=204, body=None)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    response_type: Annotated[str, Field(max_length=40)] = "code"
    client_id: Annotated[str, Field(min_length=1, max_length=64)]
    redirect_uri: Annotated[str | None, Field(max_length=500)] = None
    scope: Annotated[str | None, Field(max_length=200)] = None
    state: Annotated[str | None, Field(max_length=500)] = None
    code_challenge: Annotated[str | None, Field(max_length=128)] = None
    code_challenge_method: Annotated[str | None, Field(max_length=10)] = None
    approve: bool = False


def _params(asked: ConsentIn) -> dict[str, str]:
    fields = asked.model_dump(exclude={"approve"}, exclude_none=True)
    return {k: str(v) for k, v in fields.items()}


@router.get("/v1/oauth/consent")
def ask_consent(
    client_id: Annotated[str, Query(min_length=1, max_length=64)],
    response_type: Annotated[str, Query(max_length=40)] = "code",
    redirect_uri: Text = None,
    scope: Annotated[str | None, Query(max_length=200)] = None,
    state: Text = None,
    code_challenge: Annotated[str | None, Query(max_length=128)] = None,
    code_challenge_method: Annotated[str | None, Query(max_length=10)] = None,
) -> dict[str, Any]:
    """What the consent page shows: the app, what it asks to do, where it sends me back."""
    _person()
    asked = ConsentIn(
        response_type=response_type,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )
    found = oauth.consent(_params(asked))
    return {
        "app": {"client_id": found.app.client_id, "name": found.app.name,
                "website": found.app.website},
        "scopes": found.scopes,
        "redirect_uri": found.redirect_uri,
    }  # fmt: skip


@router.post("/v1/oauth/consent")
def give_consent(body: Annotated[ConsentIn, Body()]) -> dict[str, str]:
    """The person's answer: where to send the browser (the app's redirect URI with a code,
    or with ``error=access_denied``)."""
    person = _person()
    if body.approve:  # the app will ask who this is (``GET /rest/v2/user``): known from now
        load_user(person, str(jwt_claims(router).get("email") or "") or None)
    return {"redirect_to": oauth.decide(person, _params(body), body.approve)}


def _raw() -> tuple[str, dict[str, str]]:
    event = router.current_event
    return event.decoded_body or "", {k: str(v) for k, v in (event.headers or {}).items()}


@router.post("/oauth/token", public=True)
def token():  # no return annotation: RFC 6749's answer, not a model of ours
    """An app's code exchanged for a token (RFC 6749, 4.1.3); JSON or form."""
    status, headers, body = oauth.token(*_raw())
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


@router.post("/oauth/revoke", public=True)
def revoke():  # no return annotation: RFC 7009's answer
    status, headers, body = oauth.revoke(*_raw())
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


routers = [router]

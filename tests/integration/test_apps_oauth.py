"""Apps and their authorization server (issue 33, step 1; contract: api.md "Apps"): the
authorization code flow held to RFC 6749's and RFC 7636's rules, tokens that never expire
but end when revoked (RFC 7009, the account page, the app deleted), and v2's words."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from functions.common import clock
from functions.core import grants
from tests.conftest import call
from tests.integration.app_helpers import (
    BACK,
    FORM,
    authorized,
    basic,
    code_from,
    consent,
    exchange,
)


def test_an_app_signs_a_person_in_and_gets_a_token_that_does_not_expire(app):
    asked = call(
        "GET",
        "/v1/oauth/consent",
        query=urlencode({"client_id": app["client_id"], "scope": "flattr email"}),
        user="listener",
    )
    assert asked.status == 200, asked.raw
    assert asked.json["app"]["name"] == "Pod Player"
    assert asked.json["scopes"] == ["flattr", "email"] and asked.json["redirect_uri"] == BACK
    back, code = authorized(app)
    assert back["state"] == "s-1"
    got = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
        basic(app["client_id"], app["client_secret"]),
    )
    assert got.status == 200, got.raw
    assert set(got.json) == {"access_token", "token_type", "scope"}  # no expiry, no refresh
    assert got.json["token_type"] == "bearer" and got.json["scope"] == "flattr"
    assert got.headers["cache-control"] == "no-store"
    grant = grants.find(got.json["access_token"])
    assert grant is not None and grant.user_id == "listener"
    mine = call("GET", "/v1/me/apps", user="listener").json["items"]
    assert [(a["name"], a["scopes"]) for a in mine] == [("Pod Player", ["flattr"])]


def test_the_client_may_authenticate_in_the_body_and_send_json(app):
    _, code = authorized(app)
    got = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK,
         "client_id": app["client_id"], "client_secret": app["client_secret"]},
        as_json=True,
    )  # fmt: skip
    assert got.status == 200, got.raw


def test_a_code_used_twice_fails_and_revokes_what_it_gave(app):
    _, code = authorized(app)
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK}
    first = exchange(fields, basic(app["client_id"], app["client_secret"]))
    assert first.status == 200
    again = exchange(fields, basic(app["client_id"], app["client_secret"]))
    assert again.status == 400 and again.json["error"] == "invalid_grant"
    assert grants.find(first.json["access_token"]) is None


def test_a_code_lasts_ten_minutes(app):
    _, code = authorized(app)
    clock.advance(int(timedelta(minutes=11).total_seconds()))
    late = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
        basic(app["client_id"], app["client_secret"]),
    )
    assert late.status == 400 and late.json["error"] == "invalid_grant"


@pytest.mark.parametrize("secret", ["wrong", None])
def test_a_wrong_or_missing_secret_is_invalid_client_asking_for_basic(app, secret):
    _, code = authorized(app)
    headers = basic(app["client_id"], secret) if secret else {}
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK}
    if secret is None:
        fields["client_id"] = app["client_id"]
    refused = exchange(fields, headers)
    assert refused.status == 401 and refused.json["error"] == "invalid_client", refused.raw
    assert refused.headers["www-authenticate"].startswith("Basic")


def test_the_redirect_uri_must_be_the_one_the_request_named(app):
    _, code = authorized(app)
    other = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK + "/other"},
        basic(app["client_id"], app["client_secret"]),
    )
    assert other.status == 400 and other.json["error"] in ("invalid_grant", "invalid_request")


def test_unknown_clients_and_unregistered_redirects_get_no_redirect(app):
    unknown = consent({"client_id": "no-such-app-1234", "response_type": "code"})
    assert unknown.status == 404 and "redirect_to" not in unknown.json
    elsewhere = consent(
        {"client_id": app["client_id"], "response_type": "code",
         "redirect_uri": "https://evil.example.com/cb"}
    )  # fmt: skip
    assert elsewhere.status == 422 and "redirect_to" not in elsewhere.json


def test_a_denial_and_an_unknown_scope_go_back_to_the_app_as_errors(app):
    denied = code_from(consent({"client_id": app["client_id"], "state": "s-2"}, approve=False))
    assert denied == {"error": "access_denied", "state": "s-2"}
    bad = code_from(consent({"client_id": app["client_id"], "scope": "flattr admin"}))
    assert bad["error"] == "invalid_scope"


def test_a_public_app_must_use_pkce_and_needs_no_secret(aws):
    made = call(
        "POST",
        "/v1/apps",
        {"name": "Phone Player", "redirect_uris": ["gpodder://flattr"], "public": True},
        user="developer",
    ).json
    assert made["client_secret"] is None and made["redirect_uris"] == ["gpodder://flattr"]
    without = code_from(consent({"client_id": made["client_id"], "scope": "flattr"}))
    assert without["error"] == "invalid_request"  # RFC 7636: the challenge is required
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    back = code_from(
        consent({"client_id": made["client_id"], "scope": "flattr",
                 "code_challenge": challenge.rstrip(b"=").decode(),
                 "code_challenge_method": "S256"})
    )  # fmt: skip
    fields = {"grant_type": "authorization_code", "code": back["code"],
              "client_id": made["client_id"]}  # fmt: skip
    wrong = exchange({**fields, "code_verifier": secrets.token_urlsafe(48)})
    assert wrong.status == 400 and wrong.json["error"] == "invalid_grant"
    back = code_from(
        consent({"client_id": made["client_id"], "scope": "flattr",
                 "code_challenge": challenge.rstrip(b"=").decode(),
                 "code_challenge_method": "S256"})
    )  # fmt: skip
    right = exchange({**fields, "code": back["code"], "code_verifier": verifier})
    assert right.status == 200, right.raw


def test_a_token_ends_when_revoked_by_the_app_the_person_or_the_developer(app):
    tokens = []
    for _ in range(3):
        _, code = authorized(app)
        got = exchange(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
            basic(app["client_id"], app["client_secret"]),
        )
        tokens.append(got.json["access_token"])
    revoked = call(
        "POST",
        "/oauth/revoke",
        raw=urlencode({"token": tokens[0]}).encode(),
        user=None,
        headers={**FORM, **basic(app["client_id"], app["client_secret"])},
    )
    assert revoked.status == 200, revoked.raw
    assert grants.find(tokens[0]) is None and grants.find(tokens[1]) is not None
    assert call("DELETE", f"/v1/me/apps/{app['client_id']}", user="listener").status == 204
    assert grants.find(tokens[1]) is None and grants.find(tokens[2]) is None
    assert call("GET", "/v1/me/apps", user="listener").json["items"] == []
    _, code = authorized(app)
    kept = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
        basic(app["client_id"], app["client_secret"]),
    ).json["access_token"]
    assert call("DELETE", f"/v1/apps/{app['client_id']}", user="developer").status == 204
    assert grants.find(kept) is None


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "http://example.org/cb", "https://x.org/cb#frag", "data:x"]
)
def test_a_redirect_uri_no_app_could_own_is_refused(aws, uri):
    refused = call("POST", "/v1/apps", {"name": "X", "redirect_uris": [uri]}, user="developer")
    assert refused.status == 422 and refused.json["errors"][0]["field"] == "body.redirect_uris"


def test_only_the_developer_sees_and_deletes_their_apps(app):
    assert [a["client_id"] for a in call("GET", "/v1/apps", user="developer").json["items"]] == [
        app["client_id"]
    ]
    assert call("GET", "/v1/apps", user="someone").json["items"] == []
    assert call("DELETE", f"/v1/apps/{app['client_id']}", user="someone").status == 404


def test_the_export_lists_my_apps_without_secrets_and_deletion_ends_them(app):
    from tests.integration.deletion_helpers import finish_deletions

    _, code = authorized(app)
    token = exchange(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": BACK},
        basic(app["client_id"], app["client_secret"]),
    ).json["access_token"]
    mine = call("GET", "/v1/me/export", user="listener").json
    assert [a["client_id"] for a in mine["apps_allowed"]] == [app["client_id"]]
    theirs = call("GET", "/v1/me/export", user="developer").json
    assert [a["name"] for a in theirs["apps_registered"]] == ["Pod Player"]
    assert app["client_secret"] not in str(theirs) and token not in str(mine)
    assert call("DELETE", "/v1/me", user="developer").status == 204
    finish_deletions()
    assert grants.find(token) is None  # the developer's app went, and its tokens with it
    assert call("GET", "/v1/me/apps", user="listener").json["items"] == []

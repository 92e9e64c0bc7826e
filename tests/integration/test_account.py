"""A user's own data: the export holds all of it (and no secrets); deleting the account
removes everything but the anonymous money records, frees what the user had claimed or
connected, and the ledger still adds up."""

from __future__ import annotations

import itertools
import json

import boto3
import pytest
import responses

from functions.claim.models import DomainClaim
from functions.common import crypto
from functions.connections.models import ConnectedIdentity
from functions.core import ledger
from functions.core.models import Connection, Escrow, Flattr, LedgerItem, Recipient, User
from tests.conftest import call
from tests.integration.claim_helpers import connect, split_june
from tests.integration.payout_helpers import assert_ledger_checks

API = "https://api.github.com"


@pytest.fixture
def ada(aws):
    """ada gave to two recipients in June (one held, one she claimed as a creator later),
    connected GitHub, and started verifying a domain."""
    split_june(("ada", "github:ada", 1), ("ada", "web:held.example", 2), ("bob", "github:ada", 1))
    connect("ada", "github", "42", "ada")
    connection = Connection.get("ada", "github")
    connection.update(
        actions=[Connection.token.set(crypto.seal({"access_token": "gho_secret"}, "ada/github"))]
    )
    ConnectedIdentity("github#42", user_id="ada").save()
    assert call("POST", "/v1/claims", body={"recipient": "github:ada"}, user="ada").status == 200
    assert call("POST", "/v1/domains", body={"domain": "ada.dev"}, user="ada").status == 201


def test_the_export_holds_everything_about_me_and_no_secrets(ada):
    answer = call("GET", "/v1/me/export", user="ada")
    assert answer.status == 200, answer.raw
    data = answer.json
    assert data["user"]["email"] == "ada@example.org"
    assert sorted(f["recipient"] for f in data["flattrs"]) == [
        "github:ada",
        "web:held.example",
        "web:held.example",
    ]
    assert [c["platform"] for c in data["connections"]] == ["github"]
    assert [d["domain"] for d in data["domains"]] == ["ada.dev"]
    assert data["claimed_recipients"] == ["github:ada"]
    assert data["money"]["contributor"]["balance"]["amount"] == "5.000000"
    assert data["money"]["creator"]["balance"]["amount"] == "6.000000"  # 1.5 from ada, 4.5 bob
    assert [h["recipient"] for h in data["money"]["held_for_unclaimed"]] == ["web:held.example"]
    assert data["money"]["statements"]
    text = json.dumps(data)
    assert "gho_secret" not in text and "token" not in json.dumps(data["connections"])


def test_deleting_my_account_keeps_only_anonymous_money_records(ada):
    before = {(i.account, i.sk) for i in LedgerItem.scan()}
    with responses.RequestsMock() as github:
        revoke = github.delete(f"{API}/applications/local-github/grant", status=204)
        answer = call("DELETE", "/v1/me", user="ada")
        assert answer.status == 204, answer.raw
        assert revoke.call_count == 1  # the platform token was revoked, then deleted
    with pytest.raises(User.DoesNotExist):
        User.get("ada")
    assert list(Flattr.query("ada")) == []
    assert list(Connection.query("ada")) == []
    assert list(ConnectedIdentity.scan()) == []  # the GitHub account is free again
    assert list(DomainClaim.scan()) == []
    assert Recipient.get("github:ada").claimed_by is None  # held again for whoever owns it
    # The money records stay: every ledger item, and ada's escrow until it expires.
    assert {(i.account, i.sk) for i in LedgerItem.scan()} == before
    assert [row.contributor_id for row in Escrow.query("web:held.example")] == ["ada"]
    assert_ledger_checks()
    assert ledger.balance(ledger.creator_account("ada")) == 6_000_000
    # bob's flattrs are bob's: untouched
    assert len(list(Flattr.query("bob"))) == 1


def test_later_flattrs_to_a_released_recipient_are_held_again(ada):
    from functions.payout.monthly import owners_of

    call("DELETE", "/v1/me", user="ada")
    assert owners_of(["github:ada"]).creators == {}


def test_deleting_removes_the_sign_in_too(aws, setenv):
    cognito = boto3.client("cognito-idp", region_name="eu-west-1")
    pool = cognito.create_user_pool(PoolName="users", UsernameAttributes=["email"])["UserPool"]
    cognito.admin_create_user(UserPoolId=pool["Id"], Username="cat@example.org")
    setenv(USER_POOL_ID=pool["Id"])
    assert call("DELETE", "/v1/me", user="cat", email="cat@example.org").status == 204
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool["Id"], Username="cat@example.org")


def test_export_of_a_new_user_is_empty_not_an_error(aws):
    answer = call("GET", "/v1/me/export", user="nobody")
    assert answer.status == 200
    assert answer.json["user"] is None and answer.json["flattrs"] == []


def test_another_lambda_refuses_a_deleted_user_within_the_cache_time(aws, monkeypatch):
    """The Lambda that deleted the account refuses its tokens at once; another Lambda,
    which had seen the user alive, within ``deletion_cache_seconds`` (60 s)."""
    from datetime import UTC, datetime

    from functions.common import deletions
    from functions.common.models import DeletedUser

    moments = itertools.chain([1000.0, 1030.0], itertools.repeat(1061.0))
    monkeypatch.setattr(deletions, "monotonic", lambda: next(moments))
    assert call("GET", "/v1/me", user="kim").status == 200  # seen alive at t=1000
    DeletedUser("kim", deleted_at=datetime.now(UTC)).save()  # by the account Lambda, elsewhere
    assert call("GET", "/v1/me", user="kim").status == 200  # t=1030: still trusted
    refused = call("GET", "/v1/me", user="kim")  # t=1061: asked again, refused for good
    assert refused.status == 401 and refused.json["type"] == "/problems/unauthorized"
    assert call("GET", "/v1/flattrs", user="kim").status == 401  # cached as deleted: no clock

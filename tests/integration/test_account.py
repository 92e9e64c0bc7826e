"""A user's own data: the export holds all of it (and no secrets); deleting the account
removes everything but the anonymous money records, frees what the user had claimed or
connected, and the ledger still adds up."""

from __future__ import annotations

import json

import boto3
import pytest
import responses

from functions.claim.models import DomainClaim
from functions.common import crypto
from functions.common.settings import settings
from functions.connections.models import ConnectedIdentity
from functions.core import ledger
from functions.core.models import Connection, Escrow, Flattr, LedgerItem, Recipient, User
from tests.conftest import call
from tests.integration.claim_helpers import connect, split_june
from tests.integration.deletion_helpers import domains_erase, finish_deletions, money_leaves
from tests.integration.identity_helpers import person
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
        finish_deletions()
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
    assert ledger.balance(ledger.creator_account("ada", "EUR")) == 6_000_000
    # bob's flattrs are bob's: untouched
    assert len(list(Flattr.query("bob"))) == 1


def test_later_flattrs_to_a_released_recipient_are_held_again(ada):
    from functions.payout.monthly import owners_of

    call("DELETE", "/v1/me", user="ada")
    finish_deletions()
    assert owners_of(["github:ada"]).creators == {}


def test_deleting_removes_the_sign_in_last(aws):
    """The sign-in stays while the money leaves (it asks the user pool whether TOTP is on,
    and where to write), and goes with the records domains share."""
    cognito = boto3.client("cognito-idp", region_name="eu-west-1")
    cat = person("cat@example.org")
    assert cat.call("DELETE", "/v1/me").status == 204
    pool = settings().user_pool_id
    assert money_leaves() == 1
    assert cognito.admin_get_user(UserPoolId=pool, Username="cat@example.org")
    assert domains_erase()["account"] == 1
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="cat@example.org")


def test_the_money_leaves_before_any_domain_erases(ada):
    """Nothing is announced to the domains until the payments worker has run; until
    then the account's data is all there (only its tokens are refused)."""
    assert call("DELETE", "/v1/me", user="ada").status == 204
    assert domains_erase() == {"account": 0, "claim": 0, "connections": 0, "track": 0}
    assert User.get("ada") and list(Flattr.query("ada")) and list(DomainClaim.scan())
    assert call("GET", "/v1/me", user="ada").status == 401
    assert money_leaves() == 1
    with responses.RequestsMock() as github:
        github.delete(f"{API}/applications/local-github/grant", status=204)
        assert domains_erase() == {"account": 1, "claim": 1, "connections": 1, "track": 1}
    assert list(Flattr.query("ada")) == [] and list(DomainClaim.scan()) == []


def test_a_deletion_delivered_twice_erases_once_and_fails_nothing(ada):
    """SQS delivers at least once: every domain's erasure finds what a first one did."""
    from functions.common import events

    call("DELETE", "/v1/me", user="ada")
    with responses.RequestsMock() as github:
        github.delete(f"{API}/applications/local-github/grant", status=204)
        finish_deletions()
        events.announce(
            settings().account_deleted_topic_arn, events.ACCOUNT_DELETED, {"user_id": "ada"}
        )
        assert domains_erase() == {"account": 1, "claim": 1, "connections": 1, "track": 1}
    assert Recipient.get("github:ada").claimed_by is None
    assert_ledger_checks()


def test_a_domain_whose_erasure_fails_is_asked_again_and_the_others_are_done(ada, monkeypatch):
    from functions.track import personal

    erase, calls = personal.erase, []

    def fails_once(user_id: str) -> dict[str, int]:
        calls.append(user_id)
        if len(calls) == 1:
            raise RuntimeError("the table did not answer")
        return erase(user_id)

    monkeypatch.setattr(personal, "erase", fails_once)
    call("DELETE", "/v1/me", user="ada")
    with responses.RequestsMock() as github:
        github.delete(f"{API}/applications/local-github/grant", status=204)
        money_leaves()
        erased = domains_erase(visibility_seconds=0)  # a failed one is back at once
        assert erased == {"account": 1, "claim": 1, "connections": 1, "track": 0}
    assert list(Flattr.query("ada")) == []  # the others did their part
    assert domains_erase()["track"] == 1
    assert calls == ["ada", "ada"]

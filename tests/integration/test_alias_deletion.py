"""A deleted user's handles (issue 29, finding 8): the aliases their account was seen with
go; where escrow still waits under a handle, only a sealed pair stays until it expires, so
the handle's next holder still cannot take that money, and the same platform account,
connected again by a new user, still can."""

from __future__ import annotations

import json

from functions.common import clock
from functions.common.months import start_of
from functions.core.ownership import aliases
from functions.core.ownership.models import HandleAlias
from tests.integration.claim_helpers import escrow_for

HANDLE, OWN_ID, NEXT_HOLDER = "github:octocat", "github:583231", "github:999"


def stored() -> str:
    return json.dumps([a.attribute_values for a in HandleAlias.scan()], default=str)


def test_without_escrow_the_pair_goes_and_the_handle_is_free(aws):
    aliases.record(HANDLE, OWN_ID, clock.now())
    aliases.record("github:other", "github:7", clock.now())
    assert aliases.forget_account(OWN_ID) == 1
    assert "octocat" not in stored() and "583231" not in stored()
    assert "github:other" in stored()  # another account's pair stays
    assert aliases.proves_handle(HANDLE, NEXT_HOLDER)


def test_with_escrow_waiting_a_sealed_pair_keeps_the_next_holder_out(aws):
    escrow_for(HANDLE, ("ada", 2))
    aliases.record(HANDLE, OWN_ID, clock.now())
    assert not aliases.proves_handle(HANDLE, NEXT_HOLDER)
    assert aliases.forget_account(OWN_ID) == 1
    assert "octocat" not in stored() and "583231" not in stored()  # nothing readable
    (sealed,) = HandleAlias.scan()
    assert sealed.handle_key.startswith("sealed:") and sealed.id_key.startswith("sealed:")
    assert sealed.expires_at >= start_of("2032-01")  # June's escrow expires in January
    assert not aliases.proves_handle(HANDLE, NEXT_HOLDER)
    assert aliases.proves_handle(HANDLE, OWN_ID)  # the same GitHub account, connected again

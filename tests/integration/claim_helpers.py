"""Helpers for the claim tests: escrow made by the real split, proofs, the outbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from functions.common import clock
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.ledger import Movement
from functions.core.models import Connection
from local.gateway import invoke
from local.outbox import messages
from local.seed import direct_escrow  # noqa: F401 - shared with the benchmarks
from tests.integration.payout_helpers import EUR, JUNE, add_flattrs, add_user, run_job


def split_june(*plan: tuple[str, str, int]) -> None:
    """(contributor, recipient, flattrs) made in June by contributors with a 5 EUR
    budget; then the month is split."""
    clock.move_to(JUNE)
    for contributor in dict.fromkeys(c for c, _, _ in plan):
        add_user(contributor, budget=5 * EUR, paid_in=10 * EUR)
    for contributor, recipient, flattrs in plan:
        add_flattrs(contributor, recipient, flattrs)
    clock.move_to(JUNE.replace(month=7, day=1, hour=0, minute=30))
    run_job("monthly-split", month="2031-06")


def escrow_for(recipient: str, *givers: tuple[str, int], also: str | None = None) -> None:
    """Contributors flattr ``recipient`` (and once ``also``) in June; the month is split."""
    plan = [(contributor, recipient, flattrs) for contributor, flattrs in givers]
    plan += [(contributor, also, 1) for contributor, _ in givers] if also else []
    split_june(*plan)


@contextmanager
def crash_after_first_movement() -> Iterator[None]:
    """Inside, the ledger's second movement raises as if the Lambda died right after the
    first one committed; the block must end with that crash."""
    real_apply = ledger.apply
    applied = {"n": 0}

    def crash_after_first(movement: Movement) -> bool:
        if applied["n"] == 1:
            raise RuntimeError("the Lambda died here")
        applied["n"] += 1
        return real_apply(movement)

    ledger.apply = crash_after_first  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError, match="the Lambda died here"):
            yield
    finally:
        ledger.apply = real_apply  # type: ignore[assignment]


def claim_cut_short(recipient: str, user: str) -> None:
    """Start claiming ``recipient`` and crash right after its first transaction commits."""
    from functions.claim import claiming

    with crash_after_first_movement():
        claiming.move_escrow(recipient, user)


def connect(user: str, platform: str, stable_id: str, handle: str) -> None:
    ensure_bound()
    Connection(
        user,
        platform,
        identity=f"{platform}#{stable_id}",
        handle=handle,
        state="active",
        auto_flattr=False,
        next_poll_at=0,
    ).save()


def email_job() -> dict[str, Any]:
    result = invoke("claim", "job_handler", {"job": "unclaimed-email"})
    assert isinstance(result, dict)
    return result


def outbox(to: str | None = None) -> list[dict[str, Any]]:
    return [m for m in messages() if to is None or to in m["to"]]


PUBLIC = {"octo.dev": "93.184.215.14", "blog.example.org": "93.184.215.15"}
PRIVATE = {"intranet.example": "192.168.1.20", "metadata.example": "169.254.169.254"}


def stub_resolver(name: str, port: int, **_: object) -> list[Any]:
    address = {**PUBLIC, **PRIVATE}.get(name) or {**PUBLIC, **PRIVATE}.get(
        name.removeprefix("www.")
    )
    if address is None:
        raise socket.gaierror("no such host")
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

"""The monthly split of one contributor's budget, as a pure function of integers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

BASIS_POINTS = 10_000


class Part(NamedTuple):  # a tuple: a month of a million flattrs builds a million of them
    recipient: str
    flattrs: int
    amount: int


@dataclass(frozen=True)
class Split:
    charge: int
    fee: int
    parts: tuple[Part, ...]

    @property
    def funded(self) -> bool:
        return self.charge > 0

    @property
    def distributable(self) -> int:
        return self.charge - self.fee


def split_month(
    budget: int, balance: int, flattrs: Mapping[str, int], fee_basis_points: int
) -> Split:
    """Split ``min(budget, balance)`` over ``flattrs`` (recipient -> count).

    The fee is rounded down; each recipient with k of n flattrs gets
    ``distributable * k / n`` rounded down, and the remainder goes one micro-unit at a
    time to the largest fractional parts, ties broken by recipient key. No flattrs, no
    charge; flattrs but no balance: every part is zero (unfunded).
    """
    if budget < 0 or balance < 0 or not 0 <= fee_basis_points <= BASIS_POINTS:
        raise ValueError("budget, balance and fee must be non-negative")
    if any(k < 0 for k in flattrs.values()):
        raise ValueError("flattr counts must be non-negative")
    recipients = sorted(r for r, k in flattrs.items() if k > 0)
    if not recipients:
        return Split(0, 0, ())
    counts = [flattrs[r] for r in recipients]
    total = sum(counts)
    charge = min(budget, balance)
    fee = charge * fee_basis_points // BASIS_POINTS
    distributable = charge - fee
    amounts = [distributable * k // total for k in counts]
    remainder = distributable - sum(amounts)
    if remainder:
        # Largest fractional part first, (distributable * k mod n) / n; a stable sort of
        # the recipients in key order breaks ties by key.
        order = sorted(range(len(counts)), key=lambda i: -(distributable * counts[i] % total))
        for index in order[:remainder]:
            amounts[index] += 1
    return Split(charge, fee, tuple(map(Part, recipients, counts, amounts)))


class StoredPart(NamedTuple):
    recipient: str
    flattrs: int
    amount: int
    held: bool  # for an unclaimed recipient: in its escrow


def store_parts(split: Split, creators: Mapping[str, str]) -> list[list[str | int]]:
    """A statement's parts as stored: ``[recipient, flattrs, amount, held]`` lists, half
    the size of named fields (a statement is written in a transaction: 2 units per KB)."""
    return [
        [p.recipient, p.flattrs, p.amount, int(p.recipient not in creators)] for p in split.parts
    ]


def stored_parts(details: Mapping[str, object] | None) -> list[StoredPart]:
    """The parts of a statement's ``details``, in either stored form (named fields before
    2026-11, lists since)."""
    parts = (details or {}).get("parts") or []
    assert isinstance(parts, list)
    return [
        StoredPart(str(p[0]), int(p[1]), int(p[2]), bool(p[3]))
        if isinstance(p, list)
        else StoredPart(str(p["recipient"]), int(p["flattrs"]), int(p["amount"]), bool(p["held"]))
        for p in parts
    ]

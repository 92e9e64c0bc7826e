"""The monthly split of one contributor's budget, as a pure function of integers: their
pledges first (``rules.md``, Pledges), then the rest over their flattrs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

BASIS_POINTS = 10_000


class Part(NamedTuple):  # a tuple: a month of a million flattrs builds a million of them
    recipient: str
    flattrs: int
    amount: int


class Pledge(NamedTuple):
    recipient: str
    amount: int  # pledged a month, before the fee


@dataclass(frozen=True)
class Split:
    charge: int
    fee: int
    parts: tuple[Part, ...]
    pledges: tuple[Part, ...] = ()  # paid pledges: what each recipient gets (``flattrs`` 0)
    dropped: tuple[str, ...] = ()  # recipients of pledges the balance could not cover

    @property
    def funded(self) -> bool:
        return self.charge > 0

    @property
    def distributable(self) -> int:
        return self.charge - self.fee


def split_month(
    budget: int,
    balance: int,
    flattrs: Mapping[str, int],
    fee_basis_points: int,
    pledges: Sequence[Pledge] = (),
) -> Split:
    """Split ``min(budget, balance)``: ``pledges`` (oldest first) paid first, each whole or
    not at all, the newest dropped while they do not fit; the rest over ``flattrs``
    (recipient -> count). With pledges but no flattrs only the pledges are charged.

    The fee is rounded down, on each pledge and on the rest; each recipient with k of n
    flattrs gets ``distributable * k / n`` rounded down, and the remainder goes one
    micro-unit at a time to the largest fractional parts, ties broken by recipient key.
    Nothing to pay, no charge; flattrs but no balance: every part is zero (unfunded).
    """
    if budget < 0 or balance < 0 or not 0 <= fee_basis_points <= BASIS_POINTS:
        raise ValueError("budget, balance and fee must be non-negative")
    if any(k < 0 for k in flattrs.values()) or any(p.amount <= 0 for p in pledges):
        raise ValueError("flattr counts must be non-negative, pledges positive")
    available = min(budget, balance)
    kept = list(pledges)
    dropped: list[str] = []
    while kept and sum(p.amount for p in kept) > available:
        dropped.append(kept.pop().recipient)
    paid = tuple(
        Part(p.recipient, 0, p.amount - p.amount * fee_basis_points // BASIS_POINTS) for p in kept
    )
    pledged = sum(p.amount for p in kept)
    recipients = sorted(r for r, k in flattrs.items() if k > 0)
    if not recipients:
        return Split(pledged, pledged - sum(p.amount for p in paid), (), paid, tuple(dropped))
    counts = [flattrs[r] for r in recipients]
    total = sum(counts)
    charge = available
    rest = charge - pledged
    distributable = rest - rest * fee_basis_points // BASIS_POINTS
    fee = charge - distributable - sum(p.amount for p in paid)
    amounts = [distributable * k // total for k in counts]
    remainder = distributable - sum(amounts)
    if remainder:
        # Largest fractional part first, (distributable * k mod n) / n; a stable sort of
        # the recipients in key order breaks ties by key.
        order = sorted(range(len(counts)), key=lambda i: -(distributable * counts[i] % total))
        for index in order[:remainder]:
            amounts[index] += 1
    parts = tuple(map(Part, recipients, counts, amounts))
    return Split(charge, fee, parts, paid, tuple(dropped))


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


def store_pledges(split: Split, creators: Mapping[str, str]) -> list[list[str | int]]:
    """A statement's paid pledges as stored: ``[recipient, amount, held]`` lists."""
    return [[p.recipient, p.amount, int(p.recipient not in creators)] for p in split.pledges]


def stored_pledges(details: Mapping[str, object] | None) -> list[StoredPart]:
    """The paid pledges of a statement's ``details`` (none before pledges existed)."""
    pledges = (details or {}).get("pledges") or []
    assert isinstance(pledges, list)
    return [StoredPart(str(p[0]), 0, int(p[1]), bool(p[2])) for p in pledges]


def paid_parts(details: Mapping[str, object] | None) -> list[StoredPart]:
    """Everything a statement pays, one part per recipient: its flattrs' part and its
    pledge together (a contributor is one supporter of a recipient, whatever they gave)."""
    merged: dict[str, StoredPart] = {}
    for part in stored_parts(details) + stored_pledges(details):
        found = merged.get(part.recipient)
        merged[part.recipient] = (
            part
            if found is None
            else StoredPart(
                part.recipient, found.flattrs + part.flattrs, found.amount + part.amount, found.held
            )
        )
    return list(merged.values())

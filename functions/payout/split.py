"""The monthly split of one contributor's budget, as a pure function of integers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class Part:
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
    counts = {recipient: k for recipient, k in flattrs.items() if k > 0}
    if any(k < 0 for k in flattrs.values()):
        raise ValueError("flattr counts must be non-negative")
    total = sum(counts.values())
    if total == 0:
        return Split(0, 0, ())
    charge = min(budget, balance)
    fee = charge * fee_basis_points // BASIS_POINTS
    distributable = charge - fee
    floors = {r: distributable * k // total for r, k in counts.items()}
    remainder = distributable - sum(floors.values())
    # Largest fractional part first; the fraction of r is (distributable * k mod n) / n.
    order = sorted(counts, key=lambda r: (-(distributable * counts[r] % total), r))
    bonus = set(order[:remainder])
    parts = tuple(Part(r, counts[r], floors[r] + (1 if r in bonus else 0)) for r in sorted(counts))
    return Split(charge, fee, parts)

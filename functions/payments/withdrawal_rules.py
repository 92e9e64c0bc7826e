"""A withdrawal's rules, as plain functions: how much may leave, and which ledger movements
each state stands for (``withdrawals.py`` reads, asks Stripe, and applies them, each once).

``pre`` → ``in_transit`` (``reserve``: out of the earnings, into ``withdrawing#<id>``) →
``paid`` (``paid``: out to ``paid_out``) | ``failed`` (``back``: to the earnings, where it
was reserved); a paid one may be ``reversed`` later (``reversed``: back to the earnings).
"""

from __future__ import annotations

from functions.common.errors import Invalid
from functions.common.money import format_cents

FINAL = ("paid", "failed", "reversed")

# The accounts a step moves money between: the creator's earnings, the withdrawal's flight
# account, and money paid out of the system.
EARNINGS, FLIGHT, PAID_OUT = "earnings", "flight", "paid_out"


def amount_cents(available: int, asked: int | None, least: int, currency: str) -> int:
    """What a withdrawal takes: ``asked`` (all that is earned when None), in whole cents of
    ``currency``, at least ``least`` and at most ``available``."""
    wanted = available if asked is None else asked
    if wanted < least:
        raise Invalid(
            f"amount: at least {format_cents(least)} {currency} "
            f"(you have {format_cents(available)} {currency})",
            field="body.amount",
        )
    if wanted > available:
        raise Invalid(
            f"amount: at most {format_cents(available)} {currency} is earned", field="body.amount"
        )
    return wanted


def settling_steps(state: str, reserved: bool) -> list[tuple[str, str, str]]:
    """The movements (step, from, to) a withdrawal in ``state`` stands for once settled;
    ``reserved``: whether its earnings were reserved (a ``failed`` one may never have been)."""
    steps = []
    if state in ("paid", "reversed"):
        steps.append(("paid", FLIGHT, PAID_OUT))
    if state == "reversed":
        steps.append(("reversed", PAID_OUT, EARNINGS))
    if state == "failed" and reserved:
        steps.append(("back", FLIGHT, EARNINGS))
    return steps

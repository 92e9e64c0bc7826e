"""Money in the emulated tables without going through a month of flattrs: for tests and
benchmarks that need much escrow fast. Writes real ledger movements, so every check holds."""

from __future__ import annotations

from functions.common import currencies
from functions.common.months import escrow_expiry_month
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.ledger import Leg, Movement
from functions.core.models import Escrow


def direct_escrow(
    recipient: str, contributors: int, amount: int = 50_000, prefix: str = "c"
) -> int:
    """Many escrow rows fast: paid in and moved to escrow as June's split would, one per
    contributor ``<prefix>0000``, ``<prefix>0001``, ...; answers the total."""
    ensure_bound()
    for index in range(contributors):
        contributor = f"{prefix}{index:04d}"
        books = currencies.of(None)  # June's money was paid in the books' first currency
        ledger.pay_in(contributor, amount, f"{contributor}-in", books)
        ledger.apply(
            Movement(
                f"split-2031-06-{contributor}",
                "split",
                (
                    Leg(ledger.contributor_account(contributor, books), -amount),
                    Leg(ledger.escrow_account(recipient, books), amount, ref=recipient, flattrs=1),
                ),
                "2031-06",
                puts=(
                    Escrow(
                        recipient,
                        f"2031-06#{contributor}",
                        contributor_id=contributor,
                        recipient_month=f"{recipient}#2031-06",
                        expires_month=escrow_expiry_month("2031-06"),
                        amount=amount,
                        flattrs=1,
                    ),
                ),
            )
        )
    return contributors * amount

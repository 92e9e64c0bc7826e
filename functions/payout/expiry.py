"""The ``expire-escrow`` job: escrow past its end goes back to the contributors who gave it."""

from __future__ import annotations

from typing import Any

from functions.common import clock
from functions.common.models import Escrow
from functions.common.money import format_amount
from functions.common.storage import ensure_bound
from functions.payout import ledger
from functions.payout.ledger import Leg, Movement
from functions.payout.months import add_months, month_of

# Expiry months are looked up this far back, so a job that did not run for a while
# still returns everything that expired meanwhile.
LOOK_BACK_MONTHS = 24


def expire_escrow(event: dict[str, Any]) -> dict[str, Any]:
    ensure_bound()
    now_month = month_of(clock.now())
    refunded = rows = 0
    for back in range(LOOK_BACK_MONTHS, -1, -1):
        expires_month = add_months(now_month, -back)
        for row in Escrow.by_expiry.query(expires_month):
            movement = Movement(
                f"expire-{row.recipient}-{row.month_contributor}",
                "refund",
                (
                    Leg(
                        ledger.escrow_account(row.recipient),
                        -int(row.amount),
                        ref=row.contributor_id,
                    ),
                    Leg(
                        ledger.contributor_account(row.contributor_id),
                        int(row.amount),
                        ref=f"{row.recipient}#{row.month_contributor.split('#')[0]}",
                        flattrs=int(row.flattrs),
                    ),
                ),
                now_month,
                deletes=(Escrow(row.recipient, row.month_contributor),),
            )
            if ledger.apply(movement):
                rows += 1
                refunded += int(row.amount)
    return {"expired": rows, "refunded": format_amount(refunded)}

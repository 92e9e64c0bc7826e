"""The ``expire-escrow`` job: escrow past its end goes back to the contributors who gave it."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from functions.common import clock
from functions.common.money import format_amount
from functions.common.months import ESCROW_MONTHS, add_months, month_of
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.models import Escrow, Recipient
from functions.payout import stats

# Expiry months are looked up this far back, so a job that did not run for a while
# still returns everything that expired meanwhile.
LOOK_BACK_MONTHS = 24


def _owned(recipient: str, cache: dict[str, bool]) -> bool:
    """Has the recipient been claimed (or declared)? Then its escrow is its creator's: a
    claim cut short by a crash is finished by the claim domain, never refunded."""
    if recipient not in cache:
        try:
            found = Recipient.get(recipient)
            cache[recipient] = bool(found.claimed_by or found.declared_user)
        except DoesNotExist:
            cache[recipient] = False
    return cache[recipient]


def expire_escrow(event: dict[str, Any]) -> dict[str, Any]:
    ensure_bound()
    now_month = month_of(clock.now())
    refunded = rows = kept = 0
    owned: dict[str, bool] = {}
    for back in range(LOOK_BACK_MONTHS, -1, -1):
        expires_month = add_months(now_month, -back)
        for row in Escrow.by_expiry.query(expires_month):
            if _owned(row.recipient, owned):
                kept += 1
                continue
            movement = ledger.escrow_refund(row, now_month, "expire")
            if ledger.apply(movement):
                rows += 1
                refunded += int(row.amount)
        # That month's escrow is over: no claim pays anyone for it any more.
        stats.settle(add_months(expires_month, -ESCROW_MONTHS))
    return {"expired": rows, "refunded": format_amount(refunded), "kept_for_owner": kept}

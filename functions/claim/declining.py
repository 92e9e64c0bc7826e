"""Declining a recipient: a creator who has proven ownership refuses the money.

The recipient is marked declined first (on the condition that nobody else owns it),
then leaves the catalogue, then each escrow row goes back to the contributor who gave
it, row by row, each only if still there. Every step is idempotent: a decline cut short
by a crash is finished by declining again, and the rows left over would in any case go
back at their expiry. From the mark on, ``/v1/resolve`` answers ``declined``, no new
flattr is made to it, and the split leaves those of the open month out.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import UpdateError

from functions.claim.claiming import TakenByAnother, require_proven_owner
from functions.claim.models import CatalogueEntry
from functions.common import clock, currencies
from functions.common.months import month_of
from functions.common.storage import condition_failed, ensure_bound
from functions.core import ledger
from functions.core.models import Escrow, Recipient


@dataclass
class Declined:
    recipient: str
    refunded: dict[str, int]  # currency -> what went back in it (never added together)
    rows: int


def _mark(recipient: str, user_id: str) -> None:
    now = clock.now()
    try:
        Recipient(recipient).update(
            actions=[Recipient.declined_by.set(user_id), Recipient.declined_at.set(now)],
            condition=Recipient.claimed_by.does_not_exist() | (Recipient.claimed_by == user_id),
        )
    except UpdateError as refused:
        if condition_failed(refused):
            raise TakenByAnother() from refused
        raise


def decline(user_id: str, recipient: str) -> Declined:
    """``POST /v1/declines``: the user must have proven ownership of ``recipient``."""
    ensure_bound()
    require_proven_owner(user_id, recipient)
    _mark(recipient, user_id)
    CatalogueEntry(recipient).delete()  # deleting an absent item is no error
    done = Declined(recipient, {}, 0)
    month = month_of(clock.now())
    for row in Escrow.query(recipient):
        if ledger.apply(ledger.escrow_refund(row, month, "decline")):
            currency = currencies.of(row.currency)
            done.refunded[currency] = done.refunded.get(currency, 0) + int(row.amount)
            done.rows += 1
    return done

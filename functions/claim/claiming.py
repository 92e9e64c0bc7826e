"""Claiming a recipient: ownership proven (a connection's identity, or a verified domain),
then its escrow moves to the creator's balance in the transaction that marks it claimed.

The first transaction marks the recipient ``claimed_by`` the creator (on the condition
that nobody else has it: of two concurrent claims exactly one wins) and moves the first
chunk of escrow rows. A recipient with more rows than fit in one transaction has the rest
moved chunk by chunk right after; each row is deleted in the transaction that moves its
money, so no row is moved twice, and a claim interrupted by a crash is finished by the
next claim request or by the daily job's ``settle_claimed``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from functions.claim.models import CatalogueEntry, DomainClaim, DonorNotice, ProvenEmail
from functions.common import clock, currencies
from functions.common.errors import Busy, Conflict, Forbidden
from functions.common.months import month_of
from functions.common.storage import ensure_bound
from functions.core import ledger, month_stats
from functions.core.ledger import Leg, Movement, Update, UpdateRefused
from functions.core.models import Connection, Escrow, Recipient
from functions.core.ownership.proofs import claimable_by

# Per row: its delete and its donor notice; plus the escrow and creator legs, two
# balances, the recipient, the catalogue entry (6), and for the public stats two updates
# per month the rows were held in (at most 7 months of escrow: 14): 2 a row + 20 <= 100.
CHUNK = 40
MAX_RETRIES = 5


@dataclass
class Claimed:
    recipient: str
    amounts: dict[str, int]  # currency -> what moved in it (never added together)
    rows: int

    def add(self, rows: list[Escrow]) -> None:
        for row in rows:
            currency = currencies.of(row.currency)
            self.amounts[currency] = self.amounts.get(currency, 0) + int(row.amount)
        self.rows += len(rows)


def proven_keys(user_id: str) -> set[str]:
    """Recipient keys the user has proven to own: connected accounts (their handles while
    no other account is on record for them), verified domains and proven addresses."""
    ensure_bound()
    keys: set[str] = set()
    for connection in Connection.query(user_id):
        keys |= claimable_by(connection)
    for domain in DomainClaim.by_user.query(
        user_id, filter_condition=DomainClaim.verified_at.exists()
    ):
        keys.add(f"web:{domain.domain}")
    keys |= {proof.recipient for proof in ProvenEmail.query(user_id)}
    return keys


def standing(recipient: str) -> tuple[str | None, bool]:
    """Who owns ``recipient`` now (its claimer or declared user), and whether it was declined."""
    ensure_bound()
    try:
        found = Recipient.get(recipient)
    except DoesNotExist:
        return None, False
    return found.claimed_by or found.declared_user, found.declined_at is not None


def owner_of(recipient: str) -> str | None:
    return standing(recipient)[0]


def _chunk_id(recipient: str, rows: list[Escrow]) -> str:
    digest = hashlib.sha256("|".join(r.month_contributor for r in rows).encode()).hexdigest()
    return f"claim-{recipient}-{digest[:24]}"


def claim_movement(recipient: str, user_id: str, rows: list[Escrow], now: datetime) -> Movement:
    """One chunk of a claim, decided from the escrow rows read (at most ``CHUNK``, all of
    one currency): their money to the creator's earnings in it, the rows gone, the
    recipient marked claimed (unless someone else has it), out of the catalogue, and one
    notice per donor, all in one step."""
    total = sum(int(r.amount) for r in rows)
    currency = currencies.of(rows[0].currency) if rows else currencies.of(None)
    if any(currencies.of(r.currency) != currency for r in rows):
        raise ValueError("a claim's chunk moves one currency")
    legs = (
        (
            Leg(ledger.escrow_account(recipient, currency), -total, ref=user_id),
            Leg(
                ledger.creator_account(user_id, currency),
                total,
                ref=recipient,
                flattrs=sum(int(r.flattrs) for r in rows),
                supporters=len({r.contributor_id for r in rows}),
            ),
        )
        if rows
        else ()
    )
    # Donors are told in their next digest; one notice per (contributor, recipient).
    notices = {
        r.contributor_id: DonorNotice(r.contributor_id, recipient, amount=0, at=now) for r in rows
    }
    for r in rows:
        notices[r.contributor_id].amount += int(r.amount)
    return Movement(
        _chunk_id(recipient, rows),
        "claim",
        legs,
        month_of(now),
        deletes=tuple(Escrow(r.recipient, r.month_contributor) for r in rows),
        # Claimed: out of the public catalogue in the same step, not at the next daily run.
        discards=(CatalogueEntry(recipient),),
        updates=(
            Update(
                Recipient(recipient),
                (Recipient.claimed_by.set(user_id), Recipient.claimed_at.set(now)),
                Recipient.claimed_by.does_not_exist() | (Recipient.claimed_by == user_id),
            ),
            *month_stats.claimed(user_id, rows),
            *(
                Update(
                    notice,
                    (DonorNotice.amount.add(notice.amount), DonorNotice.at.set(now)),
                )
                for notice in notices.values()
            ),
        ),
    )


class TakenByAnother(Conflict):
    def __init__(self) -> None:
        super().__init__("recipient: it belongs to someone else", slug="claimed")


def move_escrow(recipient: str, user_id: str) -> Claimed:
    """Mark ``recipient`` claimed by ``user_id`` and move all its escrow to them.
    Raises ``Conflict`` if someone else owns it, ``Busy`` if rows keep changing under it."""
    ensure_bound()
    moved = Claimed(recipient, {}, 0)
    retries = 0
    while True:
        read = list(Escrow.query(recipient, limit=CHUNK))[:CHUNK]
        # One currency a chunk: the first row's (the others follow in the next chunks).
        rows = [r for r in read if currencies.of(r.currency) == currencies.of(read[0].currency)]
        try:
            applied = ledger.apply(claim_movement(recipient, user_id, rows, clock.now()))
        except UpdateRefused as refused:
            raise TakenByAnother() from refused
        if applied:
            moved.add(rows)
            retries = 0
        else:
            # A row went meanwhile (expired, or moved by a concurrent request): read again.
            retries += 1
            if retries > MAX_RETRIES:
                raise Busy()
        if applied and len(read) < CHUNK and len(rows) == len(read):
            return moved


def require_proven_owner(user_id: str, recipient: str) -> None:
    """Claiming and declining alike: nobody else owns ``recipient``, and the user has
    proven it is theirs (``Conflict`` or ``Forbidden`` otherwise)."""
    owner = owner_of(recipient)
    if owner is not None and owner != user_id:
        raise TakenByAnother()
    if recipient not in proven_keys(user_id):
        raise Forbidden(
            "recipient: connect that account, verify that domain or prove that address first",
            slug="ownership-not-proven",
        )


def claim(user_id: str, recipient: str) -> Claimed:
    """``POST /v1/claims``: the user must have proven ownership of ``recipient``."""
    require_proven_owner(user_id, recipient)
    return move_escrow(recipient, user_id)

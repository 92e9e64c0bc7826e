"""What waits for an unclaimed recipient: the money, its supporters, the top items and
when the oldest part of it expires. Read from the escrow rows and the recipient's flattrs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from functions.common import currencies
from functions.common.money import people_money
from functions.common.months import start_of
from functions.common.storage import ensure_bound
from functions.core.models import Escrow, Flattr
from functions.core.recipients import recipient_ref

TOP_ITEMS = 5


@dataclass
class Waiting:
    recipient: str
    amounts: dict[str, int] = field(default_factory=dict)  # currency -> micro-units
    flattrs: int = 0
    supporters: int = 0
    oldest_expiry: datetime | None = None  # when the oldest escrow goes back to its givers
    expires_month: str | None = None
    months: dict[tuple[str, str], int] = field(default_factory=dict)  # (month, currency) ->
    contributors: dict[str, int] = field(default_factory=dict)  # contributor -> amount

    @property
    def currency(self) -> str:
        """The currency most of what waits is in (ties: the first of the service's list):
        the one single-amount fields and sentences lead with."""
        if not self.amounts:
            return currencies.of(None)
        return max(self.amounts, key=lambda c: (self.amounts[c], -currencies.CODES.index(c)))

    @property
    def amount(self) -> int:
        """What waits in ``currency`` (the others are in ``amounts``: never added to it)."""
        return self.amounts.get(self.currency, 0)

    def in_words(self) -> str:
        """``"3.00 USD and 1.50 CHF"``: every currency, the largest first."""
        ordered = sorted(self.amounts.items(), key=lambda item: -item[1])
        return " and ".join(people_money(amount, currency) for currency, amount in ordered)

    @property
    def platform(self) -> str:
        return self.recipient.split(":", 1)[0]

    @property
    def display_name(self) -> str:
        """As every answer shows it (a handle for an id, a Gravatar name for an address)."""
        return recipient_ref(self.recipient, False).display_name


def waiting_for(recipient: str) -> Waiting:
    ensure_bound()
    found = Waiting(recipient)
    for row in Escrow.query(recipient):
        currency = currencies.of(row.currency)
        found.amounts[currency] = found.amounts.get(currency, 0) + int(row.amount)
        found.flattrs += int(row.flattrs)
        found.contributors[row.contributor_id] = found.contributors.get(
            row.contributor_id, 0
        ) + int(row.amount)
        month = row.given_in()
        found.months[month, currency] = found.months.get((month, currency), 0) + int(row.amount)
        if found.expires_month is None or row.expires_month < found.expires_month:
            found.expires_month = row.expires_month
    found.supporters = len(found.contributors)
    if found.expires_month:
        found.oldest_expiry = start_of(found.expires_month)
    return found


def top_items(recipient: str, limit: int = TOP_ITEMS, scan: int = 2_000) -> list[tuple[str, int]]:
    """The recipient's most flattred URLs (its own pages: the creator's proof), newest
    ``scan`` flattrs considered."""
    ensure_bound()
    counts: Counter[str] = Counter()
    for flattr in Flattr.by_recipient.query(recipient, scan_index_forward=False, limit=scan):
        counts[flattr.url] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

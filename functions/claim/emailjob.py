"""The daily ``unclaimed-email`` job.

1. Settles claimed recipients that still hold escrow (a claim interrupted by a crash, or a
   split that wrote escrow just as its recipient was claimed): the rest moves to the creator.
2. Rebuilds the public catalogue of unclaimed recipients with money waiting.
3. Writes to each recipient whose turn it is (``cadence.next_notice``) at an address it
   published itself, unless that address is suppressed (unsubscribe, bounce, complaint):
   one email per address listing every recipient due there, at most one per address per
   14 days (``cadence.address_may_write``).
4. Sends each contributor one digest of the recipients they gave to that were claimed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist, UpdateError

from functions.claim import cadence, contacts, events, links, mail
from functions.claim.claiming import move_escrow, owner_of
from functions.claim.models import CatalogueEntry, DonorNotice, EmailState
from functions.claim.waiting import Waiting, top_items, waiting_for
from functions.common import clock, currencies
from functions.common.errors import Busy, Conflict
from functions.common.money import format_for_people
from functions.common.storage import condition_failed, ensure_bound
from functions.core import ledger
from functions.core.models import LedgerItem, User
from functions.core.platforms.registry import BY_NAME
from functions.core.recipients import recipient_ref

logger = Logger(service="claim", child=True)


@dataclass
class EmailSummary:
    recipients: int = 0
    settled: int = 0
    settle_failed: int = 0
    catalogued: int = 0
    sent: int = 0
    no_address: int = 0
    lookups_limited: int = 0
    suppressed: int = 0
    address_waits: int = 0  # due, but their address had an email less than 14 days ago
    listed: int = 0  # recipients the emails sent listed (one email per address)
    digests: int = 0


def platform_name(platform: str) -> str:
    if platform == "email":
        return "email"
    found = BY_NAME.get(platform)
    return found.display if found else "the web"


def escrow_recipients() -> list[str]:
    """Recipients whose escrow balance is above zero, in any currency (``USD:escrow#…``)."""
    ensure_bound()
    held = LedgerItem.scan(
        LedgerItem.account.contains("escrow#")
        & (LedgerItem.sk == "balance")
        & (LedgerItem.amount > 0)
    )
    names = (ledger.currency_of(str(item.account))[1] for item in held)
    return sorted({name.split("#", 1)[1] for name in names if name.startswith("escrow#")})


def _state(recipient: str) -> EmailState:
    try:
        return EmailState.get(recipient)
    except DoesNotExist:
        return EmailState(recipient)


def _reserve(state: EmailState, notice: cadence.Notice, now: datetime) -> bool:
    """Record the notice before sending it, on the condition that no other run did:
    at most one email per turn, even if two runs overlap."""
    previous = state.last_sent_at
    condition = (
        EmailState.last_sent_at.does_not_exist()
        if previous is None
        else (EmailState.last_sent_at == previous)
    )
    actions: list[Any] = [
        EmailState.last_sent_at.set(now),
        EmailState.notices.set(int(state.notices or 0) + 1),
    ]
    if state.first_sent_at is None:
        actions.append(EmailState.first_sent_at.set(now))
    if notice == "last":
        actions.append(EmailState.last_notice_sent.set(True))
    try:
        state.update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


@dataclass
class _Due:
    """A recipient whose notice is due, with its cadence state as read."""

    waiting: Waiting
    state: EmailState
    notice: cadence.Notice


def _due(waiting: Waiting, now: datetime) -> _Due | None:
    state = _state(waiting.recipient)
    history = cadence.History(
        first_sent_at=state.first_sent_at,
        last_sent_at=state.last_sent_at,
        notices=int(state.notices or 0),
        last_notice_sent=bool(state.last_notice_sent),
        suppressed=bool(state.suppressed),
    )
    least = currencies.scaled(cadence.MIN_AMOUNT, waiting.currency)
    notice = cadence.next_notice(history, waiting.amount, waiting.oldest_expiry, now, least)
    return None if notice is None else _Due(waiting, state, notice)


def notify(unclaimed: list[Waiting], now: datetime, summary: EmailSummary) -> None:
    """Each recipient whose notice is due, at the address it published; recipients that
    lead to one address get one email listing them all, which counts as the notice of
    each, and an address gets at most one email per ``cadence.MIN_GAP``."""
    by_address: dict[str, tuple[str, list[_Due]]] = {}
    for waiting in unclaimed:
        due = _due(waiting, now)
        if due is None:
            continue
        try:
            address = contacts.published_address(waiting.recipient)
        except contacts.LookupLimited:
            summary.lookups_limited += 1  # the cadence waits: this recipient is asked tomorrow
            continue
        if address is None:
            summary.no_address += 1
            continue
        if events.is_suppressed(address):
            summary.suppressed += 1
            continue
        by_address.setdefault(events.address_hash(address), (address, []))[1].append(due)
    for key, (address, dues) in sorted(by_address.items()):
        _write(address, key, dues, now, summary)


def _write(address: str, key: str, dues: list[_Due], now: datetime, summary: EmailSummary) -> None:
    """One email to ``address`` (keyed hash ``key``) for every recipient of ``dues`` whose
    turn this run still holds; the address's own turn is reserved first."""
    at_address = _state(f"{ADDRESS_STATE}{key}")
    if not cadence.address_may_write(at_address.last_sent_at, now):
        summary.address_waits += len(dues)
        return
    if not _reserve_address(at_address, now):
        return
    reserved = [due for due in dues if _reserve(due.state, due.notice, now)]
    if not reserved:
        return
    first = reserved[0].waiting
    unsubscribe = links.public_url(
        f"/v1/email/unsubscribe?token={links.unsubscribe_token(first.recipient, address)}"
    )
    total = Waiting(first.recipient)
    for due in reserved:
        for currency, amount in due.waiting.amounts.items():
            total.amounts[currency] = total.amounts.get(currency, 0) + amount
    supporters = len({c for due in reserved for c in due.waiting.contributors})
    mail.send(
        address,
        f"{total.in_words()} from {supporters} "
        f"{'person' if supporters == 1 else 'people'} waits for you on Flattr",
        "unclaimed",
        {
            "notice": _strongest(due.notice for due in reserved),
            "amount": total.in_words(),
            "supporters": supporters,
            "entries": [_entry(due, now) for due in reserved],
            "unsubscribe_url": unsubscribe,
        },
        unsubscribe_url=unsubscribe,
    )
    summary.sent += 1
    summary.listed += len(reserved)


ADDRESS_STATE = "address:"  # an address's own cadence, by keyed hash, in ``email-state``


def _reserve_address(state: EmailState, now: datetime) -> bool:
    """Take the address's turn, on the condition that no other run took it meanwhile."""
    previous = state.last_sent_at
    condition = (
        EmailState.last_sent_at.does_not_exist()
        if previous is None
        else (EmailState.last_sent_at == previous)
    )
    try:
        state.update(
            actions=[
                EmailState.last_sent_at.set(now),
                EmailState.expires_at.set(now + cadence.MIN_GAP + timedelta(days=1)),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def _strongest(notices: Iterable[cadence.Notice]) -> cadence.Notice:
    found = set(notices)
    return "last" if "last" in found else "reminder" if "reminder" in found else "first"


def _entry(due: _Due, now: datetime) -> dict[str, Any]:
    waiting = due.waiting
    assert waiting.oldest_expiry is not None
    token = links.new_claim_link(waiting.recipient, now, waiting.oldest_expiry)
    return {
        "notice": due.notice,
        "amount": waiting.in_words(),
        "supporters": waiting.supporters,
        "display_name": waiting.display_name,
        "platform_name": platform_name(waiting.platform),
        "items": top_items(waiting.recipient),
        "until": waiting.oldest_expiry.strftime("%d %B %Y"),
        "claim_url": links.public_url(f"/claim/{token}"),
    }


def rebuild_catalogue(waiting: list[Waiting]) -> int:
    ensure_bound()
    present = {w.recipient for w in waiting}
    with CatalogueEntry.batch_write() as batch:
        for entry in CatalogueEntry.scan():
            if entry.recipient not in present:
                batch.delete(entry)
        for w in waiting:
            latest = max(month for month, _ in w.months) if w.months else None
            batch.save(
                CatalogueEntry(
                    w.recipient,
                    amount=w.amount,
                    currency=w.currency,
                    amounts=dict(w.amounts),
                    recent=w.months.get((latest, w.currency), 0) if latest else 0,
                    supporters=w.supporters,
                    flattrs=w.flattrs,
                    expires_month=w.expires_month or "",
                )
            )
    return len(present)


def send_digests(summary: EmailSummary) -> None:
    """One email per contributor for all their recipients claimed since the last one."""
    by_contributor: dict[str, list[DonorNotice]] = defaultdict(list)
    for notice in DonorNotice.scan():
        by_contributor[notice.contributor_id].append(notice)
    for contributor, notices in sorted(by_contributor.items()):
        try:
            user = User.get(contributor)
            address = user.email
        except DoesNotExist:
            address = None
        if address:
            mail.send(
                address,
                "Your flattrs reached their creator"
                if len(notices) == 1
                else f"Your flattrs reached {len(notices)} creators",
                "donors",
                {
                    "claims": [
                        {
                            "display_name": recipient_ref(n.recipient, True).display_name,
                            "platform_name": platform_name(n.recipient.split(":", 1)[0]),
                            "amount": format_for_people(int(n.amount)),
                        }
                        for n in sorted(notices, key=lambda n: n.recipient)
                    ],
                    "currency": currencies.of(user.currency),
                    "statements_url": links.public_url("/history"),  # the website's page
                },
            )
            summary.digests += 1
        with DonorNotice.batch_write() as batch:
            for notice in notices:
                batch.delete(notice)


def unclaimed_email(event: dict[str, Any]) -> dict[str, Any]:
    ensure_bound()
    now = clock.now()
    summary = EmailSummary()
    unclaimed: list[Waiting] = []
    for recipient in escrow_recipients():
        summary.recipients += 1
        owner = owner_of(recipient)
        if owner is not None:
            try:
                move_escrow(recipient, owner)
                summary.settled += 1
            except (Conflict, Busy) as error:
                # Claimed again meanwhile, or contended: nothing moved that should not
                # have; the next run settles it. Said, never swallowed.
                summary.settle_failed += 1
                logger.warning(
                    "settling a claimed recipient failed", extra={"error": type(error).__name__}
                )
            continue
        unclaimed.append(waiting_for(recipient))
    summary.catalogued = rebuild_catalogue(unclaimed)
    notify(unclaimed, now, summary)
    send_digests(summary)
    return vars(summary)

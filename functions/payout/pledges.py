"""Pledges (``rules.md``, Pledges): a contributor gives a fixed amount a month to one
recipient, claimed or not. Pledges are part of the monthly budget (pledging more raises
it); the split pays them first, each whole or not at all (``split.split_month``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from functions.common import currencies
from functions.common.errors import Conflict, Invalid, Missing
from functions.common.money import people_money
from functions.common.months import add_months, start_of
from functions.common.settings import MAX_SPLIT_SHARDS
from functions.common.storage import ensure_bound
from functions.core.flattrs import shard_of
from functions.core.models import Pledge, Recipient, User
from functions.core.platforms.registry import BY_NAME
from functions.payout.split import Pledge as Pledged

BUCKETS = 64  # a contributor's bucket: their shard among 64 (every month's shard count divides
# or is a multiple of it: both powers of two)
MAX_PLEDGES = 50  # one person's pledges
MIN_PLEDGE, MAX_PLEDGE = 1_000_000, 1_000_000_000  # micro-units a month
RECIPIENT = re.compile(r"^([a-z0-9]{2,20}):(\S{1,300})$")
NOT_RECIPIENTS = {"pending", "none"}  # a flattr waiting for its owner, or nobody to pay

assert MAX_SPLIT_SHARDS % BUCKETS == 0


@dataclass(frozen=True)
class Made:
    pledge: Pledge
    budget_raised_to: int | None  # the pledges' total, where it was above the budget


def mine(contributor_id: str) -> list[Pledge]:
    """The contributor's pledges, oldest first."""
    ensure_bound()
    return list(Pledge.query(contributor_id))


def _check_recipient(contributor_id: str, recipient: str) -> None:
    match = RECIPIENT.match(recipient)
    platform = match.group(1) if match else ""
    if platform in NOT_RECIPIENTS or (
        platform not in BY_NAME and platform not in ("web", "user", "email")
    ):
        raise Invalid("not a recipient key, like github:octocat", field="body.recipient")
    if recipient == f"user:{contributor_id}":
        raise Invalid("that is you", field="body.recipient", slug="own-recipient")
    try:
        record = Recipient.get(recipient)
    except Recipient.DoesNotExist:
        return
    if record.claimed_by == contributor_id or record.declared_user == contributor_id:
        raise Invalid("that is you", field="body.recipient", slug="own-recipient")
    if record.declined_at is not None:
        raise Invalid(
            "recipient: its creator does not take money here",
            field="body.recipient",
            slug="declined",
        )


def _check_amount(amount: int, currency: str) -> None:
    least, most = (currencies.scaled(limit, currency) for limit in (MIN_PLEDGE, MAX_PLEDGE))
    if not least <= amount <= most:
        raise Invalid(
            f"from {people_money(least, currency)} to {people_money(most, currency)} a month",
            field="body.amount",
        )


def make(contributor_id: str, recipient: str, amount: int, now: datetime, currency: str) -> Made:
    """A new pledge in the contributor's ``currency``; the budget raised to the pledges'
    total where that is above it."""
    ensure_bound()
    _check_recipient(contributor_id, recipient)
    _check_amount(amount, currency)
    found = mine(contributor_id)
    if any(p.recipient == recipient for p in found):
        raise Conflict(
            "you give to it monthly already: change that pledge",
            field="body.recipient",
            slug="pledged",
        )
    if len(found) >= MAX_PLEDGES:
        raise Conflict(f"at most {MAX_PLEDGES} pledges", slug="too-many")
    pledge_id = f"{now:%Y%m%d%H%M%S}{secrets.token_hex(4)}"
    pledge = Pledge(
        contributor_id,
        pledge_id,
        recipient=recipient,
        amount=amount,
        created_at=now,
        bucket=shard_of(contributor_id, BUCKETS),
        pledge_ref=f"{contributor_id}#{pledge_id}",
    )
    pledge.save(condition=Pledge.pledge_id.does_not_exist())
    return Made(pledge, _raise_budget(contributor_id, sum(int(p.amount) for p in found) + amount))


def _raise_budget(contributor_id: str, total: int) -> int | None:
    user = User.get(contributor_id)
    if int(user.monthly_budget) >= total:
        return None
    user.update(actions=[User.monthly_budget.set(total)])
    return total


def _own(contributor_id: str, pledge_id: str) -> Pledge:
    ensure_bound()
    try:
        return Pledge.get(contributor_id, pledge_id)
    except Pledge.DoesNotExist as missing:
        raise Missing("pledge_id: no such pledge of yours") from missing


def change(contributor_id: str, pledge_id: str, amount: int, currency: str) -> Made:
    pledge = _own(contributor_id, pledge_id)
    _check_amount(amount, currency)
    pledge.update(actions=[Pledge.amount.set(amount)])
    total = sum(int(p.amount) for p in mine(contributor_id))
    return Made(pledge, _raise_budget(contributor_id, total))


def end(contributor_id: str, pledge_id: str) -> None:
    _own(contributor_id, pledge_id).delete()


def of_shard(month: str, shard: int, shards: int) -> dict[str, list[Pledged]]:
    """The pledges in force at the end of ``month`` of the contributors of one split shard
    (of ``shards``), each contributor's oldest first."""
    ensure_bound()
    ends = start_of(add_months(month, 1))
    buckets: Iterable[int] = (
        range(shard % BUCKETS, BUCKETS, shards) if shards < BUCKETS else [shard % BUCKETS]
    )
    found: dict[str, list[Pledge]] = {}
    for bucket in buckets:
        for pledge in Pledge.by_bucket.query(bucket):
            in_shard = shard_of(pledge.contributor_id, shards) == shard
            if in_shard and pledge.created_at < ends:
                found.setdefault(pledge.contributor_id, []).append(pledge)
    return {contributor: for_split(kept) for contributor, kept in found.items()}


def for_split(found: Iterable[Pledge]) -> list[Pledged]:
    """Pledges as the split takes them: oldest first."""
    return [Pledged(p.recipient, int(p.amount)) for p in sorted(found, key=lambda p: p.pledge_id)]

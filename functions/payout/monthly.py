"""The ``monthly-split`` job: close the month, split each shard, mark the month split.

Each contributor's split is all-or-nothing and re-runnable: a split that fits one
transaction is one movement; a bigger one first moves the charge into a holding
account in one transaction, then pays out of it in chunks with deterministic ids,
then writes the statement. A re-run skips what was applied and finishes the rest,
using the charge recorded in the holding entry, so it ends exactly as a clean run.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from functions.common import clock
from functions.common.models import Escrow, Flattr, LedgerItem, Recipient, User
from functions.common.months import escrow_expiry_month, previous_month
from functions.common.settings import SPLIT_SHARDS, settings
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.core.flattrs import close_month, finish_month, split_state
from functions.core.ledger import Leg, Movement
from functions.core.ownership.resolve import NOBODY, PENDING
from functions.core.ownership.settle import conclude, settle_month
from functions.payout import stats
from functions.payout.split import Split, split_month

# Every part is costed as an unclaimed one (leg, balance, escrow row) so that chunk
# boundaries do not move if a recipient is claimed between a crash and its re-run.
PART_ACTIONS = 3
# Holding leg and its balance, fee leg and its balance, and room for the statement.
CHUNK_PARTS = (ledger.MAX_ACTIONS - 5) // PART_ACTIONS
SINGLE_MAX_PARTS = (ledger.MAX_ACTIONS - 5) // PART_ACTIONS


@dataclass
class ShardSummary:
    contributors: int = 0
    flattrs: int = 0
    charged: int = 0
    fees: int = 0
    to_creators: int = 0
    to_escrow: int = 0
    unfunded: int = 0
    already_split: int = 0

    def add(self, other: ShardSummary) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count_statement(self, statement: LedgerItem) -> None:
        """A contributor split by an earlier run, counted from their statement."""
        details = statement.details or {}
        parts = details.get("parts", [])
        split = Split(int(statement.amount), int(details.get("fee", 0)), ())
        escrowed = sum(int(p["amount"]) for p in parts if p.get("held"))
        self.count(split, sum(int(p["flattrs"]) for p in parts), escrowed)

    def count(self, split: Split, flattrs: int, escrowed: int) -> None:
        """One contributor's split: ``escrowed`` of its parts went to unclaimed recipients."""
        self.contributors += 1
        self.flattrs += flattrs
        if not split.funded:
            self.unfunded += 1
            return
        self.charged += split.charge
        self.fees += split.fee
        self.to_escrow += escrowed
        self.to_creators += split.distributable - escrowed


@dataclass(frozen=True)
class Destination:
    recipient: str
    creator: str | None


def statement_key(contributor_id: str, month: str) -> tuple[str, str]:
    return f"statement#{contributor_id}", f"month#{month}"


def flattrs_of_shard(month: str, shard: int) -> dict[str, Counter[str]]:
    """contributor -> recipient -> number of flattrs, for one shard of one month."""
    ensure_bound()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for flattr in Flattr.by_split_shard.query(f"{month}#{shard:03d}"):
        recipient = str(flattr.recipient)
        if recipient.startswith(f"{PENDING}:"):
            recipient = conclude(flattr)  # its lookup's marker was lost: settle it now
        if recipient.startswith(f"{NOBODY}:"):
            continue  # nobody to pay (a lookup found no owner): it takes no share
        counts[flattr.contributor_id][recipient] += 1
    return counts


@dataclass(frozen=True)
class Owners:
    """What the recipients directory says of a month's recipients."""

    creators: dict[str, str]  # recipient -> the creator who claimed (or declared) it
    declined: frozenset[str]  # recipients whose creator refused the money

    def payable(self, counts: Counter[str]) -> Counter[str]:
        """A contributor's flattrs without those to declined recipients: the split shares
        the budget over the rest, so no money goes where it is refused."""
        return Counter({r: k for r, k in counts.items() if r not in self.declined})


def owners_of(recipients: Iterable[str]) -> Owners:
    ensure_bound()
    wanted = sorted(set(recipients))
    creators: dict[str, str] = {}
    declined: set[str] = set()
    for start in range(0, len(wanted), 100):
        for item in Recipient.batch_get(wanted[start : start + 100]):
            if item.declined_at is not None:
                declined.add(item.recipient)
            owner = item.claimed_by or item.declared_user
            if owner:
                creators[item.recipient] = owner
    for recipient in wanted:
        if recipient.startswith("user:"):
            creators[recipient] = recipient.removeprefix("user:")
    return Owners(creators, frozenset(declined))


@dataclass
class ContributorPlan:
    contributor_id: str
    month: str
    split: Split
    creators: dict[str, str]
    legs: list[Leg] = field(default_factory=list)
    escrow_rows: dict[str, Escrow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in self.split.parts:
            if part.amount == 0:
                continue
            creator = self.creators.get(part.recipient)
            if creator:
                account = ledger.creator_account(creator)
            else:
                account = ledger.escrow_account(part.recipient)
                self.escrow_rows[part.recipient] = Escrow(
                    part.recipient,
                    f"{self.month}#{self.contributor_id}",
                    contributor_id=self.contributor_id,
                    recipient_month=f"{part.recipient}#{self.month}",
                    expires_month=escrow_expiry_month(self.month),
                    amount=part.amount,
                    flattrs=part.flattrs,
                )
            self.legs.append(
                Leg(account, part.amount, ref=part.recipient, flattrs=part.flattrs, supporters=1)
            )

    def statement(self) -> LedgerItem:
        parts = [
            {
                "recipient": part.recipient,
                "flattrs": part.flattrs,
                "amount": part.amount,
                "held": part.recipient not in self.creators,
            }
            for part in self.split.parts
        ]
        return LedgerItem(
            *statement_key(self.contributor_id, self.month),
            kind="statement",
            month=self.month,
            amount=self.split.charge,
            details={"fee": self.split.fee, "funded": self.split.funded, "parts": parts},
            created_at=clock.now(),
        )

    def puts_for(self, legs: Iterable[Leg]) -> tuple[Escrow, ...]:
        return tuple(self.escrow_rows[leg.ref] for leg in legs if leg.ref in self.escrow_rows)


@dataclass
class Prefetched:
    """What a shard reads in batches for all its contributors at once."""

    statements: dict[str, LedgerItem] = field(default_factory=dict)
    budgets: dict[str, int] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)
    owners: Owners = field(default_factory=lambda: Owners({}, frozenset()))


def _batches(keys: list[Any], size: int = 100) -> Iterable[list[Any]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def prefetch(month: str, flattrs: dict[str, Counter[str]]) -> Prefetched:
    ensure_bound()
    contributors = sorted(flattrs)
    found = Prefetched()
    for batch in _batches([statement_key(c, month) for c in contributors]):
        found.statements.update(
            (item.account.removeprefix("statement#"), item) for item in LedgerItem.batch_get(batch)
        )
    found.budgets = {c: settings().default_monthly_budget_micros for c in contributors}
    for batch in _batches(contributors):
        for user in User.batch_get(batch, attributes_to_get=["user_id", "monthly_budget"]):
            found.budgets[user.user_id] = int(user.monthly_budget)
    accounts = [(ledger.contributor_account(c), ledger.BALANCE) for c in contributors]
    found.balances = {c: 0 for c in contributors}
    for batch in _batches(accounts):
        for item in LedgerItem.batch_get(batch):
            found.balances[item.account.removeprefix("contributor#")] = int(item.amount)
    found.owners = owners_of({r for counts in flattrs.values() for r in counts})
    return found


def split_contributor(
    contributor_id: str,
    month: str,
    counts: Counter[str],
    summary: ShardSummary,
    known: Prefetched | None = None,
    paid: set[str] | None = None,
) -> None:
    """Split one contributor's month; safe to call again after any crash. The creators
    it pays (or paid, in an earlier run) are added to ``paid``."""
    known = known or prefetch(month, {contributor_id: counts})
    paid = paid if paid is not None else set()
    if contributor_id in known.statements:
        summary.already_split += 1
        return
    holding = ledger.holding_account(month, contributor_id)
    base_id = f"split-{month}-{contributor_id}"
    # Only a split too large for one transaction can have been left half-done.
    large = sum(1 for k in counts.values() if k > 0) > SINGLE_MAX_PARTS
    hold_entry = ledger.entry_exists(holding, f"{base_id}-hold") if large else None
    if hold_entry is not None:
        charge = int(hold_entry.amount)
    else:
        charge = min(known.budgets[contributor_id], known.balances[contributor_id])
    split = split_month(
        charge, charge, known.owners.payable(counts), settings().fee_rate_basis_points
    )
    creators = {r: known.owners.creators[r] for r in counts if r in known.owners.creators}
    plan = ContributorPlan(contributor_id, month, split, creators)
    paid.update(creators[p.recipient] for p in split.parts if p.amount and p.recipient in creators)
    if not split.funded:
        summary.count(split, sum(counts.values()), 0)
        ledger.apply(Movement(f"{base_id}-unfunded", "split", (), month, puts=(plan.statement(),)))
        return
    if large:
        _apply_in_chunks(plan, charge, hold_entry is not None)
    else:
        ledger.apply(
            Movement(
                base_id,
                "split",
                (
                    Leg(ledger.contributor_account(contributor_id), -charge, ref=month),
                    Leg(ledger.FEES, split.fee, ref=contributor_id),
                    *plan.legs,
                ),
                month,
                puts=(*plan.puts_for(plan.legs), plan.statement()),
            )
        )
    escrowed = sum(int(row.amount) for row in plan.escrow_rows.values())
    summary.count(split, sum(counts.values()), escrowed)


def _apply_in_chunks(plan: ContributorPlan, charge: int, held_already: bool) -> None:
    """A split too large for one transaction: the charge moves to a holding account
    first (once), then out of it chunk by chunk; the statement comes last, so a crash
    anywhere is finished by running again."""
    month, contributor_id, split = plan.month, plan.contributor_id, plan.split
    holding = ledger.holding_account(month, contributor_id)
    base_id = f"split-{month}-{contributor_id}"
    if not held_already:
        source = ledger.contributor_account(contributor_id)
        ledger.apply(
            Movement(
                f"{base_id}-hold",
                "split_hold",
                (Leg(source, -charge, ref=month), Leg(holding, charge)),
                month,
            )
        )
    fee_leg = Leg(ledger.FEES, split.fee, ref=contributor_id)
    for index, chunk in enumerate(ledger.chunks(plan.legs, CHUNK_PARTS) or [()]):
        fee = (fee_leg,) if index == 0 else ()
        out = sum(leg.amount for leg in chunk) + (split.fee if index == 0 else 0)
        ledger.apply(
            Movement(
                f"{base_id}-{index}",
                "split",
                (Leg(holding, -out, ref=str(index)), *fee, *chunk),
                month,
                puts=plan.puts_for(chunk),
            )
        )
    ledger.apply(Movement(f"{base_id}-done", "split", (), month, puts=(plan.statement(),)))


def split_shard(month: str, shard: int) -> ShardSummary:
    """Split one shard; answers what this run did, and records for the stats what the
    shard holds in all (contributors split by an earlier run counted from their statements)."""
    summary = ShardSummary()
    earlier = ShardSummary()
    paid: set[str] = set()
    flattrs = flattrs_of_shard(month, shard)
    known = prefetch(month, flattrs) if flattrs else Prefetched()
    for contributor_id, counts in sorted(flattrs.items()):
        statement = known.statements.get(contributor_id)
        if statement is None:
            split_contributor(contributor_id, month, counts, summary, known, paid)
            continue
        summary.already_split += 1
        earlier.count_statement(statement)
        paid.update(_paid_by(statement, known.owners.creators))
    earlier.add(summary)
    stats.record_shard(month, shard, vars(earlier), paid)
    return summary


def _paid_by(statement: LedgerItem, creators: dict[str, str]) -> set[str]:
    parts = (statement.details or {}).get("parts", [])
    return {
        creators[p["recipient"]]
        for p in parts
        if not p.get("held") and int(p["amount"]) > 0 and p["recipient"] in creators
    }


def run_month(
    month: str,
    *,
    workers: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> ShardSummary:
    """The whole split of ``month``: shards in parallel, each on its own."""
    close_month(month)
    time.sleep(settings().split_close_grace_seconds)
    total = ShardSummary()
    with ThreadPoolExecutor(max_workers=workers or settings().split_workers) as pool:
        for summary in pool.map(lambda shard: split_shard(month, shard), range(SPLIT_SHARDS)):
            total.add(summary)
            if progress:
                progress(1)
    finish_month(month)
    stats.record_total(month)
    return total


def month_from(event: dict[str, Any]) -> str:
    """The month a job event names, or the month before its scheduled time."""
    if event.get("month"):
        month = str(event["month"])
        if len(month) != 7 or month[4] != "-" or not month.replace("-", "").isdigit():
            raise ValueError("month must be YYYY-MM")
        return month
    scheduled = event.get("scheduled_at")
    at = datetime.fromisoformat(str(scheduled).replace("Z", "+00:00")) if scheduled else clock.now()
    return previous_month(at)


def ready_to_split(month: str, event: dict[str, Any]) -> tuple[bool, str]:
    """Close ``month``, then whether its split may run now, and if not why: the job fires
    every hour of the 1st until 06:30; a scheduled run after the month was split does
    nothing (an operator's, naming the month, goes over it again, changing nothing), and
    one while flattrs wait for owner lookups waits, at most six hours after the month."""
    close_month(month)
    if not event.get("month") and split_state(month) == "split":
        return False, "already split"
    if not settle_month(month, clock.now()):
        return False, "waiting for owner lookups"
    return True, ""


def monthly_split_job(event: dict[str, Any]) -> dict[str, Any]:
    month = month_from(event)
    ready, why = ready_to_split(month, event)
    if not ready:
        return {"month": month, "ready": False, "why": why}
    summary = run_month(month)
    return {"month": month, "ready": True, **vars(summary)}


def split_close_job(event: dict[str, Any]) -> dict[str, Any]:
    """Step Functions: the first state. Answers whether to split now and the shards for the
    Map state.

    The state machine passes its own input (the schedule's, or an operator's
    ``{"month": ...}``) as ``request``."""
    request = event.get("request") or event
    month = month_from(request)
    ready, why = ready_to_split(month, request)
    shards = list(range(SPLIT_SHARDS)) if ready else []
    return {"month": month, "ready": ready, "why": why, "shards": shards}


def split_shard_job(event: dict[str, Any]) -> dict[str, Any]:
    return {"month": event["month"], **vars(split_shard(str(event["month"]), int(event["shard"])))}


def split_finish_job(event: dict[str, Any]) -> dict[str, Any]:
    total = ShardSummary()
    for item in event.get("shards", []):
        total.add(ShardSummary(**{k: int(item.get(k, 0)) for k in vars(ShardSummary())}))
    finish_month(str(event["month"]))
    stats.record_total(str(event["month"]))
    return {"month": event["month"], **vars(total)}

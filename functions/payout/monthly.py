"""The ``monthly-split`` job: close the month, charge each shard, credit each partition,
mark the month split.

The first pass splits each contributor in one transaction of three items, whatever
their number of recipients: their charge moves into the month's in-split account (a
shard of it per shard) and their statement is written, the record of where each part
goes. Each shard then leaves credit slips, grouped by the recipients' partitions; the
second pass (``credits``) credits each recipient once for the whole month. Every step is
idempotent, so a re-run after a crash anywhere ends as a clean run (docs/ledger.md).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from functions.common import clock, currencies
from functions.common.months import previous_month
from functions.common.settings import MAX_SPLIT_CONCURRENCY, settings
from functions.common.storage import ensure_bound, first_write
from functions.core import ledger
from functions.core.flattrs import (
    close_month,
    finish_month,
    plan_shards,
    shards_of,
    split_state,
)
from functions.core.models import Flattr, LedgerItem, MonthStat, Recipient, User
from functions.core.ownership.resolve import NOBODY, PENDING
from functions.core.ownership.settle import conclude, settle_month
from functions.payout import credits, pledges, stats
from functions.payout.split import (
    Pledge,
    Split,
    paid_parts,
    split_month,
    store_parts,
    store_pledges,
)
from functions.payout.stats import FIGURES


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

    def count_statement(self, statement: LedgerItem) -> None:  # in the statement's currency
        """A contributor split by an earlier run, counted from their statement."""
        details = statement.details or {}
        parts = paid_parts(details)
        split = Split(int(statement.amount), int(details.get("fee", 0)), ())
        escrowed = sum(p.amount for p in parts if p.held)
        self.count(split, sum(p.flattrs for p in parts), escrowed)

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


COUNTS = ("contributors", "flattrs", "unfunded", "already_split")  # added over currencies


@dataclass
class Summary:
    """What a split run did, per currency: amounts of different currencies are never
    added (contributors are counted in their own)."""

    currencies: dict[str, ShardSummary] = field(default_factory=dict)

    def of(self, currency: str) -> ShardSummary:
        return self.currencies.setdefault(currency, ShardSummary())

    def add(self, other: Summary) -> None:
        for currency, summary in other.currencies.items():
            self.of(currency).add(summary)

    def report(self) -> dict[str, Any]:
        """For a job's answer: the counts over every currency, and each currency's figures."""
        found: dict[str, Any] = {
            name: sum(getattr(s, name) for s in self.currencies.values()) for name in COUNTS
        }
        found["currencies"] = {c: vars(s) for c, s in sorted(self.currencies.items())}
        return found


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

    def payable_pledges(self, pledged: list[Pledge]) -> list[Pledge]:
        """A contributor's pledges without those to declined recipients (those have ended)."""
        return [p for p in pledged if p.recipient not in self.declined]


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


def statement_item(
    contributor_id: str,
    month: str,
    shard: int,
    split: Split,
    creators: dict[str, str],
    currency: str,
) -> LedgerItem:
    """The contributor's statement of ``month``, in their currency: what was charged and
    where each part goes (``held``: to an unclaimed recipient's escrow). A funded one names
    the in-split shard its charge went to: it is the entry of that debit (docs/ledger.md)."""
    return LedgerItem(
        *statement_key(contributor_id, month),
        kind="statement",
        month=month,
        amount=split.charge,
        ref=ledger.in_split_account(month, shard, currency) if split.funded else None,
        details=_details(split, creators),
        created_at=clock.now(),
        currency=currency,
    )


def _details(split: Split, creators: dict[str, str]) -> dict[str, Any]:
    """A statement's details: its fee and parts; its paid pledges and the recipients of
    those the balance could not cover, where it has any (``split.split_month``)."""
    details: dict[str, Any] = {
        "fee": split.fee,
        "funded": split.funded,
        "parts": store_parts(split, creators),
    }
    if split.pledges:
        details["pledges"] = store_pledges(split, creators)
    if split.dropped:
        details["dropped"] = list(split.dropped)
    return details


@dataclass
class Prefetched:
    """What a shard reads in batches for all its contributors at once."""

    statements: dict[str, LedgerItem] = field(default_factory=dict)
    budgets: dict[str, int] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)  # each contributor's own
    balances: dict[str, int] = field(default_factory=dict)
    owners: Owners = field(default_factory=lambda: Owners({}, frozenset()))
    pledges: dict[str, list[Pledge]] = field(default_factory=dict)  # oldest first


def _batches(keys: list[Any], size: int = 100) -> Iterable[list[Any]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def prefetch(
    month: str, flattrs: dict[str, Counter[str]], pledged: dict[str, list[Pledge]] | None = None
) -> Prefetched:
    ensure_bound()
    contributors = sorted(flattrs)
    found = Prefetched()
    for batch in _batches([statement_key(c, month) for c in contributors]):
        found.statements.update(
            (item.account.removeprefix("statement#"), item) for item in LedgerItem.batch_get(batch)
        )
    found.budgets = {c: settings().default_monthly_budget_micros for c in contributors}
    found.currencies = {c: currencies.of(None) for c in contributors}
    wanted = ["user_id", "monthly_budget", "currency"]
    for batch in _batches(contributors):
        for user in User.batch_get(batch, attributes_to_get=wanted):
            found.budgets[user.user_id] = int(user.monthly_budget)
            found.currencies[user.user_id] = currencies.of(user.currency)
    accounts = {ledger.contributor_account(c, found.currencies[c]): c for c in contributors}
    found.balances = {c: 0 for c in contributors}
    for batch in _batches([(a, ledger.BALANCE) for a in sorted(accounts)]):
        for item in LedgerItem.batch_get(batch):
            found.balances[accounts[item.account]] = int(item.amount)
    pledged = pledged or {}
    recipients = {r for counts in flattrs.values() for r in counts}
    found.owners = owners_of(recipients | {p.recipient for ps in pledged.values() for p in ps})
    found.pledges = pledged
    return found


def split_of(contributor_id: str, counts: Counter[str], known: Prefetched) -> Split:
    """The pure split of one contributor's month, from what their shard read."""
    charge = min(known.budgets[contributor_id], known.balances[contributor_id])
    return split_month(
        charge,
        charge,
        known.owners.payable(counts),
        settings().fee_rate_basis_points,
        known.owners.payable_pledges(known.pledges.get(contributor_id, [])),
    )


def contributors_of(month: str, shard: int) -> tuple[dict[str, Counter[str]], Prefetched]:
    """A shard's contributors (with flattrs, or pledges alone) and what the split reads
    of them."""
    flattrs = flattrs_of_shard(month, shard)
    pledged = pledges.of_shard(month, shard, shards_of(month))
    for contributor_id in pledged:  # a contributor with pledges but no flattrs pays them
        flattrs.setdefault(contributor_id, Counter())
    known = prefetch(month, flattrs, pledged) if flattrs else Prefetched()
    return flattrs, known


def split_contributor(
    contributor_id: str,
    month: str,
    shard: int,
    counts: Counter[str],
    summary: Summary,
    known: Prefetched,
) -> LedgerItem:
    """Split one contributor's month: one transaction (their charge into the month's
    in-split shard, and their statement), or the statement alone if nothing is charged.
    Safe to call again after any crash; answers the statement that stands."""
    split = split_of(contributor_id, counts, known)
    currency = known.currencies[contributor_id]
    statement = statement_item(contributor_id, month, shard, split, known.owners.creators, currency)
    if not split.funded:
        stored = first_write(statement)
    elif ledger.debit_to_split(contributor_id, split.charge, statement):
        stored = statement
    else:
        stored = LedgerItem.get(*statement_key(contributor_id, month))
    if stored is not statement:  # a concurrent run split them first
        summary.of(ledger.statement_currency(stored)).already_split += 1
        return stored
    paid = split.parts + split.pledges
    escrowed = sum(p.amount for p in paid if p.recipient not in known.owners.creators)
    summary.of(currency).count(split, sum(counts.values()), escrowed)
    return statement


def split_shard(month: str, shard: int) -> Summary:
    """The first pass over one shard: every contributor charged into the month's in-split
    account with their statement; then the shard's credit slips for the credit pass.
    Answers what this run did, and records for the stats what the shard holds in all
    (contributors split by an earlier run counted from their statements)."""
    summary = Summary()
    earlier = Summary()
    flattrs, known = contributors_of(month, shard)
    statements: list[LedgerItem] = []
    for contributor_id, counts in sorted(flattrs.items()):
        statement = known.statements.get(contributor_id)
        if statement is None:
            statement = split_contributor(contributor_id, month, shard, counts, summary, known)
        else:
            currency = ledger.statement_currency(statement)
            summary.of(currency).already_split += 1
            earlier.of(currency).count_statement(statement)
        statements.append(statement)
    creators = known.owners.creators
    credits.write_slips(month, shard, statements, creators, shards_of(month))
    earlier.add(summary)
    paid = {creator for statement in statements for creator in _paid_by(statement, creators)}
    stats.record_shard(month, shard, {c: vars(s) for c, s in earlier.currencies.items()}, paid)
    return summary


def _paid_by(statement: LedgerItem, creators: dict[str, str]) -> set[str]:
    return {
        creators[p.recipient]
        for p in paid_parts(statement.details)
        if not p.held and p.amount > 0 and p.recipient in creators
    }


def run_month(
    month: str,
    *,
    workers: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Summary:
    """The whole split of ``month``: every shard's contributors charged, then every
    partition's recipients credited (each pass in parallel, the second after the first)."""
    close_month(month)
    time.sleep(settings().split_close_grace_seconds)
    total = Summary()
    shards = range(shards_of(month))
    with ThreadPoolExecutor(max_workers=workers or settings().split_workers) as pool:
        for summary in pool.map(lambda shard: split_shard(month, shard), shards):
            total.add(summary)
            if progress:
                progress(1)
        for _ in pool.map(lambda partition: credits.credit_partition(month, partition), shards):
            if progress:
                progress(1)
    finish(month)
    return total


def finish(month: str) -> dict[str, MonthStat]:
    """Every shard charged and every partition credited: the month is split; its figures
    summed per currency; the shards of the month after next planned from its contributors."""
    finish_month(month)
    totals = stats.record_total(month)
    plan_shards(month, sum(int(t.contributors) for t in totals.values()))
    return totals


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
    return {"month": month, "ready": True, **summary.report()}


def split_close_job(event: dict[str, Any]) -> dict[str, Any]:
    """Step Functions: the first state. Answers whether to split now and the shards for the
    Map state.

    The state machine passes its own input (the schedule's, or an operator's
    ``{"month": ...}``) as ``request``."""
    request = event.get("request") or event
    month = month_from(request)
    ready, why = ready_to_split(month, request)
    shards = list(range(shards_of(month))) if ready else []
    # Both passes run this many Lambdas at once (their Map states read it).
    concurrency = max(1, min(len(shards), MAX_SPLIT_CONCURRENCY))
    return {
        "month": month,
        "ready": ready,
        "why": why,
        "shards": shards,
        "concurrency": concurrency,
    }


def split_shard_job(event: dict[str, Any]) -> dict[str, Any]:
    summary = split_shard(str(event["month"]), int(event["shard"]))
    return {"month": event["month"], **summary.report()}


def split_credit_job(event: dict[str, Any]) -> dict[str, Any]:
    month, partition = str(event["month"]), int(event["partition"])
    return {"month": month, "partition": partition, **credits.credit_partition(month, partition)}


def split_finish_job(event: dict[str, Any]) -> dict[str, Any]:
    """The month's figures, summed from its shards' (the Map states keep no results: a
    month of 4,096 shards would pass Step Functions' 256 KB payload limit)."""
    totals = finish(str(event["month"]))
    figures = {c: {name: int(getattr(t, name)) for name in FIGURES} for c, t in totals.items()}
    counts = {name: sum(f[name] for f in figures.values()) for name in ("contributors", "flattrs")}
    return {"month": event["month"], **counts, "currencies": figures}

"""Benchmark of the monthly split: ``python -m bench.split``.

Four figures, each a ratio against a floor measured in the same run:
(a) the pure split of 1,000,000 flattrs over 50,000 contributors (aggregate + split), the
    flattrs in the order the ``by-split-shard`` index gives them (by contributor), vs the
    same aggregation as a SQLite ``GROUP BY`` on an in-memory table of the same rows;
(b) the whole ``monthly-split`` job on in-process moto vs the floor of reading the same
    flattr items and sending the same write requests (the same kinds, the same number of
    items of the same sizes) with raw boto3;
(c) DynamoDB requests per contributor during that job, counted with botocore hooks,
    vs the floor of one write request per contributor;
(d) linearity: requests, items written and write units per contributor at three sizes
    (1,000, 5,000 and 20,000 contributors by default; counted, not timed), the inputs of
    the model in ``docs/scale.md``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from bench.common import (
    Writes,
    configure,
    count_dynamodb_calls,
    count_writes,
    emulator,
    item_bytes,
    pynamodb_clients,
    recording,
    replay,
    report_line,
    total_calls,
)

MONTH = "2031-03"
CLAIMED_SHARE = 100  # one recipient in a hundred, the most followed, has signed up

FEE = 1000


def synthetic_flattrs(flattrs: int, contributors: int, seed: int = 7) -> list[tuple[str, str]]:
    """(contributor, recipient) pairs: a long tail of recipients, like real attention."""
    rng = random.Random(seed)
    recipients = [f"web:site{i}.example" for i in range(max(1000, contributors // 2))]
    weights = [1 / (rank + 1) for rank in range(len(recipients))]
    chosen = rng.choices(recipients, weights=weights, k=flattrs)
    return [(f"c{rng.randrange(contributors):06d}", recipient) for recipient in chosen]


def pure_split(pairs: list[tuple[str, str]]) -> int:
    """Pairs in index order: each contributor's flattrs come together (``flattr_ref``,
    the index's sort key, begins with the contributor)."""
    from functions.payout.split import split_month

    total = 0
    contributor_of, recipient_of = itemgetter(0), itemgetter(1)
    for _, flattrs in groupby(pairs, key=contributor_of):
        counts = Counter(map(recipient_of, flattrs))  # counted in C
        total += split_month(5_000_000, 10_000_000, counts, FEE).charge
    return total


def sqlite_group_by(connection: sqlite3.Connection) -> int:
    rows = connection.execute(
        "SELECT contributor, recipient, COUNT(*) FROM flattrs GROUP BY contributor, recipient"
    ).fetchall()
    return len(rows)


def bench_pure(flattrs: int, contributors: int) -> None:
    pairs = sorted(synthetic_flattrs(flattrs, contributors), key=itemgetter(0))
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE flattrs (contributor TEXT, recipient TEXT)")
    connection.executemany("INSERT INTO flattrs VALUES (?, ?)", pairs)
    connection.commit()
    began = time.perf_counter()
    charged = pure_split(pairs)
    pure_seconds = time.perf_counter() - began
    began = time.perf_counter()
    groups = sqlite_group_by(connection)
    sqlite_seconds = time.perf_counter() - began
    assert charged > 0 and groups > 0
    print(
        f"    {flattrs:,} flattrs, {contributors:,} contributors, "
        f"{groups:,} (contributor, recipient) groups"
    )
    print(
        report_line(
            "(a) pure split vs SQLite GROUP BY",
            pure_seconds,
            sqlite_seconds,
            "s",
            pure_seconds / sqlite_seconds,
        )
    )


def claimed(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The most followed recipients (one in ``CLAIMED_SHARE``) and their creators."""
    popular = Counter(recipient for _, recipient in pairs).most_common()
    top = popular[: len(popular) // CLAIMED_SHARE + 1]
    return {recipient: f"creator{rank}" for rank, (recipient, _) in enumerate(top)}


def load_flattrs(pairs: list[tuple[str, str]], month_start: datetime) -> None:
    """The contributors (paid in, a budget each), their flattrs, and the most followed
    recipients claimed by creators."""
    from functions.common import currencies
    from functions.core import flattrs, ledger
    from functions.core.models import Flattr, Recipient, User

    contributors = sorted({c for c, _ in pairs})
    with User.batch_write() as users:
        for contributor in contributors:
            users.save(User(contributor, monthly_budget=5_000_000, created_at=month_start))
    for contributor in contributors:
        ledger.pay_in(contributor, 10_000_000, f"bench-{contributor}", currencies.of(None))
    with Recipient.batch_write() as recipients:
        for recipient, creator in claimed(pairs).items():
            recipients.save(Recipient(recipient, claimed_by=creator))
    with Flattr.batch_write() as batch:
        for index, (contributor, recipient) in enumerate(pairs):
            when = month_start + timedelta(seconds=index % 86_400)
            flattr_id = flattrs.flattr_id_for(when, f"{contributor}|{index}")
            batch.save(
                flattrs.new_flattr(
                    contributor, flattr_id, recipient, "https://x.example/", "button", when
                )
            )


def _floor(writes: Writes) -> tuple[int, float]:
    """The job's requests sent again raw: its reads as it sent them, and its writes as
    requests of the same kinds, each with as many items of the same sizes (to fresh keys,
    no conditions): (flattrs read, seconds)."""
    import boto3

    from functions.core.models import Flattr, LedgerItem

    client = boto3.client("dynamodb", region_name="eu-west-1")
    table = LedgerItem.Meta.table_name
    answers: list[Any] = []
    reading = replay(writes.reads, answers)
    read = sum(
        len(answer["Items"])
        for (operation, params), answer in zip(writes.reads, answers, strict=True)
        if operation == "Query" and params["TableName"] == Flattr.Meta.table_name
    )
    began = time.perf_counter()
    serial = 0
    for operation, sizes in writes.requests:
        items = []
        for size in sizes:
            serial += 1
            items.append(
                {
                    "account": {"S": f"floor#{serial}"},
                    "sk": {"S": "balance"},
                    "pad": {"S": "x" * max(1, size - 30)},
                }
            )
        if operation == "TransactWriteItems":
            client.transact_write_items(
                TransactItems=[{"Put": {"TableName": table, "Item": item}} for item in items]
            )
        elif operation == "BatchWriteItem":
            client.batch_write_item(
                RequestItems={table: [{"PutRequest": {"Item": item}} for item in items]}
            )
        else:
            client.put_item(TableName=table, Item=items[0])
    return read, reading + time.perf_counter() - began


def _seed(flattrs: int, contributors: int) -> list[tuple[str, str]]:
    """A synthetic month in the emulator, planned as a deployed month is (its shards from
    its contributors), the clock after its end: the same state each time."""
    from functions.common import clock
    from functions.core.flattrs import clear_caches, shards_for
    from functions.core.models import MonthSplit

    pairs = synthetic_flattrs(flattrs, contributors)
    clock.reset()
    clock.move_to(datetime(2031, 2, 1, tzinfo=UTC))
    clear_caches()
    MonthSplit(
        f"plan#{MONTH}", state="plan", changed_at=clock.now(), shards=shards_for(contributors)
    ).save()
    load_flattrs(pairs, datetime(2031, 3, 1, tzinfo=UTC))
    clock.move_to(datetime(2031, 4, 1, 0, 30, tzinfo=UTC))
    return pairs


def run_job(flattrs: int, contributors: int) -> tuple[Any, Counter[str], Writes, float, Any]:
    """One ``monthly-split`` of a synthetic month in a fresh emulator: what it did, its
    calls, its writes, its seconds, its requests as sent."""
    from functions.payout import monthly

    pairs = _seed(flattrs, contributors)
    clients = pynamodb_clients()
    with (
        count_dynamodb_calls(clients) as calls,
        count_writes(clients) as writes,
        recording(clients) as sent,
    ):
        began = time.perf_counter()
        summary = monthly.run_month(MONTH, workers=1)
        seconds = time.perf_counter() - began
    assert summary.report()["contributors"] == len({c for c, _ in pairs})
    return summary, calls, writes, seconds, sent


def bench_job(flattrs: int, contributors: int) -> tuple[Any, ...]:
    from functions.core.flattrs import shards_of

    with emulator():
        summary, calls, writes, job_seconds, sent = run_job(flattrs, contributors)
        shards = shards_of(MONTH)
        read, floor_seconds = _floor(writes)
    with emulator():  # the same state again, for the job's own requests sent raw
        _seed(flattrs, contributors)
        own_seconds = replay(sent)
    assert read == flattrs
    items = sum(writes.items.values())
    print(
        f"    job scale: {flattrs:,} flattrs, {summary.report()['contributors']:,} contributors, "
        f"{items:,} items written in {len(writes.requests):,} write requests"
    )
    print(
        report_line(
            "(b) monthly-split job on moto",
            job_seconds,
            floor_seconds,
            "s",
            job_seconds / floor_seconds,
        )
    )
    print(
        f"    against the job's own requests sent again raw on the same state (conditions and "
        f"update expressions as sent): {own_seconds:.1f} s, {job_seconds / own_seconds:.2f}x"
    )
    per_contributor = total_calls(calls) / summary.report()["contributors"]
    print(
        report_line(
            "(c) DynamoDB requests per contributor",
            per_contributor,
            1.0,
            "requests",
            per_contributor,
        )
    )
    print("    requests by operation, and by operation and table:", dict(sorted(calls.items())))
    return summary, calls, writes, shards


def _pages(size: int, page: int = 1 << 20) -> int:
    return max(1, -(-size // page))


def _batches(count: int, size: int) -> int:
    return -(-count // size)


def counted(
    pairs: list[tuple[str, str]], shards: int, passes: tuple[Writes, Writes] | None = None
) -> tuple[int, int, Writes]:
    """(contributors, requests, writes) of the job on ``pairs``, counted without an
    emulator from the job's own planning functions (the pure split, ``statement_item``,
    ``slips_for``, ``sum_slips``, ``movements``): its write requests and items as the job
    sends them (ledger entries and balances under 1 KB); its reads modelled as the job
    makes them (a Query page per MB, a BatchGetItem per 100 keys). Checked against the
    counted run in ``bench_linearity``. ``passes``, if given, get each pass's writes
    as well (the slips' deletes billed by the slips' sizes)."""
    from functions.common import currencies
    from functions.common.settings import settings
    from functions.core.flattrs import shard_of
    from functions.payout import credits, monthly
    from functions.payout.split import split_month

    creators, writes = claimed(pairs), Writes()
    first, second = passes or (Writes(), Writes())
    by_shard: dict[int, list[Any]] = defaultdict(list)
    reads = 0
    flattrs_in: Counter[int] = Counter()
    recipients_in: dict[int, set[str]] = defaultdict(set)
    for contributor, group in groupby(sorted(pairs, key=itemgetter(0)), key=itemgetter(0)):
        counts = Counter(map(itemgetter(1), group))
        split = split_month(5_000_000, 10_000_000, counts, settings().fee_rate_basis_points)
        shard = shard_of(contributor, shards)
        flattrs_in[shard] += sum(counts.values())
        recipients_in[shard].update(counts)
        statement = monthly.statement_item(
            contributor, MONTH, shard, split, creators, currencies.of(None)
        )
        size = item_bytes(statement.serialize())
        debit = [("ledger", size, 2), ("ledger", 0, 2), ("ledger", 0, 2)]
        writes.send("TransactWriteItems", debit)
        first.send("TransactWriteItems", debit)
        by_shard[shard].append(statement)
    by_partition: dict[int, list[Any]] = defaultdict(list)
    for shard, statements in by_shard.items():  # the shards' reads and slips
        reads += _pages(flattrs_in[shard] * 330) + 3 * _batches(len(statements), 100)
        reads += _batches(len(recipients_in[shard]), 100)
        slips = credits.slips_for(MONTH, shard, statements, creators, shards)
        for start in range(0, len(slips), 25):
            puts = [
                ("ledger", item_bytes(item.serialize()), 1) for item in slips[start : start + 25]
            ]
            writes.send("BatchWriteItem", puts)
            first.send("BatchWriteItem", puts)
        for slip in slips:
            by_partition[int(slip.account.rpartition("#")[2])].append(slip)
    reads += _count_credits(by_partition, writes, second)
    contributors = sum(len(statements) for statements in by_shard.values())
    return contributors, len(writes.requests) + reads, writes


def _count_credits(by_partition: dict[int, list[Any]], writes: Writes, second: Writes) -> int:
    """The credit pass's writes, counted; answers its reads."""
    from functions.core.models import Escrow
    from functions.payout import credits

    reads = 0
    for partition, slips in by_partition.items():
        reads += _pages(sum(item_bytes(slip.serialize()) for slip in slips))
        for start in range(0, len(slips), 25):
            deletes = [("ledger", item_bytes(s.serialize()), 1) for s in slips[start : start + 25]]
            writes.send("BatchWriteItem", [("ledger", 0, 1)] * len(deletes))
            second.send("BatchWriteItem", deletes)  # a delete is billed by the item's size
        fees, sums = credits.sum_slips(slips)
        movements: list[Any] = [None] * len(fees)
        for key, credit in sorted(sums.items()):
            movements.extend(credits.movements(MONTH, partition, key, credit))
        for movement in movements:
            rows: list[Any] = [] if movement is None else list(movement.puts)
            sizes = [
                ("escrow", item_bytes(row.serialize()), 2)
                for row in rows
                if isinstance(row, Escrow)
            ]
            writes.send("TransactWriteItems", [("ledger", 0, 2)] * 4 + sizes)
            second.send("TransactWriteItems", [("ledger", 0, 2)] * 4 + sizes)
    return reads


def _row(n: int, shards: int, requests: float, writes: Writes, credits: int) -> str:
    return (
        f"    {n:>12,} {shards:>6} {requests / n:>9.3f} {writes.items['ledger'] / n:>13.3f} "
        f"{writes.units['ledger'] / n:>11.3f} {writes.items['escrow'] / n:>13.3f} "
        f"{writes.units['escrow'] / n:>11.3f} {credits / n:>9.3f}"
    )


def bench_linearity(sizes: list[int], flattrs_each: int, measured: tuple[Any, ...]) -> None:
    """Counts per contributor at each size: linear if they stay flat as the month grows.
    Counted from the job's planning functions (``counted``), checked first against the
    emulator run of (b): the same items and write units per table."""
    from functions.core.flattrs import shards_for

    print(
        f"    (d) per contributor ({flattrs_each} flattrs each, recipients half as many as "
        "contributors, one in a hundred claimed; write units as billed: transactional "
        "items 2 per KB, others 1 per KB)"
    )
    print(
        f"    {'contributors':>12} {'shards':>6} {'requests':>9} {'ledger items':>13} "
        f"{'ledger WRU':>11} {'escrow items':>13} {'escrow WRU':>11} {'credits':>9}"
    )
    summary, calls, hooked, shards = measured
    n = summary.report()["contributors"]
    print(_row(n, shards, total_calls(calls), hooked, calls["TransactWriteItems"] - n), "(run)")
    pairs = synthetic_flattrs(n * flattrs_each, n)
    _, requests, model = counted(pairs, shards)
    for table in ("ledger", "escrow"):
        assert (model.items[table], model.units[table]) == (
            hooked.items[table],
            hooked.units[table],
        ), (table, model, hooked)
    for size in sizes:
        pairs = synthetic_flattrs(size * flattrs_each, size)
        shards = shards_for(size)
        passes = (Writes(), Writes())
        contributors, requests, model = counted(pairs, shards, passes)
        credits = sum(1 for kind, _ in model.requests if kind == "TransactWriteItems")
        print(_row(contributors, shards, requests, model, credits - contributors))
    print(
        "    (credits: credit transactions per contributor: one per recipient a month, one "
        "per 96 escrow rows; requests beyond the writes modelled)"
    )
    project(contributors, *passes)


TARGET = 10_000_000
TABLE_WRU = 40_000  # an on-demand table's default quota, per second
BUDGET_SECONDS = 2 * 3600


def project(n: int, first: Writes, second: Writes) -> None:
    """The split of ``TARGET`` contributors at the default quotas, from the largest size's
    counts per contributor: each pass takes as long as its busiest table needs at 40,000
    WRU/s (the second begins when the first has ended; a slip's delete billed by its size)."""
    passes = [TARGET * max(w.units.values()) / n / TABLE_WRU for w in (first, second)]
    total = sum(passes)
    print(
        f"    projection: {TARGET:,} contributors at {TABLE_WRU:,} WRU/s a table: charging "
        f"{passes[0] / 60:.0f} min (ledger {first.units['ledger'] / n:.2f} WRU each), crediting "
        f"{passes[1] / 60:.0f} min (ledger {second.units['ledger'] / n:.2f}, escrow "
        f"{second.units['escrow'] / n:.2f} WRU each)"
    )
    print(
        report_line(
            "(e) split of 10 M contributors vs 2 hours",
            total / 60,
            BUDGET_SECONDS / 60,
            "min",
            total / BUDGET_SECONDS,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flattrs", type=int, default=1_000_000)
    parser.add_argument("--contributors", type=int, default=50_000)
    parser.add_argument("--job-flattrs", type=int, default=20_000)
    parser.add_argument("--job-contributors", type=int, default=1_000)
    parser.add_argument("--sizes", default="1000,5000,20000", help="contributors, for (d)")
    args = parser.parse_args()
    configure()
    bench_pure(args.flattrs, args.contributors)
    measured = bench_job(args.job_flattrs, args.job_contributors)
    flattrs_each = args.job_flattrs // args.job_contributors
    bench_linearity([int(size) for size in args.sizes.split(",")], flattrs_each, measured)


if __name__ == "__main__":
    main()

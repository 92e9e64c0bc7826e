"""Benchmark of the monthly split: ``python -m bench.split``.

Three figures, each a ratio against a floor measured in the same run:
(a) the pure split of 1,000,000 flattrs over 50,000 contributors (aggregate + split)
    vs the same aggregation as a SQLite ``GROUP BY`` on an in-memory table;
(b) the whole ``monthly-split`` job on in-process moto vs the floor of reading the same
    flattr items and writing the same number of ledger items with raw boto3 batch calls
    (at a smaller scale, ``--job-flattrs``: moto holds everything in one Python process);
(c) DynamoDB requests per contributor during that job, counted with botocore hooks,
    vs the floor of one write request per contributor.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import (
    configure,
    count_dynamodb_calls,
    pynamodb_clients,
    report_line,
    total_calls,
)

FEE = 1000


def synthetic_flattrs(flattrs: int, contributors: int, seed: int = 7) -> list[tuple[str, str]]:
    """(contributor, recipient) pairs: a long tail of recipients, like real attention."""
    rng = random.Random(seed)
    recipients = [f"web:site{i}.example" for i in range(max(1000, contributors // 2))]
    weights = [1 / (rank + 1) for rank in range(len(recipients))]
    chosen = rng.choices(recipients, weights=weights, k=flattrs)
    return [(f"c{rng.randrange(contributors):06d}", recipient) for recipient in chosen]


def pure_split(pairs: list[tuple[str, str]]) -> int:
    from functions.payout.split import split_month

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for contributor, recipient in pairs:
        counts[contributor][recipient] += 1
    total = 0
    for contributor_counts in counts.values():
        split = split_month(5_000_000, 10_000_000, contributor_counts, FEE)
        total += split.charge
    return total


def sqlite_group_by(connection: sqlite3.Connection) -> int:
    rows = connection.execute(
        "SELECT contributor, recipient, COUNT(*) FROM flattrs GROUP BY contributor, recipient"
    ).fetchall()
    return len(rows)


def bench_pure(flattrs: int, contributors: int) -> None:
    pairs = synthetic_flattrs(flattrs, contributors)
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


def load_flattrs(pairs: list[tuple[str, str]], month_start: datetime) -> None:
    from functions.common.models import Flattr, User
    from functions.core import flattrs, ledger

    contributors = sorted({c for c, _ in pairs})
    with User.batch_write() as users:
        for contributor in contributors:
            users.save(User(contributor, monthly_budget=5_000_000, created_at=month_start))
    for contributor in contributors:
        ledger.pay_in(contributor, 10_000_000, payment_id=f"bench-{contributor}")
    with Flattr.batch_write() as batch:
        for index, (contributor, recipient) in enumerate(pairs):
            when = month_start + timedelta(seconds=index)
            flattr_id = flattrs.flattr_id_for(when, f"{contributor}|{index}")
            batch.save(
                flattrs.new_flattr(
                    contributor, flattr_id, recipient, "https://x.example/", "button", when
                )
            )


def _floor(written: int) -> tuple[int, float]:
    """Reading every shard's flattrs and writing as many items as the job wrote, raw:
    (flattrs read, seconds)."""
    import boto3

    from functions.common.models import Flattr, LedgerItem
    from functions.common.settings import SPLIT_SHARDS

    client = boto3.client("dynamodb", region_name="eu-west-1")
    began = time.perf_counter()
    read = 0
    for shard in range(SPLIT_SHARDS):
        paginator = client.get_paginator("query")
        for page in paginator.paginate(
            TableName=Flattr.Meta.table_name,
            IndexName="by-split-shard",
            KeyConditionExpression="split_key = :k",
            ExpressionAttributeValues={":k": {"S": f"2031-03#{shard:03d}"}},
        ):
            read += len(page["Items"])
    items: list[dict[str, Any]] = [
        {"account": {"S": f"floor#{i}"}, "sk": {"S": "balance"}, "amount": {"N": "1"}}
        for i in range(written)
    ]
    for start in range(0, len(items), 25):
        client.batch_write_item(
            RequestItems={
                LedgerItem.Meta.table_name: [
                    {"PutRequest": {"Item": item}} for item in items[start : start + 25]
                ]
            }
        )
    return read, time.perf_counter() - began


def bench_job(flattrs: int, contributors: int) -> None:
    from moto import mock_aws

    from functions.common import clock
    from functions.common.models import Escrow, LedgerItem
    from functions.common.settings import settings
    from functions.payout import monthly
    from local.provision import provision

    pairs = synthetic_flattrs(flattrs, contributors)
    month_start = datetime(2031, 3, 1, tzinfo=UTC)
    with mock_aws():
        provision(settings(), user_pool=False)
        clock.move_to(datetime(2031, 4, 1, 0, 30, tzinfo=UTC))
        load_flattrs(pairs, month_start)
        ledger_before = sum(1 for _ in LedgerItem.scan())
        with count_dynamodb_calls(pynamodb_clients()) as calls:
            began = time.perf_counter()
            summary = monthly.run_month("2031-03", workers=1)
            job_seconds = time.perf_counter() - began
        written = sum(1 for _ in LedgerItem.scan()) - ledger_before + sum(1 for _ in Escrow.scan())

        read, floor_seconds = _floor(written)
    assert read == flattrs and summary.contributors == len({c for c, _ in pairs})
    print(
        f"    job scale: {flattrs:,} flattrs, {summary.contributors:,} contributors, "
        f"{written:,} items written"
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
    requests = total_calls(calls)
    per_contributor = requests / summary.contributors
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flattrs", type=int, default=1_000_000)
    parser.add_argument("--contributors", type=int, default=50_000)
    parser.add_argument("--job-flattrs", type=int, default=20_000)
    parser.add_argument("--job-contributors", type=int, default=1_000)
    args = parser.parse_args()
    configure()
    bench_pure(args.flattrs, args.contributors)
    bench_job(args.job_flattrs, args.job_contributors)


if __name__ == "__main__":
    main()

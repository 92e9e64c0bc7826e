"""Benchmark of claiming: ``python -m bench.claim``.

Two figures, each a ratio against a floor measured in the same run, on in-process moto:
(a) escrow rows moved to the creator per second by the real claim (``move_escrow``: the
    first transaction marks the recipient claimed, then chunks of 45 rows, each row deleted
    in the transaction that moves its money, with ledger entries and donor notices) vs the
    same requests sent again raw with boto3, as the claim sent them (its queries and its
    transactions, every item and condition), on the same rows seeded again: what the
    claim's own code costs beyond its requests. Beside it, the earlier floor: transactions
    that only delete the rows and update the two balances (they leave out the ledger
    entries, the donor notices, the conditions and the reads);
(b) DynamoDB requests per escrow row moved vs one transaction per 45 rows.
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

from bench.common import (
    configure,
    count_dynamodb_calls,
    emulator,
    pynamodb_clients,
    recording,
    replay,
    report_line,
    total_calls,
)

CHUNK = 45


def _floor_seconds(rows: int) -> float:
    """The same rows (another recipient's), deleted with two balance updates per
    transaction of 45, by raw boto3."""
    import boto3

    from functions.core.models import Escrow, LedgerItem
    from local.seed import direct_escrow

    direct_escrow("github:floor", rows, prefix="f")
    client = boto3.client("dynamodb", region_name="eu-west-1")
    keys = [
        {"recipient": {"S": row.recipient}, "month_contributor": {"S": row.month_contributor}}
        for row in Escrow.query("github:floor")
    ]
    began = time.perf_counter()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        items: list[Any] = [
            {"Delete": {"TableName": Escrow.Meta.table_name, "Key": key}} for key in chunk
        ]
        for account, amount in (("escrow#github:floor", -len(chunk)), ("creator#f", len(chunk))):
            items.append(
                {
                    "Update": {
                        "TableName": LedgerItem.Meta.table_name,
                        "Key": {"account": {"S": account}, "sk": {"S": "balance"}},
                        "UpdateExpression": "ADD amount :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                    }
                }
            )
        client.transact_write_items(TransactItems=items)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    configure()

    from functions.claim import claiming
    from local.seed import direct_escrow

    with emulator():
        direct_escrow("github:claimed", args.rows)
        clients = pynamodb_clients()
        with count_dynamodb_calls(clients) as calls, recording(clients) as sent:
            began = time.perf_counter()
            moved = claiming.move_escrow("github:claimed", "creator")
            claim_seconds = time.perf_counter() - began
        assert moved.rows == args.rows, moved
        deletes_only = _floor_seconds(args.rows)
    with emulator():  # the same rows again, for the claim's own requests sent raw
        direct_escrow("github:claimed", args.rows)
        raw_seconds = replay(sent)
    rate = args.rows / claim_seconds
    print(
        report_line(
            "(a) escrow rows claimed per second",
            rate,
            args.rows / raw_seconds,
            "rows/s",
            claim_seconds / raw_seconds,
        )
    )
    print(
        f"    the earlier floor, transactions that only delete the rows and update two "
        f"balances: {args.rows / deletes_only:,.0f} rows/s ({claim_seconds / deletes_only:.2f}x)"
    )
    per_row = total_calls(calls) / args.rows
    floor_per_row = math.ceil(args.rows / CHUNK) / args.rows
    print(
        report_line(
            "(b) DynamoDB requests per row moved",
            per_row,
            floor_per_row,
            "requests",
            per_row / floor_per_row,
        )
    )
    print("    calls by operation, and by operation and table:", dict(sorted(calls.items())))


if __name__ == "__main__":
    main()

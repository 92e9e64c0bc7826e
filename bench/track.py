"""Benchmark of the track capability: ``python -m bench.track``.

Prints three figures, each as a ratio against its floor measured in the same run:
(a) cold import of the track handler vs ``import boto3`` alone;
(b) attention reports per second through the real handler on in-process moto vs the
    handler's own DynamoDB requests sent again raw with boto3 on the same state (and, beside,
    the earlier floor: raw PutItems of the same page-day items, the least any design does,
    with what it leaves out timed by kind);
(c) DynamoDB calls per report, counted with botocore event hooks, vs one write per
    page-day touched;
(d) the sizes of the items written (page-days, flattrs), hence their write units: inputs of
    docs/scale.md's cost model.
"""

from __future__ import annotations

import argparse
import os
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from bench.common import (
    LAMBDA_INIT,
    cold_import_seconds,
    compile_as_bundled,
    configure,
    count_dynamodb_calls,
    emulator,
    item_bytes,
    pynamodb_clients,
    recording,
    replay,
    report_line,
    total_calls,
)


def attention_events(
    requests: int, reports_per_request: int, pages_per_request: int, start: Any, seconds: int = 1
) -> list[dict[str, Any]]:
    import json

    from functions.deployment import ROUTES
    from local.gateway import build_event

    route = next(r for r in ROUTES if r.route_key == "POST /v1/attention")
    events = []
    for n in range(requests):
        at = start + timedelta(seconds=n * 20)
        reports = [
            {
                "event_id": str(uuid.uuid4()),
                "url": f"https://site{n % 50}.example/page{(n * pages_per_request + i % pages_per_request) % 400}",  # noqa: E501
                "kind": "text",
                "active_seconds": seconds,
                "at": at.isoformat(),
            }
            for i in range(reports_per_request)
        ]
        body = json.dumps({"device_id": "bench", "reports": reports}).encode()
        events.append(
            build_event(
                route,
                {},
                "POST",
                route.path,
                "",
                {"content-type": "application/json"},
                body,
                "127.0.0.1",
                {"sub": f"user-{n % 10}"},
            )
        )
    return events


def _floor_seconds(requests: int, reports: int, pages: int) -> float:
    """The same page-days written as raw PutItems."""
    import time

    import boto3

    from functions.track.models import PageDay

    client = boto3.client("dynamodb", region_name="eu-west-1")
    items: list[dict[str, Any]] = [
        {
            "contributor_id": {"S": f"floor-{n % 10}"},
            "item_key": {"S": f"att#2031-01-01#{n}-{p}"},
            "seconds": {"N": "10"},
            "awarded": {"N": "0"},
            "expires_at": {"N": "1900000000"},
            "events": {"SS": [uuid.uuid4().hex[:16] for _ in range(reports // pages)]},
        }
        for n in range(requests)
        for p in range(pages)
    ]
    began = time.perf_counter()
    for item in items:
        client.put_item(TableName=PageDay.Meta.table_name, Item=item)
    return time.perf_counter() - began


def _warm_up(events: list[dict[str, Any]]) -> None:
    import functions.track.handler as handler
    from local.gateway import LambdaContext

    for event in events:
        handler.lambda_handler(event, LambdaContext("bench-track"))


def _handler_seconds(
    args: argparse.Namespace, warm_up: list[dict[str, Any]]
) -> tuple[float, Counter[str], list[tuple[str, dict[str, Any]]]]:
    """The track handler given the reports, after a warm-up; its DynamoDB calls, and its
    requests as sent."""
    import time

    import functions.track.handler as handler
    from functions.common import clock
    from local.gateway import LambdaContext

    context = LambdaContext("bench-track")
    _warm_up(warm_up)
    events = attention_events(
        args.requests, args.reports, args.pages, clock.now() - timedelta(hours=2)
    )
    clients = pynamodb_clients()
    with count_dynamodb_calls(clients) as calls, recording(clients) as sent:
        began = time.perf_counter()
        for event in events:
            result = handler.lambda_handler(event, context)
            assert result["statusCode"] == 200, result
        return time.perf_counter() - began, calls, sent


def _item_sizes() -> dict[str, int]:
    """The largest page-day and flattr written (bytes, as DynamoDB bills them), after one
    more request whose report makes a flattr (the benchmark's reports make none)."""
    import boto3

    from functions.common import clock
    from functions.core.models import Flattr
    from functions.track.models import PageDay

    _warm_up(attention_events(1, 1, 1, clock.now() - timedelta(minutes=5), seconds=60))

    client = boto3.client("dynamodb", region_name="eu-west-1")
    largest: dict[str, int] = {}
    for name, model in (("page-day", PageDay), ("flattr", Flattr)):
        pages = client.get_paginator("scan").paginate(TableName=model.Meta.table_name)
        items = [item for page in pages for item in page["Items"]]
        if name == "page-day":
            items = [i for i in items if i["item_key"]["S"].startswith("att#")]
        largest[name] = max(item_bytes(item) for item in items)
    return largest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reports", type=int, default=10, help="reports per request")
    parser.add_argument("--pages", type=int, default=5, help="distinct pages per request")
    args = parser.parse_args()
    configure()
    # The settings a deployed function has (issue 17): the split-status cache on, page
    # authors looked up (queued to no queue here: the bench measures the API's own work).
    for name in ("SPLIT_STATUS_CACHE_SECONDS", "SPLIT_CLOSE_GRACE_SECONDS", "PAGE_AUTHORS"):
        os.environ.pop(name, None)

    compile_as_bundled()
    boto3_import = cold_import_seconds("import boto3")
    # As a Lambda's init does: the module, and the entry point its runtime asks for.
    handler_import = cold_import_seconds(
        "from functions.track.handler import lambda_handler", more=LAMBDA_INIT
    )
    print(
        report_line(
            "(a) cold import of the track handler",
            handler_import * 1000,
            boto3_import * 1000,
            "ms",
            handler_import / boto3_import,
        )
    )

    _run_on_the_emulator(args)


def _run_on_the_emulator(args: argparse.Namespace) -> None:
    """(b) to (d): the handler on in-process moto, then its requests sent raw."""
    from functions.common import clock

    now = clock.now()
    warm_up = attention_events(5, args.reports, args.pages, now - timedelta(hours=3))
    with emulator():
        handler_seconds, calls, sent = _handler_seconds(args, warm_up)
        sizes = _item_sizes()
        floor_seconds = _floor_seconds(args.requests, args.reports, args.pages)
    with emulator():  # the same state again, for the handler's own requests sent raw
        _warm_up(warm_up)
        by_operation: dict[str, float] = {}
        raw_seconds = replay(sent, by_operation=by_operation)
    total_reports = args.requests * args.reports
    print(
        report_line(
            "(b) attention reports per second",
            total_reports / handler_seconds,
            total_reports / raw_seconds,
            "reports/s",
            handler_seconds / raw_seconds,
        )
    )
    print(
        f"    the earlier floor, raw PutItem of the page-day items alone: "
        f"{total_reports / floor_seconds:,.0f} reports/s ({handler_seconds / floor_seconds:.2f}x)"
    )
    _print_left_out(
        handler_seconds,
        floor_seconds,
        by_operation,
        sent,
        total_reports,
        args.requests * args.pages,
    )
    per_report = total_calls(calls) / total_reports
    floor_calls = args.pages / args.reports
    print(
        report_line(
            "(c) DynamoDB calls per report",
            per_report,
            floor_calls,
            "calls",
            per_report / floor_calls,
        )
    )
    print("    calls by operation, and by operation and table:", dict(sorted(calls.items())))
    print(
        "(d) largest items written: "
        + ", ".join(
            f"{name} {size} bytes ({-(-size // 1024)} WRU a write)" for name, size in sizes.items()
        )
    )


def _print_left_out(
    handler_seconds: float,
    floor_seconds: float,
    by_operation: dict[str, float],
    sent: list[tuple[str, dict[str, Any]]],
    reports: int,
    puts: int,
) -> None:
    """What the earlier floor leaves out, from the handler's own requests timed by kind:
    the reads (the page-days' seconds so far, the owners' lookups, the directory) and the
    contributor's day (their daily limit), which every design needs; and the page-day
    writes as the handler sends them: several in one transaction, to save calls, where the
    emulator copies the table a transaction touches once for each of its items (to roll it
    back), a cost DynamoDB does not have."""
    reads = sum(t for op, t in by_operation.items() if op in {"BatchGetItem", "GetItem", "Query"})
    day = by_operation.get("UpdateItem", 0.0)
    writes = by_operation.get("TransactWriteItems", 0.0)
    written = sum(len(p["TransactItems"]) for op, p in sent if op == "TransactWriteItems")
    with_them = floor_seconds + reads + day
    print(
        f"    left out by that floor, timed by kind in the handler's requests sent raw: the "
        f"reads {reads:.2f} s and the contributor's day (the daily limit) {day:.2f} s; the "
        f"floor with them: {reports / with_them:,.0f} reports/s, the handler "
        f"{handler_seconds / with_them:.2f}x of it. The rest is the page-day writes: "
        f"{writes:.2f} s as transactions against the floor's PutItems {floor_seconds:.2f} s "
        f"({1000 * writes / max(1, written):.1f} ms an item written in a transaction on the "
        f"emulator, which copies the table once an item to roll back; "
        f"{1000 * floor_seconds / puts:.1f} ms a PutItem)"
    )


if __name__ == "__main__":
    main()

"""The operator CLI's payout part: ``flattr payout run --month YYYY-MM [--dry-run]``,
``flattr ledger check`` (the CLI itself: ``functions/cli.py``).

It talks to whatever AWS the environment points at: an account (credentials and
``TABLE_PREFIX=flattr-<stage>-``), or, with ``--local``, the running local stack
(``make run``; ``--local-url`` or ``FLATTR_LOCAL_URL`` if it is not on port 8000), which
says where its emulator is at ``GET /_local/emulator``.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.request
from datetime import datetime
from typing import Any

from tqdm import tqdm

from functions.common import clock
from functions.common.money import format_amount
from functions.common.settings import settings
from functions.core import ledger
from functions.core.flattrs import shards_of
from functions.payout import monthly


def _month(text: str) -> str:
    try:
        return monthly.month_from({"month": text})
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def dry_run(month: str) -> monthly.Summary:
    """What the split would do, computed without writing anything."""
    total = monthly.Summary()
    for shard in tqdm(range(shards_of(month)), desc=f"dry run {month}", unit="shard"):
        flattrs, known = monthly.contributors_of(month, shard)
        for contributor, counts in flattrs.items():
            summary = total.of(known.currencies[contributor])
            if contributor in known.statements:
                summary.already_split += 1
                continue
            split = monthly.split_of(contributor, counts, known)
            creators = known.owners.creators
            paid = split.parts + split.pledges
            escrowed = sum(p.amount for p in paid if p.recipient not in creators)
            summary.count(split, sum(counts.values()), escrowed)
    return total


def print_summary(month: str, summary: monthly.Summary) -> bool:
    """The run's figures, each currency apart; whether each currency's money adds up."""
    counts = summary.report()
    print(
        f"month {month}: {counts['contributors']} contributors, {counts['flattrs']} flattrs, "
        f"{counts['unfunded']} unfunded, {counts['already_split']} already split"
    )
    balanced = True
    for currency, figures in sorted(summary.currencies.items()):
        rows = [
            ("charged to contributors", figures.charged),
            ("  fees", figures.fees),
            ("  to creators", figures.to_creators),
            ("  to escrow", figures.to_escrow),
        ]
        for name, amount in rows:
            print(f"  {name:<26} {format_amount(amount):>18} {currency}")
        out = figures.fees + figures.to_creators + figures.to_escrow
        balanced = balanced and out == figures.charged
        print(
            f"  reconciliation {currency}: money in {format_amount(figures.charged)} = money "
            f"out {format_amount(out)}: {'ok' if out == figures.charged else 'MISMATCH'}"
        )
    return balanced


def print_check(check: ledger.Check) -> None:
    print("ledger totals by currency and account type:")
    for currency, totals in sorted(check.totals.items()):
        for kind, amount in sorted(totals.items()):
            print(f"  {kind:<14} {format_amount(amount):>18} {currency}")
    if check.ok:
        print("invariant holds in every currency: money in balances + fees + paid out = paid in")
    for problem in check.problems:
        print(f"DRIFT: {problem}")


LOCAL_STACK = "http://127.0.0.1:8000"


def use_local_stack(url: str) -> str:
    """Point this process at the local stack's emulator; answers its address."""
    with urllib.request.urlopen(f"{url.rstrip('/')}/_local/emulator", timeout=10) as answer:  # noqa: S310 - the operator's own URL
        emulator = json.load(answer)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": emulator["aws_endpoint_url"],
            "TABLE_PREFIX": emulator["table_prefix"],
            "AWS_REGION": emulator["region"],
            "AWS_DEFAULT_REGION": emulator["region"],
            "STRIPE_API_URL": emulator["stripe_api_url"],
        }
    )
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    settings.cache_clear()
    # The stack's clock, not this machine's: it may have been moved to a month's end.
    with urllib.request.urlopen(f"{url.rstrip('/')}/_local/clock", timeout=10) as answer:  # noqa: S310 - the operator's own URL
        stack_now = datetime.fromisoformat(json.load(answer)["now"].replace("Z", "+00:00"))
    clock.advance(max(0.0, (stack_now - clock.now()).total_seconds()))
    return str(emulator["aws_endpoint_url"])


def add_commands(commands: Any) -> None:
    """``payout run`` and ``ledger check``, on the operator CLI's (``functions/cli.py``)."""
    payout = commands.add_parser("payout").add_subparsers(dest="command", required=True)
    run = payout.add_parser("run", help="run (or re-run) the monthly split of a month")
    run.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    run.add_argument("--dry-run", action="store_true", help="print the totals, write nothing")
    run.add_argument("--workers", type=int, default=None)
    ledger_parser = commands.add_parser("ledger").add_subparsers(dest="command", required=True)
    ledger_parser.add_parser("check", help="verify the ledger's invariant; non-zero on drift")


def run_command(args: argparse.Namespace) -> int:
    if args.area == "payout":
        if args.dry_run:
            return 0 if print_summary(args.month, dry_run(args.month)) else 1
        passes = 2 * shards_of(args.month)  # every shard charged, every partition credited
        with tqdm(total=passes, desc=f"split {args.month}", unit="part") as bar:
            summary = monthly.run_month(args.month, workers=args.workers, progress=bar.update)
        balanced = print_summary(args.month, summary)
        check = ledger.check_invariant()
        print_check(check)
        return 0 if balanced and check.ok else 1
    check = ledger.check_invariant()
    print_check(check)
    return 0 if check.ok else 1

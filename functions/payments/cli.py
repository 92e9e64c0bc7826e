"""The operator CLI's payments part: ``flattr payments reconcile [--run]``: what does not
add up between Stripe's balance and the ledger (``--run`` reconciles first, as the daily
job does); non-zero when anything does not."""

from __future__ import annotations

import argparse
from typing import Any

from functions.common import clock
from functions.payments import reconcile


def add_commands(commands: Any) -> None:
    payments = commands.add_parser("payments").add_subparsers(dest="command", required=True)
    shown = payments.add_parser("reconcile", help="Stripe's balance against the ledger")
    shown.add_argument("--run", action="store_true", help="reconcile now, then show")


def run_command(args: argparse.Namespace) -> int:
    import stripe

    if args.run:
        try:
            summary = reconcile.run({})
        except stripe.StripeError as error:
            print(f"Stripe did not answer: {error.user_message or type(error).__name__}")
            return 2
        print(
            f"reconciled as of {clock.rfc3339(clock.now())}: matched {summary['matched']}, "
            f"not ledger movements {summary['ignored']}, mismatches {summary['mismatches']}"
        )
    found = reconcile.mismatches()
    for mismatch in found:
        print(
            f"{mismatch.key}  {mismatch.kind or ''}  {mismatch.source or ''}  "
            f"{mismatch.amount_cents if mismatch.amount_cents is not None else ''}  "
            f"{mismatch.problem}  (seen {clock.rfc3339(mismatch.found_at)})"
        )
    print("everything adds up" if not found else f"{len(found)} mismatches")
    return 0 if not found else 1

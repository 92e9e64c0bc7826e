"""The operator CLI, ``flattr``: ``payout run``, ``ledger check``, ``payments reconcile``,
``flattrs purge-searches``.

It talks to whatever AWS the environment points at: an account (credentials and
``TABLE_PREFIX=flattr-<stage>-``), or, with ``--local``, the running local stack
(``make run``; ``--local-url`` or ``FLATTR_LOCAL_URL`` if it is not on port 8000), which
says where its emulator is at ``GET /_local/emulator``. Each domain adds its commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from functions.payments import cli as payments_cli
from functions.payout import cli as payout_cli
from functions.track import cli as track_cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flattr", description="flattr operator commands")
    # A flag, not an option with an optional value: ``--local ledger check`` must not
    # read ``ledger`` as the stack's address.
    parser.add_argument("--local", action="store_true", help="work on the running local stack")
    parser.add_argument(
        "--local-url",
        default=os.environ.get("FLATTR_LOCAL_URL", payout_cli.LOCAL_STACK),
        metavar="URL",
        help=f"where the local stack runs (default $FLATTR_LOCAL_URL or {payout_cli.LOCAL_STACK})",
    )
    commands = parser.add_subparsers(dest="area", required=True)
    payout_cli.add_commands(commands)
    payments_cli.add_commands(commands)
    track_cli.add_commands(commands)
    args = parser.parse_args(argv)
    if args.local:
        try:
            print(f"local stack's emulator: {payout_cli.use_local_stack(args.local_url)}")
        except OSError as error:
            print(f"no local stack answers at {args.local_url}: {error}", file=sys.stderr)
            return 2
    if args.area == "payments":
        return payments_cli.run_command(args)
    if args.area == "flattrs":
        return track_cli.run_command(args)
    return payout_cli.run_command(args)


if __name__ == "__main__":
    sys.exit(main())

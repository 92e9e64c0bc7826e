"""The operator CLI's track part: ``flattr flattrs purge-searches`` (``track/purge.py``)."""

from __future__ import annotations

import argparse
from typing import Any

from functions.track import purge


def add_commands(commands: Any) -> None:
    flattrs = commands.add_parser("flattrs").add_subparsers(dest="command", required=True)
    flattrs.add_parser(
        "purge-searches", help="remove the search terms of flattrs of search result pages"
    )


def run_command(args: argparse.Namespace) -> int:
    summary = purge.purge_search_flattrs()
    print(
        f"flattrs scanned {summary.scanned}: of search pages, {summary.deleted} deleted "
        f"(months not split), {summary.cut} cut to their origin (split months)"
    )
    return 0

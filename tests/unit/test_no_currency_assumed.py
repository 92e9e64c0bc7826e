"""Nothing assumes the euro (issue 35): the money type carries its currency, and the only
place that names one is the configuration (``functions/common/currencies.py``). This
searches the service's code and templates for a currency written into them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = {ROOT / "functions" / "common" / "currencies.py"}
SEARCHED = [ROOT / "functions", ROOT / "infra", ROOT / "web" / "src", ROOT / "extension" / "src"]
SUFFIXES = {".py", ".html", ".txt", ".json", ".js", ".mjs", ".css"}
# The euro named in code: its code (in either case, as Stripe writes it) or its sign.
NAMED = re.compile(r"\b(EUR|eur|Eur|euros?|Euros?)\b|€")


def _sources() -> list[Path]:
    return [
        path
        for folder in SEARCHED
        for path in folder.rglob("*")
        if path.suffix in SUFFIXES and path not in CONFIGURATION and "__pycache__" not in path.parts
    ]


def test_no_currency_is_named_outside_configuration():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1)
        if NAMED.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_search_finds_what_it_looks_for():
    assert NAMED.search('{"currency": "eur"}') and NAMED.search("at least €2")
    assert NAMED.search("2.00 EUR")
    assert NAMED.search("a goal in euros")
    assert not NAMED.search("europe") and not NAMED.search("neuroscience")

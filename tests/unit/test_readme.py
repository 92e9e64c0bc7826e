"""The README is for a newcomer (issue 32, item 5): short, lines a screen can show, every
page it links there, and every page of ``docs/`` linked from it (nothing moved is lost)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_readme_is_short_with_short_lines():
    lines = README.splitlines()
    assert len(lines) <= 200
    assert [n for n, line in enumerate(lines, 1) if len(line) > 100] == []


def test_every_link_leads_somewhere_and_every_doc_is_linked():
    linked = set(re.findall(r"\]\(([^)#]+)\)", README))
    assert all((ROOT / target).exists() for target in linked), linked
    docs = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert docs <= linked, docs - linked


def test_the_docs_link_only_to_what_exists():
    for page in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), (page.name, target)

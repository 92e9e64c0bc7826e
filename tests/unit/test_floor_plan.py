"""The floor plan holds (import-linter): domains import only core and common, never one
another; and the contract really catches a domain importing another."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

CONTRACT = """
[importlinter]
root_package = functions

[importlinter:contract:layers]
name = Layers: domains, then core, then common
type = layers
layers =
    functions.track | functions.payout | functions.claim | functions.connections | \
        functions.account | functions.payments
    functions.core
    functions.common
ignore_imports =
    functions.account.export -> functions.*.personal
"""


def lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_the_repository_keeps_its_contracts():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_domain_importing_another_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "functions", tmp_path / "functions")
    (tmp_path / ".importlinter").write_text(CONTRACT)
    assert lint(tmp_path, "--config", ".importlinter").returncode == 0
    routes = tmp_path / "functions" / "track" / "routes.py"
    routes.write_text(routes.read_text() + "\nfrom functions.payout import split  # noqa\n")
    broken = lint(tmp_path, "--config", ".importlinter")
    assert broken.returncode != 0
    assert "functions.track.routes -> functions.payout.split" in broken.stdout


def test_a_domain_reading_another_domains_table_breaks_the_contract(tmp_path):
    """Each domain owns its tables: using another's models is importing that domain."""
    shutil.copytree(ROOT / "functions", tmp_path / "functions")
    (tmp_path / ".importlinter").write_text(CONTRACT)
    statements = tmp_path / "functions" / "payout" / "statements.py"
    statements.write_text(
        statements.read_text() + "\nfrom functions.payments.models import PayIn  # noqa\n"
    )
    broken = lint(tmp_path, "--config", ".importlinter")
    assert broken.returncode != 0
    assert "functions.payout.statements -> functions.payments.models" in broken.stdout

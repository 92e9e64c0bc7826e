"""Every third-party package the handlers import is pinned for the Lambda bundle."""

from __future__ import annotations

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_top_level_modules() -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / "functions").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m != "functions" and m not in sys.stdlib_module_names}


def test_handler_imports_are_in_the_lambda_requirements():
    pinned = {
        line.split("==")[0].strip().lower().replace("_", "-")
        for line in (ROOT / "infra" / "lambda-requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    distributions = packages_distributions()
    missing = {}
    for module in imported_top_level_modules():
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & pinned:
            missing[module] = sorted(names)
    assert not missing, f"imported by functions/ but not bundled: {missing}"

"""The Lambda bundles ship compiled bytecode where the runtime's Python is at hand
(Lambda cannot write it: its code directories are read-only)."""

from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import DockerImage

from infra import bundling


def test_the_functions_bundle_is_the_package_compiled_by_the_given_python(tmp_path, monkeypatch):
    monkeypatch.setattr(bundling, "runtime_python", lambda: sys.executable)
    assert bundling.FunctionsBundling().try_bundle(
        str(tmp_path), image=DockerImage.from_registry("unused")
    )
    shipped = tmp_path / "functions"
    assert (shipped / "track" / "handler.py").is_file()
    tag = sys.implementation.cache_tag
    assert (shipped / "track" / "__pycache__" / f"handler.{tag}.pyc").is_file()
    sources = {p.relative_to(shipped) for p in shipped.rglob("*.py")}
    compiled = {
        p.parent.parent.relative_to(shipped) / (p.name.split(".")[0] + ".py")
        for p in shipped.rglob("*.pyc")
    }
    assert sources == compiled  # every module, and no stale cache copied from the tree


def test_without_the_runtimes_python_the_bundle_ships_sources_and_says_so(tmp_path, capsys):
    (tmp_path / "m.py").write_text("x = 1\n")
    assert bundling.compile_bytecode(tmp_path, None) is False
    assert not list(Path(tmp_path).rglob("*.pyc"))
    assert "without bytecode" in capsys.readouterr().err


def test_the_layer_is_installed_for_the_functions_architecture(tmp_path, monkeypatch):
    sent: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", lambda args, **_: sent.append(args))
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    bundling.PipTargetBundling().try_bundle(str(tmp_path), image=DockerImage.from_registry("x"))
    (args,) = sent
    platform = args[args.index("--python-platform") + 1]
    assert bundling.ARCHITECTURE.name == "arm64" and platform.startswith("aarch64-manylinux")

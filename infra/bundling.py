"""Bundling the Lambda code locally, without Docker: the dependencies' layer and the
handler code, each with its bytecode compiled by the runtime's Python where the machine
has it (``python3.14``). Lambda's code directories are read-only, so a module shipped
without bytecode is compiled again at every cold start."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_REQUIREMENTS = ROOT / "infra" / "lambda-requirements.txt"
PYTHON_VERSION = "3.14"
# Graviton: the same speed as x86 for a fifth less a GB-second; the layer's wheels must
# be built for it (every pinned package has aarch64 wheels).
ARCHITECTURE = lambda_.Architecture.ARM_64
PLATFORM = "aarch64-manylinux_2_28"


def runtime_python() -> str | None:
    """An interpreter of the Lambda runtime's version, if this machine has one."""
    return shutil.which(f"python{PYTHON_VERSION}")


def compile_bytecode(directory: Path, python: str | None) -> bool:
    """Compile every module under ``directory`` with ``python`` (its bytecode is only
    read by that version); False, with a warning, when there is no such interpreter."""
    if python is None:
        print(
            f"warning: no python{PYTHON_VERSION} here: {directory.name} ships without "
            "bytecode (each cold start compiles what it imports)",
            file=sys.stderr,
        )
        return False
    subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [python, "-m", "compileall", "-q", "-j", "0", str(directory)], check=True
    )
    return True


@jsii.implements(ILocalBundling)
class PipTargetBundling:
    """``uv pip install --target`` of the pinned Lambda requirements for the Lambda platform."""

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--target",
                str(Path(output_dir) / "python"),
                "--python-platform",
                PLATFORM,
                "--python-version",
                PYTHON_VERSION,
                "--only-binary",
                ":all:",
                "-r",
                str(LAMBDA_REQUIREMENTS),
            ],
            check=True,
        )
        compile_bytecode(Path(output_dir) / "python", runtime_python())
        return True


@jsii.implements(ILocalBundling)
class FunctionsBundling:
    """The ``functions`` package without caches, compiled (see ``compile_bytecode``)."""

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        target = Path(output_dir) / "functions"
        shutil.copytree(
            ROOT / "functions", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        compile_bytecode(target, runtime_python())
        return True


def dependencies_code() -> lambda_.Code:
    """The layer's code: the pinned requirements, installed for the Lambda platform."""
    return lambda_.Code.from_asset(
        str(LAMBDA_REQUIREMENTS.parent),
        exclude=["*", f"!{LAMBDA_REQUIREMENTS.name}"],
        bundling=BundlingOptions(
            image=DockerImage.from_registry("docker-is-not-used"),
            local=PipTargetBundling(),
            command=["false"],
        ),
    )


def functions_code() -> lambda_.Code:
    """The handler code: the ``functions`` package and nothing else of the repository."""
    return lambda_.Code.from_asset(
        str(ROOT),
        exclude=["*", "!functions", "!functions/**", "**/__pycache__", "**/*.pyc"],
        bundling=BundlingOptions(
            image=DockerImage.from_registry("docker-is-not-used"),
            local=FunctionsBundling(),
            command=["false"],
        ),
    )

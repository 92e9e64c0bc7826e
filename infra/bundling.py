"""Bundling the Lambda dependencies locally, without Docker."""

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
PLATFORM = "x86_64-manylinux_2_28"


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
    )

"""The CDK app: ``python infra/app.py`` synthesises offline (no Docker, no credentials)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aws_cdk import App, Environment
from cdk_nag import AwsSolutionsChecks

from infra.nag import acknowledge
from infra.stack import FlattrStack


def build(context: dict[str, Any] | None = None, outdir: str | None = None) -> App:
    app = App(context=context or {}, outdir=outdir or os.environ.get("CDK_OUTDIR", "cdk.out"))
    stage = str(app.node.try_get_context("stage") or "prod")
    stack = FlattrStack(
        app,
        f"Flattr-{stage}",
        stage=stage,
        mail_domain=str(app.node.try_get_context("mail_domain") or "flattr.example.org"),
        site_domain=str(app.node.try_get_context("site_domain") or "flattr.example.org"),
        certificate_arn=app.node.try_get_context("certificate_arn"),
        # A certificate for api.<site_domain> in the stack's region: the Flattr extension's
        # builds call the API there.
        api_certificate_arn=app.node.try_get_context("api_certificate_arn"),
        env=Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT", "111111111111"),
            region=os.environ.get("CDK_DEFAULT_REGION", "eu-west-1"),
        ),
    )
    from aws_cdk import Validations

    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    acknowledge(stack)
    return app


if __name__ == "__main__":
    build().synth()

"""Cold start of every Lambda: ``python -m bench.cold``.

A fresh interpreter imports each Lambda's entry point as its init does: the module, and
the handler its runtime asks for, which is built then (``common/handler.lazy_handlers``);
the median of seven runs, after one that warms the file cache. Two floors from the same
run: ``import boto3`` alone, and the libraries every handler must load whatever it does
(boto3, PynamoDB, pydantic, the Powertools event handler and Logger). The handlers run as
in Lambda (``LAMBDA_INIT``): tracing on, so Powertools' Tracer loads the X-Ray SDK and
patches the AWS SDK, measured, not left out (the floor does not include it); and the task
root set, so that the SDK samples as it does in Lambda (outside it, its recorder builds
two X-Ray clients for central sampling, a tenth of a second that Lambda never pays). Our
modules are compiled first, as the bundles ship them (``infra/bundling.py``), like the
libraries of the floors; the benchmarks' interpreters write no bytecode of their own.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

from bench.common import LAMBDA_INIT, cold_import_seconds, configure

FLOOR = (
    "import boto3, pynamodb.models, pydantic; "
    "from aws_lambda_powertools import Logger; "
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver"
)


def entry_points() -> list[tuple[str, str]]:
    """Every Lambda as the CDK app deploys it: (domain, entry point)."""
    from functions.deployment import JOBS, ROUTES
    from infra.functions import DOMAIN_ACCESS

    found = {(route.domain, "lambda_handler") for route in ROUTES}
    found |= {(job.domain, "job_handler") for job in JOBS}
    found |= {(d, "events_handler") for d, access in DOMAIN_ACCESS.items() if access.events_handler}
    return sorted(found | {("authorizer", "lambda_handler")})


# What the CDK app sets on the functions (each checks what it needs at its cold start).
DEPLOYED = {
    "PUBLIC_API_URL": "https://flattr.example.org",
    "TOKEN_KEY_ID": "bench-key",
    "MAIL_FROM": "noreply@flattr.example.org",
    "SES_CONFIGURATION_SET": "bench",
    "USER_POOL_ID": "eu-west-1_bench",
    "STRIPE_SECRET_ID": "flattr/stripe",
    "STRIPE_EVENTS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/stripe-events",
    "OWNER_LOOKUPS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/owner-lookups",
    "JWT_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench",
    "JWT_CLIENT_ID": "bench",
}


def main() -> None:
    configure()
    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "functions"), quiet=1)
    os.environ.update(DEPLOYED)
    boto3_alone = cold_import_seconds("import boto3")
    floor = cold_import_seconds(FLOOR)
    print(
        f"floors: import boto3 {boto3_alone * 1000:.0f} ms; the libraries every handler "
        f"loads {floor * 1000:.0f} ms ({floor / boto3_alone:.2f}x boto3)"
    )
    print(f"{'Lambda':<28} {'init ms':>8} {'vs boto3':>9} {'vs floor':>9}")
    for domain, entry in entry_points():
        seconds = cold_import_seconds(
            f"from functions.{domain}.handler import {entry}", more=LAMBDA_INIT
        )
        print(
            f"{domain + '.' + entry:<28} {seconds * 1000:>8.0f} {seconds / boto3_alone:>8.2f}x "
            f"{seconds / floor:>8.2f}x"
        )


if __name__ == "__main__":
    main()

"""Cold start of every Lambda: ``python -m bench.cold``.

A fresh interpreter imports each Lambda's entry point as its init does: the module, and
the handler its runtime asks for, which is built then (``common/entry.lazy_handlers``);
the median of seven runs, after one that warms the file cache, taken in turns with the
floors' (``bench.common.cold_imports``). Four floors from the same run: ``import boto3``
alone; the libraries every handler must load whatever it does (boto3, PynamoDB, pydantic,
the Powertools event handler and Logger) as they are used: the event handler with its
request validation on, as every API of ours has it (a fixed choice), which loads
pydantic's models and fields and the handler's validation parameters; that floor again
with the cycle collector paused while it loads and the heap frozen after, as our cold
start builds a handler (``common/entry.cold_start``), so that what is left beyond it is
our own code's; and the same imports bare (``import pydantic`` alone loads pydantic 2's
package and core, not its models, nor does the event handler's import). The handlers run
as in Lambda (``LAMBDA_INIT``): tracing on, so Powertools' Tracer loads the X-Ray SDK and
patches the AWS SDK, measured, not left out (no floor includes it); and the task root set,
so that the SDK samples as it does in Lambda (outside it, its recorder builds two X-Ray
clients for central sampling, a tenth of a second that Lambda never pays). Our modules and
the layer's packages are compiled first, as the bundles ship them
(``bench.common.compile_as_bundled``); the benchmarks' interpreters write no bytecode.
"""

from __future__ import annotations

import os

from bench.common import LAMBDA_INIT, cold_imports, compile_as_bundled, configure

IMPORTS = (
    "import boto3, pynamodb.models, pydantic; "
    "from aws_lambda_powertools import Logger; "
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver"
)
FLOOR = IMPORTS + "; APIGatewayHttpResolver(enable_validation=True)"
# The same with the cycle collector paused and the heap frozen after, as our cold start
# loads them (``common/entry.cold_start``): what is left beyond it is our own code's.
PAUSED = f"import gc; gc.disable(); {FLOOR}; gc.freeze(); gc.enable()"


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
    "ACCOUNT_LEAVING_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/account-leaving",
    "ACCOUNT_DELETED_TOPIC_ARN": "arn:aws:sns:eu-west-1:1:account-deleted",
    "JWT_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench",
    "JWT_CLIENT_ID": "bench",
    "SIGN_IN_TOKEN_URL": "https://flattr-bench-sign-in.auth.eu-west-1.amazoncognito.com/oauth2/token",
    "SIGN_IN_REVOKE_URL": "https://flattr-bench-sign-in.auth.eu-west-1.amazoncognito.com/oauth2/revoke",
}


def main() -> None:
    configure()
    compile_as_bundled()
    os.environ.update(DEPLOYED)
    lambdas = {
        f"from functions.{domain}.handler import {entry}": f"{domain}.{entry}"
        for domain, entry in entry_points()
    }
    taken = cold_imports(
        {"import boto3": {}, FLOOR: {}, PAUSED: {}, IMPORTS: {}} | {s: LAMBDA_INIT for s in lambdas}
    )
    boto3_alone, floor, imports = taken["import boto3"], taken[FLOOR], taken[IMPORTS]
    paused = taken[PAUSED]
    print(
        f"floors: import boto3 {boto3_alone * 1000:.0f} ms; the libraries every handler "
        f"loads, the event handler validating {floor * 1000:.0f} ms "
        f"({floor / boto3_alone:.2f}x boto3), the same with the collector paused "
        f"{paused * 1000:.0f} ms; their imports bare {imports * 1000:.0f} ms"
    )
    print(
        f"{'Lambda':<28} {'init ms':>8} {'vs boto3':>9} {'vs floor':>9} {'vs paused':>10} "
        f"{'vs bare':>8}"
    )
    for statement, name in lambdas.items():
        seconds = taken[statement]
        print(
            f"{name:<28} {seconds * 1000:>8.0f} {seconds / boto3_alone:>8.2f}x "
            f"{seconds / floor:>8.2f}x {seconds / paused:>9.2f}x {seconds / imports:>7.2f}x"
        )


if __name__ == "__main__":
    main()

"""Lambda entry points of the payments domain: pay-ins and Stripe's webhook, the worker
behind the webhook's queue, and the monthly jobs. Each is built when its Lambda asks for
it (``lazy_handlers``)."""

from functions.common.handler import LambdaHandler, api_handler, lazy_handlers
from functions.common.handler import job_handler as make_job_handler  # not an entry point
from functions.common.observability import WITH_HTTP  # its routes call out over HTTP
from functions.payments import routes

routers = routes.routers
# Checkout's return pages; Stripe's keys; where verified events go.
# The user pool: money leaves an account only after a TOTP sign-in (core/identity.py).
API_NEEDS = ("public_url", "stripe_secret_id", "stripe_events_queue_url", "user_pool_id")


# The worker behind the queue: each verified event as a state sync.
def _events() -> LambdaHandler:
    from functions.payments import webhooks

    return make_job_handler(
        "payments",
        {"stripe-events": webhooks.process_batch},
        default_job="stripe-events",
        needs=("stripe_secret_id", "user_pool_id"),  # notices go to the sign-in address
    )


# The scheduled jobs: monthly top-ups charged before the split; Stripe against the ledger.
def _job() -> LambdaHandler:
    from functions.payments import monthly, reconcile

    return make_job_handler(
        "payments",
        {"monthly-top-up": monthly.run, "reconcile-stripe": reconcile.run},
        needs=("stripe_secret_id", "user_pool_id", "public_url"),
    )


__getattr__ = lazy_handlers(
    lambda_handler=lambda: api_handler("payments", routers, needs=API_NEEDS, traced=WITH_HTTP),
    events_handler=_events,
    job_handler=_job,
)

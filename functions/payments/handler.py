"""Lambda entry point of the payments domain: pay-ins and Stripe's webhook."""

from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler
from functions.payments import monthly, reconcile, routes, webhooks

routers = routes.routers
# Checkout's return pages; Stripe's keys; where verified events go.
# The user pool: money leaves an account only after a TOTP sign-in (core/identity.py).
API_NEEDS = ("public_url", "stripe_secret_id", "stripe_events_queue_url", "user_pool_id")
lambda_handler = api_handler("payments", routers, needs=API_NEEDS)
# The worker behind the queue: each verified event as a state sync.
events_handler = make_job_handler(
    "payments",
    {"stripe-events": webhooks.process_batch},
    default_job="stripe-events",
    needs=("stripe_secret_id", "user_pool_id"),  # notices go to the sign-in address
)
# The scheduled jobs: monthly top-ups charged before the split; Stripe against the ledger.
job_handler = make_job_handler(
    "payments",
    {"monthly-top-up": monthly.run, "reconcile-stripe": reconcile.run},
    needs=("stripe_secret_id", "user_pool_id", "public_url"),
)

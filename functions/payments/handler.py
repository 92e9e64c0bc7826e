"""Lambda entry points of the payments domain: pay-ins and Stripe's webhook, the worker
behind the webhook's queue, and the monthly jobs. Each is built, and what it serves
imported, when its Lambda asks for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers

# Checkout's return pages; Stripe's keys; where verified events go.
# The user pool: money leaves an account only after a TOTP sign-in (core/identity.py).
API_NEEDS = ("public_url", "stripe_secret_id", "stripe_events_queue_url", "user_pool_id")


def _api() -> LambdaHandler:
    from functions.common.handler import api_handler
    from functions.common.observability import WITH_HTTP  # its routes call out over HTTP
    from functions.payments import routes

    return api_handler("payments", routes.routers, needs=API_NEEDS, traced=WITH_HTTP)


# The worker behind the queues: each verified Stripe event as a state sync; and a deleted
# account's money leaving, after which every domain is told to erase its data.
def _events() -> LambdaHandler:
    from functions.common import events
    from functions.common.batches import each_body
    from functions.common.handler import job_handler
    from functions.payments import personal, webhooks

    return job_handler(
        "payments",
        {
            "stripe-events": webhooks.process_batch,
            events.ACCOUNT_LEAVING: each_body(personal.leave_then_announce),
        },
        default_job="stripe-events",
        # Notices go to the sign-in address; the deletion is announced on the topic.
        needs=("stripe_secret_id", "user_pool_id", "account_deleted_topic_arn"),
    )


# The scheduled jobs: monthly top-ups charged before the split; Stripe against the ledger.
def _job() -> LambdaHandler:
    from functions.common.handler import job_handler
    from functions.payments import monthly, reconcile

    return job_handler(
        "payments",
        {"monthly-top-up": monthly.run, "reconcile-stripe": reconcile.run},
        needs=("stripe_secret_id", "user_pool_id", "public_url"),
    )


__getattr__ = lazy_handlers(lambda_handler=_api, events_handler=_events, job_handler=_job)

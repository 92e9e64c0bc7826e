"""Lambda entry points of the track domain: attention, visits, flattrs, resolve; and the
worker that settles owner lookups (fed by the queue the API fills). Each is built, and
what it serves imported, when its Lambda asks for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers


def _api() -> LambdaHandler:
    from functions.common.handler import api_handler
    from functions.track import routes

    return api_handler("track", routes.routers)


# The worker: owner lookups; and an account's deletion, for tracking's own table.
def _events() -> LambdaHandler:
    from functions.common import events
    from functions.common.batches import each_body
    from functions.common.handler import job_handler
    from functions.track import owners, personal

    return job_handler(
        "track",
        {
            "owner-lookups": owners.process_batch,
            events.ACCOUNT_DELETED: each_body(lambda body: personal.erase(str(body["user_id"]))),
        },
        default_job="owner-lookups",
    )


__getattr__ = lazy_handlers(lambda_handler=_api, events_handler=_events)

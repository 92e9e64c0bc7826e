"""Lambda entry points of the track domain: attention, visits, flattrs, resolve; and the
worker that settles owner lookups (fed by the queue the API fills). Each is built when
its Lambda asks for it (``lazy_handlers``)."""

from functions.common.handler import LambdaHandler, api_handler, lazy_handlers
from functions.common.handler import job_handler as make_job_handler  # not an entry point
from functions.track import routes

routers = routes.routers


def _events() -> LambdaHandler:
    from functions.track import owners

    return make_job_handler(
        "track", {"owner-lookups": owners.process_batch}, default_job="owner-lookups"
    )


__getattr__ = lazy_handlers(
    lambda_handler=lambda: api_handler("track", routers),
    events_handler=_events,
)

"""Lambda entry points of the track domain: attention, visits, flattrs, resolve; and the
worker that settles owner lookups (fed by the queue the API fills). Each is built, and
what it serves imported, when its Lambda asks for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers


def _api() -> LambdaHandler:
    from functions.common.handler import api_handler
    from functions.track import routes

    return api_handler("track", routes.routers)


def _events() -> LambdaHandler:
    from functions.common.handler import job_handler
    from functions.track import owners

    return job_handler(
        "track", {"owner-lookups": owners.process_batch}, default_job="owner-lookups"
    )


__getattr__ = lazy_handlers(lambda_handler=_api, events_handler=_events)

"""Lambda entry points of the claim domain: the API and pages, the daily email job, and
the SES events consumer. Each is built when its Lambda asks for it (``lazy_handlers``)."""

from functions.claim import routes
from functions.common.handler import LambdaHandler, api_handler, lazy_handlers
from functions.common.handler import job_handler as make_job_handler  # not an entry point
from functions.common.observability import WITH_HTTP  # its routes call out over HTTP

routers = routes.routers
API_NEEDS = ("public_url",)  # claim pages link to themselves
JOB_NEEDS = ("public_url", "mail_from", "ses_configuration_set")  # the emails and their links


def _job() -> LambdaHandler:
    from functions.claim import emailjob

    return make_job_handler("claim", {"unclaimed-email": emailjob.unclaimed_email}, needs=JOB_NEEDS)


# SES bounce and complaint events, delivered by SQS (subscribed to the SES event topic).
def _events() -> LambdaHandler:
    from functions.claim import events

    return make_job_handler(
        "claim", {"email-events": events.email_events}, default_job="email-events"
    )


__getattr__ = lazy_handlers(
    lambda_handler=lambda: api_handler("claim", routers, needs=API_NEEDS, traced=WITH_HTTP),
    job_handler=_job,
    events_handler=_events,
)

"""Lambda entry points of the claim domain: the API and pages, the daily email job, and
the SES events consumer. Each is built, and what it serves imported, when its Lambda asks
for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers

API_NEEDS = ("public_url",)  # claim pages link to themselves
JOB_NEEDS = ("public_url", "mail_from", "ses_configuration_set")  # the emails and their links


def _api() -> LambdaHandler:
    from functions.claim import routes
    from functions.common.handler import api_handler
    from functions.common.observability import WITH_HTTP  # its routes call out over HTTP

    return api_handler("claim", routes.routers, needs=API_NEEDS, traced=WITH_HTTP)


def _job() -> LambdaHandler:
    from functions.claim import emailjob
    from functions.common.handler import job_handler

    return job_handler("claim", {"unclaimed-email": emailjob.unclaimed_email}, needs=JOB_NEEDS)


# SES bounce and complaint events, delivered by SQS (subscribed to the SES event topic);
# and an account's deletion, for claims' own tables.
def _events() -> LambdaHandler:
    from functions.claim import events, personal
    from functions.common import events as domain_events
    from functions.common.batches import each_body
    from functions.common.handler import job_handler

    return job_handler(
        "claim",
        {
            "email-events": events.email_events,
            domain_events.ACCOUNT_DELETED: each_body(
                lambda body: personal.erase(str(body["user_id"]))
            ),
        },
        default_job="email-events",
    )


__getattr__ = lazy_handlers(lambda_handler=_api, job_handler=_job, events_handler=_events)

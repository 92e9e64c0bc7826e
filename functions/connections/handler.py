"""Lambda entry points of the connections domain: the API, the polling job and the worker
that erases a deleted account's connections. Each is
built, and what it serves imported, when its Lambda asks for it
(``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers

# OAuth redirect URIs, sealed tokens, and the email telling someone a connection moved.
API_NEEDS = ("public_url", "token_key_id", "mail_from", "ses_configuration_set")
JOB_NEEDS = ("token_key_id",)


def _api() -> LambdaHandler:
    from functions.common.handler import api_handler
    from functions.common.observability import WITH_HTTP  # its routes call out over HTTP
    from functions.connections import routes

    return api_handler("connections", routes.routers, needs=API_NEEDS, traced=WITH_HTTP)


def _job() -> LambdaHandler:
    from functions.common.handler import job_handler
    from functions.connections import poller

    return job_handler(
        "connections", {"poll-connections": poller.poll_connections}, needs=JOB_NEEDS
    )


# An account's deletion: its connections' tokens revoked at the platforms, then deleted.
def _events() -> LambdaHandler:
    from functions.common import events
    from functions.common.batches import each_body
    from functions.common.handler import job_handler
    from functions.connections import personal

    return job_handler(
        "connections",
        {events.ACCOUNT_DELETED: each_body(lambda body: personal.erase(str(body["user_id"])))},
        needs=JOB_NEEDS,
    )


__getattr__ = lazy_handlers(lambda_handler=_api, job_handler=_job, events_handler=_events)

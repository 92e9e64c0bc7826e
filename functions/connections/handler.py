"""Lambda entry points of the connections domain: the API and the polling job. Each is
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


__getattr__ = lazy_handlers(lambda_handler=_api, job_handler=_job)

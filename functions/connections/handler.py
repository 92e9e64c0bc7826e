"""Lambda entry points of the connections domain: the API and the polling job. Each is
built when its Lambda asks for it (``lazy_handlers``)."""

from functions.common.handler import LambdaHandler, api_handler, lazy_handlers
from functions.common.handler import job_handler as make_job_handler  # not an entry point
from functions.common.observability import WITH_HTTP  # its routes call out over HTTP
from functions.connections import routes

routers = routes.routers
# OAuth redirect URIs, sealed tokens, and the email telling someone a connection moved.
API_NEEDS = ("public_url", "token_key_id", "mail_from", "ses_configuration_set")
JOB_NEEDS = ("token_key_id",)


def _job() -> LambdaHandler:
    from functions.connections import poller

    return make_job_handler(
        "connections", {"poll-connections": poller.poll_connections}, needs=JOB_NEEDS
    )


__getattr__ = lazy_handlers(
    lambda_handler=lambda: api_handler("connections", routers, needs=API_NEEDS, traced=WITH_HTTP),
    job_handler=_job,
)

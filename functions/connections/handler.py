"""Lambda entry points of the connections domain: the API and the polling job."""

from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler
from functions.connections import poller, routes

routers = routes.routers
# OAuth redirect URIs, sealed tokens, and the email telling someone a connection moved.
API_NEEDS = ("public_url", "token_key_id", "mail_from", "ses_configuration_set")
JOB_NEEDS = ("token_key_id",)
lambda_handler = api_handler("connections", routers, needs=API_NEEDS)
job_handler = make_job_handler(
    "connections", {"poll-connections": poller.poll_connections}, needs=JOB_NEEDS
)

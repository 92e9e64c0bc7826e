"""Lambda entry points of the connections domain: the API and the polling job."""

from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler
from functions.connections import poller, routes

routers = [routes.router]
lambda_handler = api_handler("connections", routers)
job_handler = make_job_handler("connections", {"poll-connections": poller.poll_connections})

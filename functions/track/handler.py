"""Lambda entry points of the track domain: attention, visits, flattrs, resolve; and the
worker that settles owner lookups (fed by the queue the API fills)."""

from functions.common.handler import api_handler
from functions.common.handler import job_handler as make_job_handler
from functions.track import owners, routes

routers = routes.routers
lambda_handler = api_handler("track", routers)
events_handler = make_job_handler(
    "track", {"owner-lookups": owners.process_batch}, default_job="owner-lookups"
)

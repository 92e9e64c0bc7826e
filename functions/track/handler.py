"""Lambda entry point of the track domain: attention, visits, flattrs, resolve."""

from functions.common.handler import api_handler
from functions.track import routes

routers = routes.routers
lambda_handler = api_handler("track", routers)

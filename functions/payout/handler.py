"""Lambda entry points of the payout domain: the profile API and the money jobs."""

from functions.common.handler import api_handler
from functions.payout import profile

routers = [profile.router]
lambda_handler = api_handler("payout", routers)

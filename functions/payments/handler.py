"""Lambda entry point of the payments domain: pay-ins and Stripe's webhook."""

from functions.common.handler import api_handler
from functions.payments import routes

routers = routes.routers
API_NEEDS = ("public_url", "stripe_secret_id")  # Checkout's return pages; Stripe's keys
lambda_handler = api_handler("payments", routers, needs=API_NEEDS)

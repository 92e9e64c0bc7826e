"""Lambda entry point of the account domain: a user's export and account deletion. The
one Lambda allowed to read and delete across every table holding a user's data."""

from functions.account import routes
from functions.common.handler import api_handler
from functions.common.observability import WITH_HTTP

routers = routes.routers
# Deletion removes the sign-in from the user pool and revokes connections' sealed tokens;
# money leaves through Stripe first.
API_NEEDS = ("user_pool_id", "token_key_id", "stripe_secret_id")
# Deleting an account revokes platform tokens and moves money at Stripe: HTTP calls.
lambda_handler = api_handler("account", routers, needs=API_NEEDS, traced=WITH_HTTP)

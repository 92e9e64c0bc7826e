"""Lambda entry point of the account domain: a user's export and account deletion. The
one Lambda allowed to read and delete across every table holding a user's data. Built,
and what it serves imported, when its Lambda asks for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers

# Deletion removes the sign-in from the user pool and revokes connections' sealed tokens;
# money leaves through Stripe first.
API_NEEDS = ("user_pool_id", "token_key_id", "stripe_secret_id")


def _api() -> LambdaHandler:
    from functions.account import routes
    from functions.common.handler import api_handler
    from functions.common.observability import WITH_HTTP  # revoking tokens, Stripe: HTTP

    return api_handler("account", routes.routers, needs=API_NEEDS, traced=WITH_HTTP)


__getattr__ = lazy_handlers(lambda_handler=_api)

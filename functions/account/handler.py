"""Lambda entry points of the account domain: a user's export and account deletion (the
API), and the worker that erases the records domains share once the account's money has
left (``account/deletion.py``). Each is built, and what it serves imported, when its Lambda
asks for it (``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers

# Deletion is queued for the payments worker (the account's money leaves first); the
# website's session is kept with the identity provider's token endpoints.
API_NEEDS = (
    "account_leaving_queue_url",
    "public_url",
    "jwt_client_id",
    "sign_in_token_url",
    "sign_in_revoke_url",
)


def _api() -> LambdaHandler:
    from functions.account import routes
    from functions.common.handler import api_handler
    from functions.common.observability import WITH_HTTP  # the session calls out over HTTP

    return api_handler("account", routes.routers, needs=API_NEEDS, traced=WITH_HTTP)


# ``account-deleted``: the shared records go, and last the sign-in from the user pool.
def _events() -> LambdaHandler:
    from functions.account import deletion
    from functions.common import events
    from functions.common.batches import each_body
    from functions.common.handler import job_handler

    return job_handler(
        "account", {events.ACCOUNT_DELETED: each_body(deletion.erase)}, needs=("user_pool_id",)
    )


__getattr__ = lazy_handlers(lambda_handler=_api, events_handler=_events)

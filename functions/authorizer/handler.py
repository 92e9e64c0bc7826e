"""Lambda entry point of the authorizer of the routes a browser extension may call
(``authorize.py``). Built, and what it serves imported, when its Lambda asks for it
(``common/entry.lazy_handlers``)."""

from functions.common.entry import LambdaHandler, lazy_handlers


def _authorizer() -> LambdaHandler:
    from functions.authorizer.authorize import authorize
    from functions.common.handler import plain_handler

    return plain_handler(authorize, needs=("jwt_issuer", "jwt_client_id"))


__getattr__ = lazy_handlers(lambda_handler=_authorizer)

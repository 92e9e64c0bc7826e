"""Stripe, through its official SDK: the client (pointed at ``STRIPE_API_URL``: Stripe's
own API in AWS, the local stack's fake Stripe locally) and its keys from Secrets Manager."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities import parameters

from functions.common.settings import settings

SECRET_CACHE_SECONDS = 300


def keys() -> dict[str, str]:
    """``{"secret_key", "webhook_secret"}``, as an operator stored them."""
    found: Any = parameters.get_secret(
        settings().stripe_secret_id, transform="json", max_age=SECRET_CACHE_SECONDS
    )
    return {"secret_key": str(found["secret_key"]), "webhook_secret": str(found["webhook_secret"])}


@cache
def _client(secret_key: str, api_url: str) -> Any:
    import stripe

    return stripe.StripeClient(secret_key, base_addresses={"api": api_url}, max_network_retries=2)


def client() -> Any:
    return _client(keys()["secret_key"], settings().stripe_api_url)


def construct_event(payload: bytes, signature: str) -> Any:
    """The verified event (``stripe.Webhook.construct_event``: signature and timestamp
    within 300 s); raises ``ValueError`` or ``stripe.SignatureVerificationError``."""
    import stripe

    return stripe.Webhook.construct_event(payload, signature, keys()["webhook_secret"])

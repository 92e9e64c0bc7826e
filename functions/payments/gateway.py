"""Stripe, through its official SDK: the client (pointed at ``STRIPE_API_URL``: Stripe's
own API in AWS, the local stack's fake Stripe locally) and its keys from Secrets Manager."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities import parameters

from functions.common.settings import settings

SECRET_CACHE_SECONDS = 300


def keys() -> dict[str, str]:
    """``{"secret_key", "webhook_secret", "connect_webhook_secret"?}``, as an operator stored
    them (Stripe signs Connect events, about connected accounts, with the second endpoint's
    secret when they go to an endpoint of their own)."""
    found: Any = parameters.get_secret(
        settings().stripe_secret_id, transform="json", max_age=SECRET_CACHE_SECONDS
    )
    return {name: str(value) for name, value in found.items() if isinstance(value, str)}


@cache
def _client(secret_key: str, api_url: str) -> Any:
    import stripe

    return stripe.StripeClient(secret_key, base_addresses={"api": api_url}, max_network_retries=2)


def client() -> Any:
    return _client(keys()["secret_key"], settings().stripe_api_url)


TOLERANCE_SECONDS = 300  # Stripe's default, both ways


def signed_at(signature: str) -> int | None:
    """The ``t=`` of a ``Stripe-Signature`` header (the first, as Stripe's SDK reads it)."""
    for part in signature.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            return int(value) if value.isascii() and value.isdigit() else None
    return None


def construct_event(payload: bytes, signature: str) -> Any:
    """The verified event (``stripe.Webhook.construct_event``: signature, and a timestamp
    no older than 300 s, by the platform's or the Connect endpoint's secret); raises
    ``ValueError`` or ``stripe.SignatureVerificationError``. The SDK refuses only old
    timestamps: one more than 300 s ahead of this machine's clock is refused here (a
    signature made for later is no fresher than one replayed). Stripe signs with its wall
    clock, so this is the wall clock too, not the service's."""
    import stripe

    stamp = signed_at(signature)
    if stamp is not None and stamp > time.time() + TOLERANCE_SECONDS:
        raise stripe.SignatureVerificationError(
            "Timestamp is in the future", signature, payload.decode("utf-8", "replace")
        )
    found = keys()
    secrets = [found["webhook_secret"], *filter(None, [found.get("connect_webhook_secret")])]
    for secret in secrets[:-1]:
        try:
            return stripe.Webhook.construct_event(payload, signature, secret, TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError:
            continue
    return stripe.Webhook.construct_event(payload, signature, secrets[-1], TOLERANCE_SECONDS)


def live() -> bool:
    """Whether this deployment uses Stripe's live mode (by its secret key): events from the
    other mode are refused."""
    return keys()["secret_key"].startswith(("sk_live_", "rk_live_"))

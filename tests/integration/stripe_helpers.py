"""The fake Stripe (``local/fake_stripe.py``) for tests in-process: the real SDK's HTTP
requests are routed to it with ``responses``, and its events come back signed to our real
webhook route, verified by the SDK's ``construct_event`` (never patched out); the worker
behind the queue takes each as the event source mapping would."""

from __future__ import annotations

from typing import Any

from functions.common.settings import settings
from local.fake_stripe import FakeStripe
from local.provision import read_secret
from local.queues import drain
from tests.conftest import Answer, call

API = "https://stripe.test"


def post_event(payload: bytes, signature: str) -> Answer:
    """What Stripe does with an event: a POST to our webhook, signed in its header."""
    return call(
        "POST",
        "/v1/payments/stripe/webhook",
        raw=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        user=None,
    )


class Stripe:
    """The fake, reachable by the SDK, delivering its events to our webhook."""

    def __init__(self) -> None:
        secret = read_secret(settings().stripe_secret_id)
        self.webhook_secret = secret["webhook_secret"]
        self.answers: list[Any] = []
        self.taken = 0
        self.fake = FakeStripe(f"{API}/_fake/stripe", self.webhook_secret, self.deliver)

    def deliver(self, payload: bytes, signature: str) -> None:
        self.answers.append(post_event(payload, signature))
        # The worker behind the queue, as the event source mapping (or the local pump) runs it.
        self.taken += drain(settings().stripe_events_queue_url, "payments", "events_handler")

    def route(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        path, _, query = request.path_url.partition("?")
        body = request.body or b""
        return self.fake.handle(
            request.method,
            path,
            query,
            dict(request.headers),
            body if isinstance(body, bytes) else body.encode(),
        )

    def pay(self, checkout_url: str, card: str = "succeeds") -> int:
        session = checkout_url.rsplit("/", 1)[1]
        status, _, _ = self.fake.handle(
            "POST", f"/_fake/stripe/pay/{session}", "", {}, f"card={card}".encode()
        )
        return status

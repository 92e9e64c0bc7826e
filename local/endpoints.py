"""The local stack's own endpoints (``/_local/...``): what AWS has in its console and the
CLI (users, the clock, jobs, the outbox), for demos and tests. Never deployed."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.stack import LocalStack

REGION = "eu-west-1"


class Refused(Exception):
    def __init__(self, status: int, slug: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail, self.field = status, slug, detail, field


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_endpoint(stack: LocalStack, method: str, path: str, body: bytes) -> dict[str, Any]:
    """The answer (200) of a local endpoint, or ``Refused``."""
    if method == "GET":
        return _read(stack, path)
    if method != "POST":
        raise Refused(404, "not-found", "no such local endpoint")
    payload = _object(body)
    if path == "/_local/users":
        return _sign_in(stack, payload)
    if path == "/_local/clock":
        return _move_clock(stack, payload)
    if path == "/_local/balance":
        return _pay_in(payload)
    if path.startswith("/_local/jobs/"):
        return _run_job(stack, path.removeprefix("/_local/jobs/"), payload)
    if path == "/_local/dns":
        return _publish_txt(stack, payload)
    if path == "/_local/pages":
        return _publish_page(stack, payload)
    raise Refused(404, "not-found", "no such local endpoint")


def _read(stack: LocalStack, path: str) -> dict[str, Any]:
    from functions.common import clock

    if path == "/_local/idp/.well-known/jwks.json":
        return dict(stack.idp.jwks())
    if path == "/_local/outbox":
        from local.outbox import messages

        return {"items": messages(region=REGION)}
    if path == "/_local/emulator":
        # Where operator tools (``flattr --local ledger check``) find the emulator.
        return {
            "aws_endpoint_url": os.environ["AWS_ENDPOINT_URL"],
            "table_prefix": os.environ["TABLE_PREFIX"],
            "region": REGION,
            "stripe_api_url": os.environ["STRIPE_API_URL"],  # its fake Stripe
        }
    if path == "/_local/clock":
        return {"now": iso(clock.now())}
    if path == "/_local/dns":
        return {"txt": stack.nameserver.records}
    if path == "/_local/fakes":
        # The stand-ins: each platform's consent page asks only for a ``login``; its
        # ``control`` routes act as its users (``likes``, ``profile``, ``revoke``).
        return {
            "platforms": {
                name: {
                    "display": fake.display,
                    "url": fake.base_url,
                    "control": f"{fake.base_url}/_control",
                }
                for name, fake in stack.fakes.items()
            },
            # Servers of many-server platforms a person types on the creator page.
            "servers": {
                host: name
                for name, fake in stack.fakes.items()
                for host in fake.servers_at(stack.url)
            },
            "stripe": f"{stack.url}/_fake/stripe",
        }
    raise Refused(404, "not-found", "no such local endpoint")


def _object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError) as error:
        raise Refused(400, "invalid-request", "body: is not valid JSON", "body") from error
    if not isinstance(payload, dict):
        raise Refused(422, "validation-error", "body: must be an object", "body")
    return payload


def _sign_in(stack: LocalStack, payload: dict[str, Any]) -> dict[str, Any]:
    email = payload.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise Refused(422, "validation-error", "email: an email address is required", "email")
    identity = stack.idp.sign_up_or_in(email.strip().lower())
    return {"user_id": identity.user_id, "token": stack.idp.issue(identity)}


def _publish_txt(stack: LocalStack, payload: dict[str, Any]) -> dict[str, Any]:
    """A TXT record on the stack's DNS server (``{"name", "txt"}``), as a person would
    add one at their DNS host to verify a domain."""
    name, text = payload.get("name"), payload.get("txt")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,253}", name.strip()):
        raise Refused(422, "validation-error", "name: a DNS name, like _flattr.example.org", "name")
    if not isinstance(text, str) or not 0 < len(text) <= 255 or '"' in text:
        raise Refused(422, "validation-error", "txt: 1 to 255 characters, no quotes", "txt")
    return {"name": name.strip().lower(), "txt": stack.nameserver.publish(name, text)}


def _publish_page(stack: LocalStack, payload: dict[str, Any]) -> dict[str, Any]:
    """A page on the stack's own web (``{"url", "html"}``), as a person would publish one on
    their site: the stack's fetches (a domain's meta tag, a page's declared author) read it."""
    url, page = payload.get("url"), payload.get("html")
    if not isinstance(page, str) or len(page) > 256 * 1024:
        raise Refused(422, "validation-error", "html: the page, at most 256 KB", "html")
    try:
        return {"url": stack.web.publish(str(url or ""), page)}
    except ValueError as error:
        raise Refused(422, "validation-error", str(error), "url") from error


def _run_job(stack: LocalStack, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    from functions.deployment import JOBS

    job = next((j for j in JOBS if j.name == name), None)
    if job is None:
        raise Refused(404, "not-found", f"no job named {name!r}")
    return {"ok": True, **stack.run_job(job, {**payload, "job": name})}


def _move_clock(stack: LocalStack, payload: dict[str, Any]) -> dict[str, Any]:
    from functions.common import clock

    try:
        if "now" in payload:
            when = datetime.fromisoformat(str(payload["now"]).replace("Z", "+00:00"))
            clock.move_to(when)
        elif "advance_seconds" in payload:
            seconds = payload["advance_seconds"]
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise ValueError("advance_seconds must be a number")
            clock.advance(float(seconds))
        else:
            raise ValueError("give now or advance_seconds")
    except ValueError as error:
        field = "now" if "now" in payload else "advance_seconds"
        raise Refused(422, "validation-error", f"{field}: {error}", field) from error
    fired = stack.scheduler.fire_due()
    settled = stack.fake_stripe.settle_due()  # SEPA debits whose days have passed
    return {
        "now": iso(clock.now()),
        "jobs_fired": [name for name, _ in fired],
        "stripe_settled": settled,
    }


def _pay_in(payload: dict[str, Any]) -> dict[str, Any]:
    from pydantic import ValidationError

    from functions.common.money import Money, money
    from functions.core import ledger, users

    user_id = payload.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        raise Refused(422, "validation-error", "user_id: is required", "user_id")
    try:
        paid = Money.model_validate(payload.get("amount"))
    except ValidationError as error:
        raise Refused(422, "validation-error", "amount: must be money", "amount") from error
    currency = users.currency_of(user_id)  # a payment is in the contributor's currency
    if paid.currency not in (None, currency):
        raise Refused(422, "validation-error", f"amount: must be {currency}", "amount.currency")
    if paid.micros <= 0:
        raise Refused(422, "validation-error", "amount: must be positive", "amount")
    ledger.pay_in(user_id, paid.micros, str(uuid.uuid4()), currency)
    balance = ledger.balance(ledger.contributor_account(user_id, currency))
    return {"user_id": user_id, "balance": money(balance, currency)}

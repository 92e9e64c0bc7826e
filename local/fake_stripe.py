"""A local stand-in for Stripe: exactly the parts we call, in Stripe's shapes, so the real
SDK runs against it (``STRIPE_API_URL``). Served by the local stack under ``/_fake/stripe``;
tests in-process route the SDK's requests to ``FakeStripe.handle`` with ``responses``.

- ``POST /v1/checkout/sessions`` and a small hosted page (``/pay/<session>``) where a test
  card is chosen: it succeeds, is declined, or needs the holder to authenticate;
- ``GET /v1/payment_intents/<id>`` with its latest charge and balance transaction (the fee:
  1.5 % + 0.25 for cards, as Stripe's European card pricing in euros);
- ``Idempotency-Key`` as Stripe honours it: the same key and body answer the same, the same
  key with another body is an ``idempotency_error``;
- events, delivered signed with Stripe's scheme (``t=…,v1=HMAC-SHA256("t.payload")``) to
  our webhook; ``/_control/hold`` queues them instead (a delay), ``/_control/release``
  delivers the queue (in order, or reversed), ``/_control/drop`` loses it,
  ``/_control/redeliver`` sends one again.

- SEPA debits: processing for three days of the stack's clock, then succeeding or failing
  (``settle_due``, called when the stack's clock moves);

- refunds of succeeded payments, at most what is left of each;

- disputes, opened and closed (won or lost) by ``/_control/dispute`` and
  ``/_control/close_dispute``, with Stripe's events and its dispute fee;

- Connect (``local/fake_connect.py``): Express accounts, account links and their
  onboarding page, transfers and reversals;

- balance transactions: every charge, refund, dispute and transfer moves the platform's
  balance by one, listed as Stripe lists them (``GET /v1/balance_transactions``).

- saved payment methods (``local/fake_recurring.py``): customers, Checkout in setup mode
  with its page, setup intents, detaching, and off-session payment intents.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from functions.common import clock
from local.fake_connect import ConnectFake
from local.fake_recurring import RecurringFake, radio_choices

Answer = tuple[int, dict[str, str], bytes]
Deliver = Callable[[bytes, str], None]
PREFIX = "/_fake/stripe"
REUSED_KEY = "Keys for idempotent requests can only be used with the same parameters"
HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay (local Stripe)'
    '</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
)
CARDS = {
    "succeeds": "4242 4242 4242 4242: succeeds",
    "declined": "4000 0000 0000 0002: declined",
    "authenticate": "4000 0027 6000 3184: needs authentication",
}
SEPA = {
    "sepa_succeeds": "DE89 3704 0044 0532 0130 00: the debit succeeds after 3 days",
    "sepa_fails": "DE62 3704 0044 0532 0130 01: the debit fails after 3 days",
}
SEPA_DAYS = 3
SEPA_FEE_CENTS = 35
DISPUTE_FEE_CENTS = 1500


def card_fee(cents: int) -> int:
    return round(cents * 15 / 1000) + 25


def sign(payload: bytes, secret: str, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=1``) as nested dicts (lists as index keys)."""
    root: dict[str, Any] = {}
    for key, value in form:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return root


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


@dataclass
class FakeStripe(ConnectFake, RecurringFake):
    base_url: str  # where the hosted pages are: ``<stack>/_fake/stripe``
    webhook_secret: str
    deliver: Deliver
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    setup_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: dict[str, dict[str, Any]] = field(default_factory=dict)
    destination_payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    balance_transactions: list[dict[str, Any]] = field(default_factory=list)
    failing_transfers: bool = False
    holding: bool = False
    idempotency: dict[str, tuple[str, Answer]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    lock: threading.RLock = field(default_factory=threading.RLock)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        route = path.removeprefix(PREFIX)
        with self.lock:
            self.requests.append((method, route))
            if route.startswith("/v1/"):
                return self._api(method, route, query, headers, body)
            if route.startswith("/connect/"):
                return self._onboarding(method, route.removeprefix("/connect/"))
            if route.startswith("/pay/"):
                session = route.removeprefix("/pay/")
                if method == "GET":
                    return self._page(session)
                return self._pay(session, dict(parse_qsl(body.decode())))
            if route.startswith("/_control/") and method == "POST":
                return self._control(route.removeprefix("/_control/"), json.loads(body or b"{}"))
            if route == "/_control/events":
                return _json(200, {"items": list(self.events.values())})
        return _json(404, {"error": {"type": "invalid_request_error", "message": "no such route"}})

    # ------------------------------------------------------------------ the API

    def _api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        key = {k.lower(): v for k, v in headers.items()}.get("idempotency-key")
        if method == "POST" and key:
            fingerprint = hashlib.sha256(route.encode() + body).hexdigest()
            if key in self.idempotency:
                seen, answer = self.idempotency[key]
                if seen != fingerprint:
                    return _json(
                        400,
                        {
                            "error": {
                                "type": "idempotency_error",
                                "message": REUSED_KEY,
                            }
                        },
                    )
                return answer
            answer = self._route(method, route, body)
            self.idempotency[key] = (fingerprint, answer)
            return answer
        return self._route(method, route, body if method == "POST" else query.encode())

    def _route(self, method: str, route: str, body: bytes) -> Answer:
        """``body``: the form of a POST, the query of a GET (both Stripe's encoding)."""
        params = nested(parse_qsl(body.decode()))
        for part in (self._connect, self._recurring):
            answer = part(method, route, params)
            if answer is not None:
                return answer
        if method == "GET" and route == "/v1/balance_transactions":
            return self._list_balance(params)
        if method == "GET" and route.startswith(("/v1/refunds/", "/v1/disputes/")):
            name, _, wanted = route.removeprefix("/v1/").partition("/")
            pool = self.refunds if name == "refunds" else list(self.disputes.values())
            found = next((x for x in pool if x["id"] == wanted), None)
            missing = {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            return _json(200, found) if found else _json(404, missing)
        if method == "POST" and route == "/v1/checkout/sessions":
            return _json(200, self._new_session(nested(parse_qsl(body.decode()))))
        if method == "GET" and route.startswith("/v1/payment_intents/"):
            found = self.intents.get(route.removeprefix("/v1/payment_intents/"))
            if found is None:
                return _json(
                    404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
                )
            return _json(200, found)
        if method == "POST" and route == "/v1/refunds":
            return self._refund(nested(parse_qsl(body.decode())))
        if method == "GET" and route.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(route.removeprefix("/v1/checkout/sessions/"))
            return (
                _json(200, session)
                if session
                else _json(404, {"error": {"type": "invalid_request_error"}})
            )
        return _json(404, {"error": {"type": "invalid_request_error", "message": "not faked"}})

    def _refund(self, params: dict[str, Any]) -> Answer:
        """A refund of a succeeded payment, at most what is left of it (Stripe's rule)."""
        intent = self.intents.get(str(params.get("payment_intent")))
        amount = int(params.get("amount", 0))
        if intent is None or intent["status"] != "succeeded":
            return _json(
                400, {"error": {"type": "invalid_request_error", "code": "charge_not_refundable"}}
            )
        left = int(intent["amount"]) - int(intent.get("_refunded", 0))
        if not 0 < amount <= left:
            return _json(
                400, {"error": {"type": "invalid_request_error", "code": "amount_too_large"}}
            )
        intent["_refunded"] = int(intent.get("_refunded", 0)) + amount
        refund = {
            "id": self._id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        }
        self.refunds.append(refund)
        refund["balance_transaction"] = self._balance_transaction(
            "refund", refund["id"], -amount, currency=intent["currency"]
        )
        return _json(200, refund)

    def _new_session(self, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("line_items", {})
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
            for item in items.values()
        )
        session_id = self._id("cs")
        currencies = {str(item["price_data"]["currency"]) for item in items.values()}
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode", "payment"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "payment_method_types": list(
                params.get("payment_method_types", {"0": "card"}).values()
            ),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.base_url}/pay/{session_id}",
            "_intent_metadata": params.get("payment_intent_data", {}).get("metadata", {}),
            "_setup_metadata": params.get("setup_intent_data", {}).get("metadata", {}),
            "customer": params.get("customer"),
            "setup_intent": None,
        }
        self.sessions[session_id] = session
        return {k: v for k, v in session.items() if not k.startswith("_")}

    # ------------------------------------------------------------------ the hosted page

    def _page(self, session_id: str, note: str = "") -> Answer:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>No such session</h1>"
        if session["mode"] == "setup":
            return self._setup_page(session)
        amount = f"{session['amount_total'] / 100:.2f}"
        sepa = "sepa_debit" in session["payment_method_types"]
        choices = radio_choices(SEPA if sepa else CARDS)
        alert = f"<p role=alert>{html.escape(note)}</p>" if note else ""
        cancel = html.escape(session["cancel_url"] or "/")
        page = (
            f"{HEAD}<body><main><h1>Pay {str(session['currency']).upper()} {amount} "
            f"(local Stripe)</h1>{alert}"
            f'<form method="post"><fieldset><legend>{"Test account" if sepa else "Test card"}'
            f"</legend>{choices}</fieldset>"
            '<button type="submit">Pay</button></form>'
            f'<p><a href="{cancel}">Cancel</a></p></main></body></html>'
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def _pay(self, session_id: str, form: dict[str, str]) -> Answer:
        session = self.sessions.get(session_id)
        if session is None or session["status"] != "open":
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>No open session</h1>"
        card = form.get("card", "succeeds")
        if session["mode"] == "setup":
            return self._setup_save(session, card)
        intent = self._intent(session, card)
        session["payment_intent"] = intent["id"]
        if card in SEPA:
            # A mandate is given; the debit is processing for days (of the stack's clock).
            intent["_settles_at"] = clock.now().timestamp() + SEPA_DAYS * 86_400
            intent["_outcome"] = "succeeded" if card == "sepa_succeeds" else "failed"
            session.update(status="complete", payment_status="unpaid")
            self._event("checkout.session.completed", session)
            self._event("payment_intent.processing", intent)
            return 303, {"Location": str(session["success_url"])}, b""
        if card == "succeeds":
            session.update(status="complete", payment_status="paid")
            self._event("checkout.session.completed", session)
            self._event("payment_intent.succeeded", intent)
            return 303, {"Location": str(session["success_url"])}, b""
        if card == "declined":
            self._event("payment_intent.payment_failed", intent)
            return self._page(session_id, "Your card was declined.")
        self._event("payment_intent.requires_action", intent)
        return self._page(session_id, "Your bank asks you to authenticate this payment.")

    def _charge(self, amount: int, fee: int, currency: str) -> dict[str, Any]:
        charge_id = self._id("ch")
        txn = self._balance_transaction("charge", charge_id, amount, fee, currency)
        return {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "currency": currency,
            "paid": True,
            "balance_transaction": next(t for t in self.balance_transactions if t["id"] == txn),
        }

    def _balance_transaction(
        self, kind: str, source: str, amount: int, fee: int = 0, currency: str = ""
    ) -> str:
        """One movement of the platform's Stripe balance (of ``currency``: Stripe keeps one
        balance per currency), as Stripe records it."""
        txn = {
            "id": self._id("txn"),
            "object": "balance_transaction",
            "type": kind,
            "source": source,
            "amount": amount,
            "fee": fee,
            "net": amount - fee,
            "currency": currency,
            "created": int(clock.now().timestamp()),
        }
        self.balance_transactions.append(txn)
        return str(txn["id"])

    def _list_balance(self, params: dict[str, Any]) -> Answer:
        """Newest first, as Stripe lists; ``created[gte]``, ``limit``, ``starting_after``."""
        since = int((params.get("created") or {}).get("gte", 0))
        found = [t for t in reversed(self.balance_transactions) if int(t["created"]) >= since]
        after = params.get("starting_after")
        if after:
            ids = [t["id"] for t in found]
            found = found[ids.index(after) + 1 :] if after in ids else []
        limit = int(params.get("limit", 10))
        page = {"object": "list", "data": found[:limit], "has_more": len(found) > limit}
        return _json(200, page)

    def _intent(self, session: dict[str, Any], card: str) -> dict[str, Any]:
        status = {
            "succeeds": "succeeded",
            "declined": "requires_payment_method",
            "sepa_succeeds": "processing",
            "sepa_fails": "processing",
        }.get(card, "requires_action")
        amount, currency = int(session["amount_total"]), str(session["currency"])
        fee = card_fee(amount)
        charge = self._charge(amount, fee, currency) if status == "succeeded" else None
        intent = {
            "id": session.get("payment_intent") or self._id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": status,
            "metadata": session["_intent_metadata"],
            "latest_charge": charge,
        }
        self.intents[intent["id"]] = intent
        return intent

    def settle_due(self) -> list[str]:
        """SEPA debits whose days have passed (by the stack's clock) succeed or fail now,
        with the events Stripe sends then. Answers the PaymentIntents settled."""
        settled = []
        with self.lock:
            for intent in list(self.intents.values()):
                due = intent.get("_settles_at")
                if intent["status"] != "processing" or due is None:
                    continue
                if clock.now().timestamp() < due:
                    continue
                # Off-session debits (monthly top-ups) have no Checkout Session.
                session = next(
                    (s for s in self.sessions.values() if s["payment_intent"] == intent["id"]),
                    None,
                )
                if intent["_outcome"] == "succeeded":
                    charge = self._charge(
                        int(intent["amount"]), SEPA_FEE_CENTS, str(intent["currency"])
                    )
                    intent.update(status="succeeded", latest_charge=charge)
                    if session is not None:
                        session["payment_status"] = "paid"
                        self._event("checkout.session.async_payment_succeeded", session)
                    self._event("payment_intent.succeeded", intent)
                else:
                    intent.update(status="requires_payment_method")
                    if session is not None:
                        self._event("checkout.session.async_payment_failed", session)
                    self._event("payment_intent.payment_failed", intent)
                settled.append(str(intent["id"]))
        return settled

    # ------------------------------------------------------------------ events

    def _event(self, kind: str, thing: dict[str, Any], account: str | None = None) -> None:
        """An event; ``account``: a Connect event about that connected account."""
        event_id = self._id("evt")
        event: dict[str, Any] = {
            **({"account": account} if account else {}),
            "id": event_id,
            "object": "event",
            "type": kind,
            "livemode": False,
            "created": int(time.time()),
            # A snapshot: later changes to the object are not in the event.
            "data": {
                "object": json.loads(
                    json.dumps({k: v for k, v in thing.items() if not k.startswith("_")})
                )
            },
        }
        self.events[event_id] = event
        if self.holding:
            self.held.append(event_id)
        else:
            self._send(event_id)

    def _send(self, event_id: str) -> None:
        payload = json.dumps(self.events[event_id]).encode()
        self.deliver(payload, sign(payload, self.webhook_secret))

    def _control(self, action: str, body: dict[str, Any]) -> Answer:
        if action == "hold":
            self.holding = bool(body.get("hold", True))
            return _json(200, {"holding": self.holding})
        if action == "drop":  # held events are lost: Stripe's retries never reach us
            dropped, self.held = self.held, []
            return _json(200, {"dropped": dropped})
        if action == "release":
            queued, self.held = self.held, []
            for event_id in reversed(queued) if body.get("order") == "reversed" else queued:
                self._send(event_id)
            return _json(200, {"delivered": queued})
        if action == "dispute":  # the card holder's bank disputes a payment
            intent = self.intents[str(body["payment_intent"])]
            dispute = {
                "id": self._id("dp"),
                "object": "dispute",
                "amount": int(body.get("amount", intent["amount"])),
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": "needs_response",
            }
            self.disputes[dispute["id"]] = dispute
            # Stripe takes the disputed amount and its fee from the balance at once; the
            # dispute lists its balance transactions.
            self._balance_transaction(
                "adjustment",
                dispute["id"],
                -int(dispute["amount"]),
                DISPUTE_FEE_CENTS,
                dispute["currency"],
            )
            dispute["balance_transactions"] = [self.balance_transactions[-1]]
            self._event("charge.dispute.created", dispute)
            return _json(200, dispute)
        if action == "close_dispute":  # the bank decides: "won" or "lost"
            dispute = self.disputes[str(body["dispute"])]
            dispute["status"] = str(body["status"])
            if dispute["status"] == "won":  # the amount comes back; the fee does not
                self._balance_transaction(
                    "adjustment", dispute["id"], int(dispute["amount"]), 0, dispute["currency"]
                )
                dispute["balance_transactions"].append(self.balance_transactions[-1])
            self._event("charge.dispute.closed", dispute)
            return _json(200, dispute)
        connect = self._connect_control(action, body)
        if connect is not None:
            return connect
        if action == "redeliver":
            self._send(str(body["event"]))
            return _json(200, {"delivered": [body["event"]]})
        return _json(404, {"error": "no such control"})

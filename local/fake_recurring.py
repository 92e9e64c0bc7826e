"""The fake Stripe's saved payment methods: customers, Checkout in setup mode (a small page
where a test card or SEPA account is saved), setup intents, payment methods and their
detaching, and payment intents confirmed off-session with a saved method, in Stripe's shapes.

A saved test card keeps how it behaves later, off-session: it is charged, or the bank wants
its holder (``authentication_required``), or it has expired (``expired_card``); both are
Stripe's 402 ``card_error`` carrying the PaymentIntent, left in ``requires_payment_method``.
A saved SEPA mandate debits after three days of the stack's clock, as one-off debits do.
"""

from __future__ import annotations

import html
import json
from typing import Any

from functions.common import clock

Answer = tuple[int, dict[str, str], bytes]
PAGE = {"Content-Type": "text/html; charset=utf-8"}
SAVED_CARDS = {
    "succeeds": "4242 4242 4242 4242: charged later without you",
    "authenticate": "4000 0027 6000 3184: your bank asks you each time",
    "expired": "4000 0000 0000 0069: expires before the next charge",
}
SAVED_SEPA = {
    "sepa_succeeds": "DE89 3704 0044 0532 0130 00: debits succeed",
    "sepa_fails": "DE62 3704 0044 0532 0130 01: debits fail",
}
CARD_ERRORS = {"authenticate": "authentication_required", "expired": "expired_card"}


def radio_choices(options: dict[str, str]) -> str:
    """The hosted pages' test cards or accounts, the first one chosen."""
    return "".join(
        f'<p><label><input type="radio" name="card" value="{k}"'
        f"{' checked' if i == 0 else ''}> {html.escape(label)}</label></p>"
        for i, (k, label) in enumerate(options.items())
    )


def _ok(body: Any) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _missing() -> Answer:
    body = {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
    return 404, {"Content-Type": "application/json"}, json.dumps(body).encode()


class RecurringFake:
    """Mixed into ``FakeStripe``: it provides the state and its helpers."""

    sessions: dict[str, dict[str, Any]]
    intents: dict[str, dict[str, Any]]
    customers: dict[str, dict[str, Any]]
    setup_intents: dict[str, dict[str, Any]]
    payment_methods: dict[str, dict[str, Any]]

    def _id(self, prefix: str) -> str:
        raise NotImplementedError

    def _event(self, kind: str, thing: dict[str, Any], account: str | None = None) -> None:
        raise NotImplementedError

    def _charge(self, amount: int, fee: int, currency: str) -> dict[str, Any]:
        raise NotImplementedError

    # ------------------------------------------------------------------ the API

    def _recurring(self, method: str, route: str, params: dict[str, Any]) -> Answer | None:
        if method == "POST" and route == "/v1/customers":
            customer_id = self._id("cus")
            customer: dict[str, Any] = {"id": customer_id, "object": "customer"}
            customer["metadata"] = params.get("metadata", {})
            self.customers[customer_id] = customer
            return _ok(customer)
        if method == "DELETE" and route.startswith("/v1/customers/"):
            gone = self.customers.pop(route.removeprefix("/v1/customers/"), None)
            if gone is None:
                return _missing()
            for kept in self.payment_methods.values():
                if kept["customer"] == gone["id"]:
                    kept["customer"] = None
            return _ok({"id": gone["id"], "object": "customer", "deleted": True})
        if method == "GET" and route.startswith("/v1/setup_intents/"):
            setup = self.setup_intents.get(route.removeprefix("/v1/setup_intents/"))
            return _ok(setup) if setup else _missing()
        if method == "GET" and route.startswith("/v1/payment_methods/"):
            saved = self.payment_methods.get(route.removeprefix("/v1/payment_methods/"))
            return _ok(_public(saved)) if saved else _missing()
        if method == "POST" and route.endswith("/detach") and "/payment_methods/" in route:
            detached = self.payment_methods.get(route.split("/")[3])
            if detached is None:
                return _missing()
            detached["customer"] = None
            return _ok(_public(detached))
        if method == "POST" and route == "/v1/payment_intents":
            return self._off_session(params)
        if method == "GET" and route == "/v1/payment_intents":
            mine = [
                _public(i)
                for i in reversed(list(self.intents.values()))
                if i.get("customer") and i.get("customer") == params.get("customer")
            ]
            limit = int(params.get("limit", 10))
            return _ok({"object": "list", "data": mine[:limit], "has_more": len(mine) > limit})
        return None

    def _off_session(self, params: dict[str, Any]) -> Answer:
        saved = self.payment_methods.get(str(params.get("payment_method")))
        if saved is None or saved["customer"] != params.get("customer"):
            return _missing()
        amount = int(params["amount"])
        intent: dict[str, Any] = {
            "id": self._id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "currency": str(params["currency"]),
            "customer": saved["customer"],
            "payment_method": saved["id"],
            "metadata": params.get("metadata", {}),
            "latest_charge": None,
            "status": "processing",
        }
        self.intents[intent["id"]] = intent
        behaviour = saved["_behaviour"]
        if behaviour in SAVED_SEPA:
            intent["_settles_at"] = clock.now().timestamp() + 3 * 86_400
            intent["_outcome"] = "succeeded" if behaviour == "sepa_succeeds" else "failed"
            self._event("payment_intent.processing", intent)
            return _ok(_public(intent))
        if behaviour in CARD_ERRORS:
            intent["status"] = "requires_payment_method"
            self._event("payment_intent.payment_failed", intent)
            error = {
                "type": "card_error",
                "code": CARD_ERRORS[behaviour],
                "message": "The card needs its holder"
                if behaviour == "authenticate"
                else "Expired",
                "payment_intent": _public(intent),
            }
            return 402, {"Content-Type": "application/json"}, json.dumps({"error": error}).encode()
        from local.fake_stripe import card_fee

        charge = self._charge(amount, card_fee(amount), intent["currency"])
        intent.update(status="succeeded", latest_charge=charge)
        self._event("payment_intent.succeeded", intent)
        return _ok(_public(intent))

    # ------------------------------------------------------------------ the hosted page

    def _setup_page(self, session: dict[str, Any]) -> Answer:
        sepa = "sepa_debit" in session["payment_method_types"]
        choices = radio_choices(SAVED_SEPA if sepa else SAVED_CARDS)
        cancel = html.escape(session["cancel_url"] or "/")
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Save a payment method (local Stripe)</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            "<body><main><h1>Save a payment method for monthly top-ups (local Stripe)</h1>"
            f'<form method="post"><fieldset><legend>{"Test account" if sepa else "Test card"}'
            f"</legend>{choices}</fieldset>"
            '<button type="submit">Save</button></form>'
            f'<p><a href="{cancel}">Cancel</a></p></main></body></html>'
        )
        return 200, PAGE, page.encode()

    def _setup_save(self, session: dict[str, Any], choice: str) -> Answer:
        sepa = choice in SAVED_SEPA
        kind = "sepa_debit" if sepa else "card"
        saved_id = self._id("pm")
        saved = {
            "id": saved_id,
            "object": "payment_method",
            "type": kind,
            "customer": session.get("customer"),
            kind: {"last4": "3000" if sepa else "4242"},
            "_behaviour": choice if choice in SAVED_SEPA or choice in SAVED_CARDS else "succeeds",
        }
        self.payment_methods[saved_id] = saved
        setup_id = self._id("seti")
        setup = {
            "id": setup_id,
            "object": "setup_intent",
            "status": "succeeded",
            "customer": session.get("customer"),
            "payment_method": saved_id,
            "metadata": session.get("_setup_metadata", {}),
        }
        self.setup_intents[setup_id] = setup
        session.update(status="complete", setup_intent=setup_id)
        self._event("setup_intent.succeeded", setup)
        self._event("checkout.session.completed", session)
        return 303, {"Location": str(session["success_url"])}, b""


def _public(thing: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in thing.items() if not k.startswith("_")}

"""The fake Stripe's Connect part: Express accounts, account links with a small onboarding
page, and transfers from the platform balance (with reversals), in Stripe's shapes.

- ``POST /v1/accounts`` (Express, transfers capability asked), ``GET /v1/accounts/<id>``;
- ``POST /v1/account_links``: a single-use link to ``/connect/<link>``, where the creator
  "submits their details"; a used or expired link sends them to ``refresh_url``;
- ``POST /v1/transfers`` (refused to an account that is not enabled, was deauthorized, or
  while ``/_control/fail_transfers`` is on), ``GET /v1/transfers?transfer_group=``; a
  transfer in another currency than the account's (its country's) is converted at a fixed
  made-up rate, and its ``destination_payment`` (``GET /v1/charges/<py_…>`` with the
  account's ``Stripe-Account``, ``expand[]=balance_transaction``) says the rate, as
  Stripe's does;
- controls: ``deauthorize`` (the creator disconnects the platform in their Stripe
  dashboard), ``reverse_transfer`` (an operator takes a transfer back), ``fail_transfers``.

Events as Stripe sends Connect events: ``account.updated`` and
``account.application.deauthorized`` with the connected account's id in ``account``.
"""

from __future__ import annotations

import html
import json
import time
from fractions import Fraction
from typing import Any

Answer = tuple[int, dict[str, str], bytes]
LINK_SECONDS = 300
DUE = ["individual.first_name", "individual.last_name", "external_account", "tos_acceptance.date"]
PAGE = {"Content-Type": "text/html; charset=utf-8"}
# Made-up rates, per euro (a fake's: the real ones are Stripe's), and where people pay in what.
PER_EURO = {
    "eur": Fraction(1),
    "usd": Fraction(108, 100),
    "gbp": Fraction(85, 100),
    "sek": Fraction(1150, 100),
    "chf": Fraction(95, 100),
}
COUNTRY_CURRENCY = {"US": "usd", "GB": "gbp", "SE": "sek", "CH": "chf"}


def _error(status: int, code: str, message: str, kind: str = "invalid_request_error") -> Answer:
    body = {"error": {"type": kind, "code": code, "message": message}}
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _ok(body: Any) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


class ConnectFake:
    """Mixed into ``FakeStripe``: it provides the state and ``_id``/``_event``."""

    base_url: str
    accounts: dict[str, dict[str, Any]]
    links: dict[str, dict[str, Any]]
    transfers: dict[str, dict[str, Any]]
    failing_transfers: bool
    destination_payments: dict[str, dict[str, Any]]

    def _id(self, prefix: str) -> str:
        raise NotImplementedError

    def _event(self, kind: str, thing: dict[str, Any], account: str | None = None) -> None:
        raise NotImplementedError

    def _balance_transaction(
        self, kind: str, source: str, amount: int, fee: int = 0, currency: str = ""
    ) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------------ the API

    def _connect(self, method: str, route: str, params: dict[str, Any]) -> Answer | None:
        if method == "POST" and route == "/v1/accounts":
            return _ok(self._new_account(params))
        if method == "GET" and route.startswith("/v1/accounts/"):
            found = self.accounts.get(route.removeprefix("/v1/accounts/"))
            if found is None or found["_deauthorized"]:
                # A platform loses access to an account that deauthorized it.
                return _error(403, "account_invalid", "no access to this account", "permission")
            return _ok(_public(found))
        if method == "POST" and route == "/v1/account_links":
            return self._new_link(params)
        if method == "POST" and route == "/v1/transfers":
            return self._transfer(params)
        if method == "GET" and route.startswith("/v1/charges/py_"):
            found = self.destination_payments.get(route.removeprefix("/v1/charges/"))
            return _ok(found) if found else _error(404, "resource_missing", "No such charge")
        if method == "GET" and route == "/v1/transfers":
            group = params.get("transfer_group")
            listed = [t for t in self.transfers.values() if t["transfer_group"] == group]
            return _ok({"object": "list", "data": listed, "has_more": False})
        return None

    def _new_account(self, params: dict[str, Any]) -> dict[str, Any]:
        account = {
            "id": self._id("acct"),
            "object": "account",
            "type": params.get("type", "express"),
            "country": params.get("country", "DE"),
            "default_currency": COUNTRY_CURRENCY.get(str(params.get("country", "DE")), "eur"),
            "details_submitted": False,
            "payouts_enabled": False,
            "charges_enabled": False,
            "capabilities": {"transfers": "inactive"},
            "requirements": {
                "currently_due": list(DUE),
                "disabled_reason": "requirements.past_due",
            },
            "metadata": params.get("metadata", {}),
            "_deauthorized": False,
        }
        self.accounts[account["id"]] = account
        return _public(account)

    def _new_link(self, params: dict[str, Any]) -> Answer:
        account = self.accounts.get(str(params.get("account")))
        if account is None:
            return _error(400, "resource_missing", "No such account")
        for name in ("refresh_url", "return_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                return _error(400, "parameter_invalid", f"{name} must be a URL")
        link_id = self._id("link")
        created = int(time.time())
        self.links[link_id] = {
            "account": account["id"],
            "refresh_url": params["refresh_url"],
            "return_url": params["return_url"],
            "expires_at": created + LINK_SECONDS,
            "used": False,
        }
        return _ok(
            {
                "object": "account_link",
                "created": created,
                "expires_at": created + LINK_SECONDS,
                "url": f"{self.base_url}/connect/{link_id}",
            }
        )

    def _transfer(self, params: dict[str, Any]) -> Answer:
        account = self.accounts.get(str(params.get("destination")))
        amount = int(params.get("amount", 0))
        if account is None or account["_deauthorized"]:
            return _error(400, "account_invalid", "The destination account is not connected")
        if account["capabilities"]["transfers"] != "active":
            return _error(
                400,
                "insufficient_capabilities_for_transfer",
                "Your destination account needs to have the transfers capability enabled",
            )
        if self.failing_transfers:
            return _error(400, "balance_insufficient", "Insufficient funds in Stripe account")
        currency = str(params.get("currency"))
        if amount <= 0 or currency not in PER_EURO:
            return _error(400, "parameter_invalid", "an amount and a currency are required")
        transfer = {
            "id": self._id("tr"),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": currency,
            "destination_payment": self._destination_payment(account, amount, currency),
            "destination": account["id"],
            "reversed": False,
            "transfer_group": params.get("transfer_group"),
            "metadata": params.get("metadata", {}),
        }
        transfer["balance_transaction"] = self._balance_transaction(
            "transfer", transfer["id"], -amount, 0, currency
        )
        self.transfers[transfer["id"]] = transfer
        self._event("transfer.created", transfer)
        return _ok(transfer)

    # ------------------------------------------------------------------ onboarding page

    def _onboarding(self, method: str, link_id: str) -> Answer:
        link = self.links.get(link_id)
        if link is None:
            return 404, PAGE, b"<h1>No such link</h1>"
        if link["used"] or link["expires_at"] < time.time():
            # Stripe sends the holder of a used or expired link to the platform's refresh_url.
            return 303, {"Location": str(link["refresh_url"])}, b""
        account = self.accounts[link["account"]]
        if method == "GET":
            page = (
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                "<title>Payout account (local Stripe)</title>"
                '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
                "<body><main><h1>Set up your payout account (local Stripe)</h1>"
                f"<p>Account {html.escape(account['id'])}. Stripe would ask for your name, "
                "address and bank account here.</p>"
                '<form method="post"><button type="submit">Submit details</button></form>'
                "</main></body></html>"
            )
            return 200, PAGE, page.encode()
        link["used"] = True
        account.update(
            details_submitted=True,
            payouts_enabled=True,
            charges_enabled=False,
            capabilities={"transfers": "active"},
            requirements={"currently_due": [], "disabled_reason": None},
        )
        self._event("account.updated", _public(account), account=account["id"])
        return 303, {"Location": str(link["return_url"])}, b""

    # ------------------------------------------------------------------ controls

    def _destination_payment(self, account: dict[str, Any], amount: int, currency: str) -> str:
        """What reached the account: converted to its own currency where that differs."""
        own = str(account["default_currency"])
        rate = PER_EURO[own] / PER_EURO[currency]
        payment_id = self._id("py")
        self.destination_payments[payment_id] = {
            "id": payment_id,
            "object": "charge",
            "amount": amount * rate.numerator // rate.denominator,
            "currency": own,
            "balance_transaction": {
                "object": "balance_transaction",
                "amount": amount * rate.numerator // rate.denominator,
                "currency": own,
                "exchange_rate": None if own == currency else round(float(rate), 6),
            },
        }
        return payment_id

    def _connect_control(self, action: str, body: dict[str, Any]) -> Answer | None:
        if action == "deauthorize":
            account = self.accounts[str(body["account"])]
            account["_deauthorized"] = True
            application = {"id": "ca_fake_platform", "object": "application", "name": "Flattr"}
            self._event("account.application.deauthorized", application, account=account["id"])
            return _ok({"deauthorized": account["id"]})
        if action == "reverse_transfer":
            transfer = self.transfers[str(body["transfer"])]
            left = int(transfer["amount"]) - int(transfer["amount_reversed"])
            transfer.update(amount_reversed=transfer["amount"], reversed=True)
            self._balance_transaction(
                "transfer_refund", transfer["id"], left, 0, str(transfer["currency"])
            )
            self._event("transfer.reversed", transfer)
            return _ok(transfer)
        if action == "fail_transfers":
            self.failing_transfers = bool(body.get("fail", True))
            return _ok({"failing": self.failing_transfers})
        return None


def _public(account: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in account.items() if not k.startswith("_")}

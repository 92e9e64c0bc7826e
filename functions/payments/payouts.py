"""Creators' payout accounts: Stripe Connect Express, "separate charges and transfers".

Made once per user (keyed by the user at Stripe too, so a retry after a crash finds the
same account), then onboarded through Stripe's hosted pages (an Account Link: single use;
its ``refresh_url`` brings the creator back to ask for a new one). What Stripe says of the
account (details submitted, payouts enabled, requirements due) is synced from
``account.updated`` by asking Stripe again; a creator who disconnects us at Stripe
(``account.application.deauthorized``) can no longer be paid until they connect again.
Changing where money goes is guarded as money leaving is (``identity``), and the creator
is told by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from functions.common import clock
from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound
from functions.payments import gateway, notices
from functions.payments.models import PayoutAccount


@dataclass(frozen=True)
class Onboarding:
    account: PayoutAccount
    url: str


def find(user_id: str) -> PayoutAccount | None:
    ensure_bound()
    try:
        return PayoutAccount.get(user_id)
    except DoesNotExist:
        return None


def status(account: PayoutAccount | None) -> str:
    """``none`` → ``onboarding`` → ``ready`` (or ``restricted`` when Stripe wants more,
    ``disconnected`` when the creator deauthorized us)."""
    if account is None:
        return "none"
    if account.deauthorized_at is not None:
        return "disconnected"
    if account.payouts_enabled:
        return "ready"
    return "restricted" if account.details_submitted else "onboarding"


def _create(user_id: str, country: str | None, replacing: PayoutAccount | None) -> PayoutAccount:
    """A new Express account at Stripe, stored unless another request stored one first.
    Keyed once per user, or once after each account they disconnected (which it replaces:
    written over, so that a crash in between leaves the old record to try again)."""
    made = gateway.client().v1.accounts.create(
        params={
            "type": "express",
            "country": country or settings().payout_country,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": user_id},
        },
        options={
            "idempotency_key": f"account-{user_id}-{replacing.account_id if replacing else 'first'}"
        },
    )
    now = clock.now()
    account = PayoutAccount(
        user_id, account_id=made.id, created_at=now, changed_at=now, requirements_due=[]
    )
    condition = (
        PayoutAccount.account_id == replacing.account_id
        if replacing
        else PayoutAccount.user_id.does_not_exist()
    )
    try:
        account.save(condition=condition)
    except PutError as error:
        if not condition_failed(error):
            raise
        return PayoutAccount.get(user_id)
    return account


def onboard(user_id: str, country: str | None = None) -> Onboarding:
    """``POST /v1/payouts/account``: the account (made once; a disconnected one is made
    anew) and a fresh single-use link to Stripe's onboarding pages."""
    account = find(user_id)
    if account is None or account.deauthorized_at is not None:
        account = _create(user_id, country, account)
    site = settings().public_url
    link = gateway.client().v1.account_links.create(
        params={
            "account": account.account_id,
            "type": "account_onboarding",
            "refresh_url": f"{site}/money?payout=refresh",
            "return_url": f"{site}/money?payout=return",
        }
    )
    notices.tell(user_id, "payout_account", "Your Flattr payout account is being changed")
    return Onboarding(account, str(link.url))


def _user_of(account_id: str) -> PayoutAccount | None:
    ensure_bound()
    for key in PayoutAccount.by_account.query(account_id, limit=1):
        return PayoutAccount.get(key.user_id)
    return None


def updated(event: dict[str, Any]) -> str | None:
    """``account.updated``: the account as Stripe says it is now (asked again: the event's
    snapshot may be older than another event already applied)."""
    account = _user_of(str(event.get("account") or event["data"]["object"]["id"]))
    if account is None:
        return None
    now = gateway.client().v1.accounts.retrieve(account.account_id).to_dict()
    due = [str(d) for d in (now.get("requirements") or {}).get("currently_due") or []]
    was = status(account)
    account.update(
        actions=[
            PayoutAccount.details_submitted.set(bool(now.get("details_submitted"))),
            PayoutAccount.payouts_enabled.set(bool(now.get("payouts_enabled"))),
            PayoutAccount.requirements_due.set(due),
            PayoutAccount.changed_at.set(clock.now()),
        ]
    )
    if status(account) != was:
        notices.tell(account.user_id, "payout_account", "Your Flattr payout account changed")
    return status(account)


def deauthorized(event: dict[str, Any]) -> str | None:
    """``account.application.deauthorized``: the creator disconnected us at Stripe."""
    account = _user_of(str(event.get("account") or ""))
    if account is None or account.deauthorized_at is not None:
        return None if account is None else "disconnected"
    account.update(
        actions=[
            PayoutAccount.deauthorized_at.set(clock.now()),
            PayoutAccount.payouts_enabled.set(False),
            PayoutAccount.changed_at.set(clock.now()),
        ]
    )
    notices.tell(account.user_id, "payout_account", "Your Flattr payout account was disconnected")
    return "disconnected"

"""Reconciliation: Stripe's balance, transaction by transaction, against our ledger.

A daily job lists Stripe's balance transactions since its cursor (two days back, so that
what was not yet matched is looked at again) and matches each to the ledger movement it
stands for: a charge to its pay-in (the gross credited, Stripe's fee recorded), a refund to
its part of our refund, a transfer (and its reversal) to a withdrawal, a dispute's
adjustments to the dispute's movements. Then the other way: a pay-in or withdrawal of ours
older than an hour whose Stripe counterpart was never seen. What does not add up is
written down (``Mismatch``, cleared when it adds up later), counted in a metric with an
alarm, and shown by ``flattr payments reconcile``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from pynamodb.exceptions import DoesNotExist

from functions.common import clock, currencies
from functions.common.money import MICROS_PER_CENT
from functions.common.observability import make_metrics
from functions.common.storage import ensure_bound
from functions.core import ledger
from functions.payments import gateway
from functions.payments.models import Mismatch, PayIn, Refund, Withdrawal

OVERLAP_SECONDS = 2 * 86_400
GRACE = timedelta(hours=1)  # a Stripe movement is in its balance at once; ours follows within
CURSOR = "cursor"


@dataclass
class Outcome:
    matched: int = 0
    ignored: int = 0
    mismatches: list[str] = field(default_factory=list)


@dataclass
class Known:
    """Our records by the ids Stripe's transactions name."""

    payins: dict[str, PayIn]
    withdrawals: dict[str, Withdrawal]

    @classmethod
    def load(cls) -> Known:
        payins = {p.charge_id: p for p in PayIn.scan() if p.charge_id}
        withdrawals = {w.transfer_id: w for w in Withdrawal.scan() if w.transfer_id}
        return cls(payins, withdrawals)


def _entry(account: str, entry_id: str, ref: str = "") -> int | None:
    found = ledger.entry_exists(account, entry_id, ref)
    return int(found.amount) if found is not None else None


def _charge(txn: dict[str, Any], known: Known) -> str | None:
    payin = known.payins.get(str(txn["source"]))
    if payin is None:
        return "a charge with no pay-in of ours"
    currency = currencies.of(payin.currency)
    if str(txn.get("currency", "")).upper() != currency:
        return f"pay-in {payin.payin_id}: in {currency}, Stripe charged {txn.get('currency')}"
    gross = _entry(ledger.account(ledger.PAID_IN, currency), f"payin-{payin.payin_id}")
    if gross != int(txn["amount"]) * MICROS_PER_CENT:
        return f"pay-in {payin.payin_id}: {gross} credited, Stripe charged {txn['amount']}"
    fees = ledger.account(ledger.PROVIDER_FEES, currency)
    fee = _entry(fees, f"payin-{payin.payin_id}", payin.user_id) or 0
    if fee != int(txn["fee"]) * MICROS_PER_CENT:
        return f"pay-in {payin.payin_id}: fee {fee} in the ledger, {txn['fee']} at Stripe"
    if payin.reconciled_at is None:
        payin.update(actions=[PayIn.reconciled_at.set(clock.now())])
        Mismatch(f"payin#{payin.payin_id}").delete()  # seen late: it adds up now
    return None


def _refund(txn: dict[str, Any], _: Known) -> str | None:
    refund = gateway.client().v1.refunds.retrieve(str(txn["source"])).to_dict()
    ours = (refund.get("metadata") or {}).get("refund_id")
    try:
        found = Refund.get(str(ours))
    except DoesNotExist:
        return "a refund with no refund of ours"
    part = int(dict(found.parts).get((refund.get("metadata") or {}).get("payin_id"), 0))
    if part != -int(txn["amount"]):
        return f"refund {found.refund_id}: {part} in our refund, {-int(txn['amount'])} at Stripe"
    refunded = ledger.account(ledger.REFUNDED, currencies.of(found.currency))
    if _entry(refunded, f"refund-{found.refund_id}-done") is None:
        return f"refund {found.refund_id}: no ledger movement"
    return None


def _transfer(txn: dict[str, Any], known: Known) -> str | None:
    found = known.withdrawals.get(str(txn["source"]))
    if found is None:
        return "a transfer with no withdrawal of ours"
    step = "paid" if txn["type"] == "transfer" else "reversed"
    currency = currencies.of(found.currency)
    if str(txn.get("currency", "")).upper() != currency:
        return f"withdrawal {found.withdrawal_id}: in {currency}, Stripe sent {txn.get('currency')}"
    paid_out = ledger.account(ledger.PAID_OUT, currency)
    amount = _entry(paid_out, f"withdrawal-{found.withdrawal_id}-{step}")
    if amount is None or abs(amount) != abs(int(txn["amount"])) * MICROS_PER_CENT:
        return f"withdrawal {found.withdrawal_id}: {amount} in the ledger ({step})"
    if found.reconciled_at is None and step == "paid":
        found.update(actions=[Withdrawal.reconciled_at.set(clock.now())])
        Mismatch(f"withdrawal#{found.withdrawal_id}").delete()
    return None


def _dispute(txn: dict[str, Any], known: Known) -> str | None:
    """A dispute's adjustments: known while open (its freeze, or nothing to freeze), and
    closed with Stripe's fee on the provider fees."""
    dispute = gateway.client().v1.disputes.retrieve(str(txn["source"])).to_dict()
    intent = str(dispute.get("payment_intent"))
    payin = next((p for p in known.payins.values() if p.payment_intent == intent), None)
    if payin is None:
        return "a dispute of no pay-in of ours"
    if dispute.get("status") not in ("won", "lost"):
        return None  # open: the frozen money stays ours until the bank decides
    fees = sum(int(t.get("fee", 0)) for t in dispute.get("balance_transactions") or [])
    fees_account = ledger.account(ledger.PROVIDER_FEES, currencies.of(payin.currency))
    recorded = _entry(fees_account, f"dispute-{dispute['id']}-close", "dispute") or 0
    if recorded != fees * MICROS_PER_CENT:
        return f"dispute {dispute['id']}: fee {recorded} in the ledger, {fees} at Stripe"
    return None


MATCHERS = {
    "charge": _charge,
    "payment": _charge,
    "refund": _refund,
    "transfer": _transfer,
    "transfer_refund": _transfer,
    "adjustment": _dispute,
}


def _listed(since: int) -> Iterator[dict[str, Any]]:
    page = gateway.client().v1.balance_transactions.list(
        params={"created": {"gte": since}, "limit": 100}
    )
    for txn in page.auto_paging_iter():
        yield txn.to_dict()


def _note(key: str, problem: str | None, **about: Any) -> bool:
    """Writes the mismatch down (or clears it); True when there is one."""
    if problem is None:
        Mismatch(key).delete()
        return False
    Mismatch(key, problem=problem, found_at=clock.now(), **about).save()
    return True


def _ours_unseen(known: Known) -> Iterable[tuple[str, str, str, int]]:
    """(key, kind, our id, cents) of our Stripe movements whose counterpart never came."""
    old = clock.now() - GRACE
    for payin in PayIn.scan():
        paid = payin.state in ("succeeded", "refunded", "disputed", "dispute_lost")
        if paid and payin.reconciled_at is None and payin.changed_at < old:
            yield f"payin#{payin.payin_id}", "pay_in", payin.payin_id, int(payin.amount_cents)
    for found in known.withdrawals.values():
        if found.state == "paid" and found.reconciled_at is None and found.changed_at < old:
            key = f"withdrawal#{found.withdrawal_id}"
            yield key, "withdrawal", found.withdrawal_id, int(found.amount_cents)


def run(event: dict[str, Any]) -> dict[str, Any]:
    """The daily job (and ``flattr payments reconcile --run``)."""
    ensure_bound()
    try:
        cursor = int(Mismatch.get(CURSOR).cursor or 0)
    except DoesNotExist:
        cursor = 0
    known = Known.load()
    outcome = Outcome()
    newest = cursor
    for txn in _listed(max(0, cursor - OVERLAP_SECONDS)):
        newest = max(newest, int(txn["created"]))
        matcher = MATCHERS.get(str(txn["type"]))
        if matcher is None:
            outcome.ignored += 1  # payouts to our bank, Stripe's own fees: not ledger movements
            continue
        about = {"kind": txn["type"], "source": txn["source"], "amount_cents": txn["amount"]}
        if _note(f"txn#{txn['id']}", matcher(txn, known), **about):
            outcome.mismatches.append(f"txn#{txn['id']}")
        else:
            outcome.matched += 1
    for key, kind, ours, cents in _ours_unseen(known):
        problem = "a movement of ours with no Stripe counterpart"
        _note(key, problem, kind=kind, source=ours, amount_cents=cents)
        outcome.mismatches.append(key)
    Mismatch(CURSOR, cursor=newest, found_at=clock.now()).save()
    metrics = make_metrics("payments")
    metrics.add_metric(
        name="ReconciliationMismatches", unit=MetricUnit.Count, value=len(outcome.mismatches)
    )
    return {
        "matched": outcome.matched,
        "ignored": outcome.ignored,
        "mismatches": len(outcome.mismatches),
    }


def mismatches() -> list[Mismatch]:
    ensure_bound()
    return sorted((m for m in Mismatch.scan() if m.key != CURSOR), key=lambda m: m.key)

"""Claims' part of a person's data: domains, proven addresses and pending donor notices;
exported, and erased when the account goes (``functions/account`` asks each domain)."""

from __future__ import annotations

import contextlib
from typing import Any

from pynamodb.exceptions import DeleteError

from functions.claim.models import DomainClaim, DonorNotice, ProvenEmail, VerifiedDomain
from functions.common.clock import rfc3339
from functions.common.money import money
from functions.common.storage import delete_all, ensure_bound
from functions.core import users


def export(user_id: str) -> dict[str, Any]:
    ensure_bound()
    currency = users.currency_of(user_id)  # a donor notice counts what they gave: in theirs
    return {
        "domains": [
            {"domain": d.domain, "verified_at": rfc3339(d.verified_at)}
            for d in DomainClaim.by_user.query(user_id)
        ],
        # Addresses proven: by their recipient key (the address itself is not kept).
        "proven_addresses": [
            {"recipient": p.recipient, "proven_at": rfc3339(p.proven_at)}
            for p in ProvenEmail.query(user_id)
        ],
        "notices_pending": [
            {"recipient": n.recipient, "amount": money(int(n.amount), currency)}
            for n in DonorNotice.query(user_id)
        ],
    }


def _release_domains(user_id: str) -> int:
    """The user's domain claims go, and the domains they verified are free again."""
    claims = list(DomainClaim.by_user.query(user_id))
    for claim in claims:
        if claim.verified_at is not None:
            with contextlib.suppress(DeleteError):  # verified by nobody, or by someone else
                VerifiedDomain(claim.domain).delete(condition=VerifiedDomain.user_id == user_id)
    return delete_all(claims, DomainClaim)


def erase(user_id: str) -> dict[str, int]:
    ensure_bound()
    return {
        "domains": _release_domains(user_id),
        "addresses": delete_all(ProvenEmail.query(user_id), ProvenEmail),
        "notices": delete_all(DonorNotice.query(user_id), DonorNotice),
    }

"""Proving an email address yours: a single-use link sent to it, at the request of a
signed-in user, opened while signed in as them. It proves the recipient
``email:<keyed hash>`` that pages naming the address as their receiver pay
(``core/ownership/emails.py``); what waits for it then moves to them.

The link's token (256 bits) is stored only as its SHA-256, with the user who asked,
and lasts a day; it is deleted on the condition that it still exists, so it works once.
The address itself is not stored here: the mail is sent and it is forgotten.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist

from functions.claim import events, links, mail
from functions.claim.claiming import owner_of
from functions.claim.models import ClaimToken, ProvenEmail
from functions.common import clock, limits
from functions.common.errors import Invalid, Missing, TooMany
from functions.common.limits import Limit
from functions.common.storage import condition_failed, ensure_bound
from functions.core.ownership.emails import email_key, valid_address

PROOF_LASTS = timedelta(days=1)


ASKED = Limit("proofs-asked", 10)  # requests of one account a day
MAILED = Limit("proofs-mailed", 3)  # mails to one address a day, whoever asks


def send_proof(user_id: str, address: str) -> str:
    """Send a single-use link to ``address``; answers its recipient key. At most ``ASKED``
    requests of one account a day (``TooMany`` beyond). Nothing is sent, and the answer
    is the same, where the address is suppressed, proven by someone else, or has had
    ``MAILED`` links today: the answer tells nothing about an address."""
    ensure_bound()
    valid = valid_address(address)
    if valid is None:
        raise Invalid("not an email address", field="body.address")
    now = clock.now()
    wait = limits.take(ASKED, user_id, now)
    if wait is not None:
        raise TooMany(
            f"at most {ASKED.most} confirmation links a day: ask again tomorrow",
            retry_after=wait,
        )
    key = email_key(valid)
    if owner_of(key) not in (None, user_id) or events.is_suppressed(valid):
        return key
    if limits.take(MAILED, events.address_hash(valid), now) is not None:
        return key
    token = secrets.token_urlsafe(32)
    ClaimToken(
        links.token_hash(token), recipient=key, user_id=user_id, expires_at=now + PROOF_LASTS
    ).save()
    unsubscribe = links.public_url(
        f"/v1/email/unsubscribe?token={links.unsubscribe_token(key, valid)}"
    )
    mail.send(
        valid,
        "Confirm your address to receive flattrs",
        "prove_address",
        {
            "link": links.public_url(f"/creator/email?token={token}"),
            "hours": 24,
            "unsubscribe_url": unsubscribe,
        },
        unsubscribe_url=unsubscribe,
    )
    return key


def prove(user_id: str, token: str) -> str:
    """The link was opened by the user who asked for it: the address is proven theirs
    (answers its recipient key). Unknown, expired, used, or asked by someone else:
    ``Missing``, the same for all (a token says nothing of whose it is)."""
    ensure_bound()
    unknown = Missing("token: unknown, expired or already used link")
    try:
        found = ClaimToken.get(links.token_hash(token))
    except DoesNotExist as missing:
        raise unknown from missing
    if found.user_id != user_id or found.expires_at <= clock.now():
        raise unknown
    try:
        found.delete(condition=ClaimToken.token_hash.exists())
    except DeleteError as error:
        if condition_failed(error):
            raise unknown from error
        raise
    key = str(found.recipient)
    ProvenEmail(user_id, key, proven_at=clock.now()).save()
    return key


def proven(user_id: str) -> list[ProvenEmail]:
    ensure_bound()
    return list(ProvenEmail.query(user_id))

"""A creator's public page (``GET /v1/profiles/<username>``): who they are, the accounts and
sites they proved and claimed, how many supported them this month, what they receive when
they show it, and their monthly goal. Every figure is read at the moment it is asked."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pynamodb.exceptions import DoesNotExist

from functions.claim.claiming import proven_keys
from functions.common import clock, currencies
from functions.common.errors import Missing
from functions.common.months import month_of, start_of
from functions.common.settings import settings
from functions.common.storage import ensure_bound
from functions.core import avatars, ledger, profiles
from functions.core.models import Flattr, Recipient, User
from functions.core.platforms.registry import CONNECTABLE
from functions.core.recipients import RecipientRef, recipient_ref

# Platforms whose account pages are ``<web>/<handle>``.
HANDLE_PAGES = {"github", "gitlab", "twitch", "soundcloud"}


@dataclass(frozen=True)
class Shown:
    ref: RecipientRef
    url: str


@dataclass(frozen=True)
class PublicProfile:
    username: str
    display_name: str
    description: str
    recipients: list[Shown]
    supporters: int
    # This month so far, per currency (in the creator's own first); None unless shown.
    receives: dict[str, int] | None
    goal: int | None  # in ``currency``, the creator's own
    currency: str
    avatar_url: str | None = None


def recipient_url(key: str, handle: str) -> str:
    """Where people find a recipient: a site's home, an account's page, else ours."""
    platform, _, name = key.partition(":")
    if platform == "web":
        return f"https://{name}/"
    adapter = CONNECTABLE.get(platform)
    if adapter is not None and platform in HANDLE_PAGES and handle:
        return f"{adapter.web_url}/{quote(handle)}"
    return f"{settings().public_url}/r?key={quote(key, safe=':@')}"


def claimed_keys(user_id: str) -> list[str]:
    """What the creator proved and claimed (a proof alone is not shown: it may be unused)."""
    keys = sorted(proven_keys(user_id))
    if not keys:
        return []
    return sorted(r.recipient for r in Recipient.batch_get(keys) if r.claimed_by == user_id)


def supporters_this_month(keys: list[str]) -> int:
    """The distinct contributors who flattred any of ``keys`` this month (UTC)."""
    since = start_of(month_of(clock.now()))
    people: set[str] = set()
    for key in keys:
        for flattr in Flattr.by_recipient.query(key, Flattr.created_at >= since):
            people.add(flattr.contributor_id)
    return len(people)


def received_this_month(user_id: str, own: str) -> dict[str, int]:
    """What reached the creator this month so far, per currency (their own always, others
    where something came): its split's credits and claims."""
    month = month_of(clock.now())
    found = {own: 0}
    for currency in currencies.CODES:
        amount = sum(
            int(entry.amount)
            for entry in ledger.entries(ledger.creator_account(user_id, currency))
            if entry.month == month and entry.kind in {"split", "claim"}
        )
        if amount:
            found[currency] = amount
    return found


def owner(username: str) -> User:
    """Whose page ``username`` is; ``Missing`` when nobody's."""
    ensure_bound()
    user_id = profiles.owner(username)
    if user_id is None:
        raise Missing("username: nobody has this page")
    try:
        return User.get(user_id)
    except DoesNotExist as error:
        raise Missing("username: nobody has this page") from error


def picture(username: str) -> bytes:
    """The picture on ``username``'s page; ``Missing`` when there is none."""
    user = owner(username)
    kept = avatars.of(user.user_id) if user.avatar else None
    if kept is None:
        raise Missing("username: this page has no picture")
    return bytes(kept.image)


def public(username: str) -> PublicProfile:
    user = owner(username)
    user_id, own = user.user_id, currencies.of(user.currency)
    keys = claimed_keys(user_id)
    # An account is claimed under its id and its handle: one entry where both lead to one page.
    shown: dict[str, Shown] = {}
    for key in keys:
        ref = recipient_ref(key, True)
        url = recipient_url(key, ref.display_name)
        shown.setdefault(url, Shown(ref, url))
    return PublicProfile(
        username=str(user.username),
        display_name=user.display_name or str(user.username),
        description=user.description or "",
        recipients=list(shown.values()),
        supporters=supporters_this_month(keys),
        receives=received_this_month(user_id, own) if user.public_income else None,
        goal=int(user.goal) if user.goal else None,
        currency=own,
        avatar_url=avatars.url(str(user.username), user.avatar),
    )

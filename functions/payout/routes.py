"""The payout API: ``/v1/me`` (profile), balance, statements, unclaimed and revenue.
Each route parses, calls the profile or statements logic, and shapes the answer."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from functions.common import clock, currencies
from functions.common.api import DomainRouter, current_user_id, jwt_claims
from functions.common.clock import rfc3339
from functions.common.currencies import for_languages
from functions.common.errors import Invalid
from functions.common.money import MICROS_PER_CENT, Money, amount_in, money
from functions.common.months import add_months, month_of, previous_month
from functions.common.settings import settings
from functions.core import avatars, ledger, pictures, users
from functions.core.models import Pledge, User
from functions.core.recipients import RecipientRef, recipient_ref
from functions.payout import monthly, pledges, profile, statements, stats

router = DomainRouter()
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
STATS_MONTH = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"  # the service's own years: 2000 to 2999


class MoneyOut(BaseModel):
    amount: str
    currency: str


def _money(micros: int, currency: str) -> MoneyOut:
    return MoneyOut(**money(micros, currency))


# ---------------------------------------------------------------- profile


class Profile(BaseModel):
    user_id: str
    email: str | None
    time_zone: str
    currency: str  # budget, balance, pledges and pay-ins are in it
    currencies: list[str] = list(currencies.CODES)  # the service's: those it may change to
    monthly_budget: MoneyOut
    money_emails: bool  # the monthly statement and the warning before the balance runs short
    # A creator's public page (/u/<username>, GET /v1/profiles/<username>).
    username: str | None = None
    display_name: str | None = None
    description: str | None = None
    public_income: bool = False
    goal: MoneyOut | None = None
    avatar_url: str | None = None  # their picture, once a username shows it


class AvatarIn(BaseModel):
    # The picture's file, base64 (a phone photo fits; we keep a small square of it).
    image: Annotated[str, Field(min_length=4, max_length=4_000_004)]


class ProfileChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    time_zone: Annotated[str | None, Field(max_length=64)] = None
    monthly_budget: Money | None = None
    email: EmailStr | None = None
    money_emails: bool | None = None
    # The public page: a username (3 to 30 of a-z 0-9 _ -), a name and a plain-text
    # description ("" removes them), whether this month's income shows, a monthly goal.
    username: Annotated[str | None, Field(max_length=30)] = None
    display_name: Annotated[str | None, Field(max_length=80)] = None
    description: Annotated[str | None, Field(max_length=2000)] = None
    public_income: bool | None = None
    goal: Money | None = None
    # Mine to give in: while my balance is zero and no pledge or payment is pending.
    currency: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None

    @field_validator("currency")
    @classmethod
    def _held(cls, value: str | None) -> str | None:
        if value is not None and not currencies.known(value):
            raise ValueError(f"must be one of {', '.join(currencies.CODES)}")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value not in profile.iana_zones():
            raise ValueError("not an IANA time zone name, like Europe/Berlin")
        return value


def _me() -> User:
    """My profile, created on first use in the currency my browser's languages suggest."""
    languages = router.current_event.headers.get("accept-language")
    return users.load_user(current_user_id(router), _claim_email(), for_languages(languages))


def _claim_email() -> str | None:
    email = jwt_claims(router).get("email")
    return str(email) if email else None


def _profile(user: User) -> Profile:
    own = currencies.of(user.currency)
    return Profile(
        user_id=user.user_id,
        email=user.email or None,
        time_zone=user.time_zone,
        currency=own,
        monthly_budget=_money(int(user.monthly_budget), own),
        money_emails=user.money_emails is not False,
        username=user.username or None,
        display_name=user.display_name or None,
        description=user.description or None,
        public_income=bool(user.public_income),
        goal=_money(int(user.goal), own) if user.goal else None,
        avatar_url=avatars.url(user.username, user.avatar) if user.username else None,
    )


@router.get("/v1/me", devices=True)
def get_me() -> Profile:
    return _profile(_me())


@router.patch("/v1/me")
def patch_me(change: Annotated[ProfileChange, Body()]) -> Profile:
    user = _me()
    own = change.currency or currencies.of(user.currency)  # amounts are in the new one
    budget, goal = (
        amount_in(value, own, f"body.{name}") if value is not None else None
        for name, value in (("monthly_budget", change.monthly_budget), ("goal", change.goal))
    )
    changed = profile.change(
        user,
        budget=budget,
        time_zone=change.time_zone,
        email=str(change.email) if change.email is not None else None,
        money_emails=change.money_emails,
        currency=change.currency,
        public=profile.PublicChange(
            username=change.username,
            display_name=change.display_name,
            description=change.description,
            public_income=change.public_income,
            goal=goal,
        ),
    )
    return _profile(changed)


@router.put("/v1/me/avatar")
def put_avatar(upload: Annotated[AvatarIn, Body()]) -> Profile:
    """The picture on the public page: any PNG, JPEG, WebP or GIF up to 3 MB; what is kept
    is a small square without the file's metadata (``core.avatars``)."""
    try:
        data = base64.b64decode(upload.image, validate=True)
    except binascii.Error as error:
        raise Invalid("not base64", field="body.image") from error
    user = _me()
    avatars.put(user, pictures.picture(data))
    return _profile(user)


@router.delete("/v1/me/avatar")
def delete_avatar() -> Profile:
    user = _me()
    avatars.remove(user.user_id, user)
    return _profile(user)


# ---------------------------------------------------------------- money


class PartOut(BaseModel):
    recipient: RecipientRef
    flattrs: int
    amount: MoneyOut
    held: bool  # in escrow when the month was split: its recipient had not claimed it
    # A held part whose recipient was claimed since (its money moved to the creator) or
    # declined since (its money went back to its givers): when.
    claimed_at: str | None = None
    declined_at: str | None = None
    # A held part nobody claimed in time: its escrow expired back to its giver, when.
    expired_at: str | None = None


class Refund(BaseModel):
    recipient: str
    month: str
    amount: MoneyOut


class Balance(BaseModel):
    balance: MoneyOut
    monthly_budget: MoneyOut
    month: str
    flattrs: int
    projected: list[PartOut]
    # What the user has received as a creator (splits and claims) and not been paid out.
    earnings: MoneyOut  # in my own currency
    minimum_top_up: MoneyOut | None = None  # the smallest pay-in, in my currency
    # My balance in every currency that holds some (mine always): money in one I gave in
    # before I changed mine (escrow given back after) is not split, and can be refunded.
    balances_by_currency: list[MoneyOut] = []
    # Every currency I have earnings in (my own always), never added together.
    earnings_by_currency: list[MoneyOut] = []
    # How much the balance falls short of the month's budget (zero when it covers it): the
    # split takes min(budget, balance), so every flattr's share shrinks by as much.
    shortfall: MoneyOut
    # False when the month has flattrs and the split, made now, would take nothing for
    # them (no balance): they go unfunded.
    funded: bool
    # The pledges the split, made now, would pay first; those the balance would not cover.
    pledges: list[PartOut] = []
    dropped: list[RecipientRef] = []


class Statement(BaseModel):
    month: str
    status: str
    charge: MoneyOut
    fee: MoneyOut
    funded: bool
    parts: list[PartOut]
    refunds: list[Refund]
    # Paid first, each whole (``flattrs`` 0); parts and pledges add up to charge - fee.
    pledges: list[PartOut] = []
    dropped: list[RecipientRef] = []  # pledges the balance could not cover that month


class UnclaimedItem(BaseModel):
    recipient: RecipientRef
    amount: MoneyOut
    flattrs: int
    months: list[str]
    expires_at: str


class UnclaimedList(BaseModel):
    items: list[UnclaimedItem]
    cursor: str | None = None


class RevenueRecipient(BaseModel):
    recipient: str
    amount: MoneyOut
    flattrs: int
    supporters: int
    display_name: str = ""  # the recipient as people know it (a handle, a site), not its key


class RevenueMonth(BaseModel):
    month: str
    total: MoneyOut  # in my own currency
    totals: list[MoneyOut] = []  # every currency of the month, apart
    recipients: list[RevenueRecipient]


class Revenue(BaseModel):
    items: list[RevenueMonth]
    cursor: str | None = None


def _parts(parts: list[statements.Part], currency: str) -> list[PartOut]:
    return [
        PartOut(
            recipient=recipient_ref(p.recipient, p.claimed or p.claimed_at is not None),
            flattrs=p.flattrs,
            amount=_money(p.amount, currency),
            held=not p.claimed,
            claimed_at=rfc3339(p.claimed_at) if p.claimed_at else None,
            declined_at=rfc3339(p.declined_at) if p.declined_at else None,
            expired_at=rfc3339(p.expired_at) if p.expired_at else None,
        )
        for p in parts
    ]


@router.get("/v1/me/balance", devices=True)
def get_balance() -> Balance:
    user = _me()
    month = month_of(clock.now())
    own = currencies.of(user.currency)
    balance = ledger.balance(ledger.contributor_account(user.user_id, own))
    budget = int(user.monthly_budget)
    now = statements.projected(user.user_id, month, budget, balance, own)
    earnings = _earnings(user.user_id, own)
    balances = _in_every_currency(ledger.contributor_account, user.user_id, own)
    return Balance(
        balance=_money(balance, own),
        monthly_budget=_money(budget, own),
        month=month,
        flattrs=now.flattrs,
        projected=_parts(now.parts, own),
        earnings=_money(earnings[own], own),
        earnings_by_currency=[_money(a, c) for c, a in earnings.items() if a or c == own],
        balances_by_currency=[_money(a, c) for c, a in balances.items() if a or c == own],
        shortfall=_money(max(budget - balance, 0), own),
        minimum_top_up=_money(
            currencies.scaled(settings().min_payin_cents * MICROS_PER_CENT, own), own
        ),
        funded=now.funded or now.flattrs == 0,
        pledges=_parts(now.pledges, own),
        dropped=[recipient_ref(r, False) for r in now.dropped],
    )


def _earnings(user_id: str, own: str) -> dict[str, int]:
    """A creator's earnings in every currency, never converted (their own first)."""
    return _in_every_currency(ledger.creator_account, user_id, own)


def _in_every_currency(
    account: Callable[[str, str], str], user_id: str, own: str
) -> dict[str, int]:
    """One of a person's accounts in every currency, never converted (their own first)."""
    found = {own: ledger.balance(account(user_id, own))}
    for currency in currencies.CODES:
        if currency != own:
            found[currency] = ledger.balance(account(user_id, currency))
    return found


@router.get("/v1/me/statements")
def get_statement(month: Annotated[str | None, Query(pattern=MONTH)] = None) -> Statement:
    found = statements.statement(current_user_id(router), month or previous_month(clock.now()))
    cur = found.currency
    return Statement(
        month=found.month,
        status=found.status,
        charge=_money(found.charge, cur),
        fee=_money(found.fee, cur),
        funded=found.funded,
        parts=_parts(found.parts, cur),
        refunds=[
            Refund(recipient=r.recipient, month=r.month, amount=_money(r.amount, cur))
            for r in found.refunds
        ],
        pledges=_parts(found.pledges, cur),
        dropped=[recipient_ref(r, False) for r in found.dropped],
    )


@router.get("/v1/me/unclaimed")
def get_unclaimed() -> UnclaimedList:
    items = [
        UnclaimedItem(
            recipient=recipient_ref(w.recipient, False),
            amount=_money(w.amount, w.currency),
            flattrs=w.flattrs,
            months=w.months,
            expires_at=rfc3339(w.expires_at),
        )
        for w in statements.unclaimed(current_user_id(router))
    ]
    return UnclaimedList(items=items)


def _total(recipients: statements.Earned) -> dict[str, int]:
    """A month's revenue per currency (never added across them)."""
    totals: dict[str, int] = {}
    for (_, currency), (amount, _, _) in recipients.items():
        totals[currency] = totals.get(currency, 0) + amount
    return totals


@router.get("/v1/me/revenue")
def get_revenue(month: Annotated[str | None, Query(pattern=MONTH)] = None) -> Revenue:
    user_id = current_user_id(router)
    own = users.currency_of(user_id)
    by_month = statements.revenue(user_id, month)
    items = [
        RevenueMonth(
            month=m,
            total=_money(_total(recipients).get(own, 0), own),
            totals=[_money(a, c) for c, a in _total(recipients).items()],
            recipients=[
                RevenueRecipient(
                    recipient=r,
                    amount=_money(amount, currency),
                    flattrs=flattrs,
                    supporters=supporters,
                    display_name=recipient_ref(r, True).display_name,
                )
                for (r, currency), (amount, flattrs, supporters) in recipients.items()
            ],
        )
        for m, recipients in by_month.items()
    ]
    return Revenue(items=items)


class MonthFigures(BaseModel):
    month: str
    contributors: int
    flattrs: int
    money_split: MoneyOut  # in the month's first currency (``*_by_currency``: every one)
    to_creators: MoneyOut
    held_for_creators: MoneyOut
    money_split_by_currency: list[MoneyOut] = []
    to_creators_by_currency: list[MoneyOut] = []
    held_for_creators_by_currency: list[MoneyOut] = []
    # Of the money split (after the fee), what has reached creators: at the split or
    # claimed since ("0.4200"); held_for_creators is what still waits (not declined or
    # expired since).
    share_claimed: str
    creators_paid: int


class Stats(BaseModel):
    items: list[MonthFigures]
    cursor: str | None = None


def _share(part: int, whole: int) -> str:
    """An exact ratio as a decimal string with four places, rounded down."""
    return f"{part * 10_000 // whole / 10_000:.4f}" if whole else "0.0000"


def _figures(month: dict[str, stats.MonthNow]) -> MonthFigures:
    """A month's figures: counts over every currency, money in each apart; the single
    money fields (and the share claimed) in its first currency."""
    (currency, t), *_ = month.items()
    each = list(month.items())
    return MonthFigures(
        month=t.total.month,
        contributors=sum(int(m.total.contributors) for m in month.values()),
        flattrs=sum(int(m.total.flattrs) for m in month.values()),
        money_split=_money(int(t.total.charged), currency),
        to_creators=_money(t.to_creators, currency),
        held_for_creators=_money(t.held, currency),
        money_split_by_currency=[_money(int(m.total.charged), c) for c, m in each],
        to_creators_by_currency=[_money(m.to_creators, c) for c, m in each],
        held_for_creators_by_currency=[_money(m.held, c) for c, m in each],
        share_claimed=_share(t.to_creators, int(t.total.to_creators) + int(t.total.to_escrow)),
        creators_paid=t.creators,
    )


@router.get("/v1/stats", public=True)
def get_stats(
    first: Annotated[str | None, Query(alias="from", pattern=STATS_MONTH)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=STATS_MONTH)] = None,
) -> Response[str]:
    """Public aggregates per split month (never per user), from the split's own counts
    with what became of its held money since (claimed, declined, expired). By default the
    twelve months up to the last one split. Never cached: a claim shows at once."""
    last = last or previous_month(clock.now())
    first = first or add_months(last, -11)
    figures = [_figures(month) for month in stats.totals(stats.months_between(first, last))]
    return Response(
        status_code=200,
        content_type="application/json",
        body=Stats(items=figures).model_dump_json(),
        # A page never lags (docs/website.md): a claim, a decline or an expiry shows at once.
        headers={"Cache-Control": "no-cache"},
    )


routers = [router]  # what the Lambda serves and the OpenAPI document describes


# ---------------------------------------------------------------- pledges


class PledgeIn(BaseModel):
    recipient: Annotated[str, Field(min_length=3, max_length=320)]
    amount: Money


class PledgeChange(BaseModel):
    amount: Money


class PledgeOut(BaseModel):
    id: str
    recipient: RecipientRef
    amount: MoneyOut
    created_at: str
    # The monthly budget, raised to the pledges' total where it was below (the person is
    # told): pledges are part of the budget.
    budget_raised_to: MoneyOut | None = None


class PledgeList(BaseModel):
    items: list[PledgeOut]
    total: MoneyOut  # in my own currency
    totals: list[MoneyOut] = []  # every currency of the month, apart


def _claimed(recipients: Iterable[str]) -> set[str]:
    """Those of ``recipients`` a creator has: a pledge to them pays the creator."""
    return set(monthly.owners_of(recipients).creators)


def _pledge_out(
    pledge: Pledge, claimed: set[str], currency: str, raised: int | None = None
) -> PledgeOut:
    """A pledge, in its contributor's ``currency`` (they change it only without pledges)."""
    return PledgeOut(
        id=pledge.pledge_id,
        recipient=recipient_ref(pledge.recipient, pledge.recipient in claimed),
        amount=_money(int(pledge.amount), currency),
        created_at=rfc3339(pledge.created_at),
        budget_raised_to=_money(raised, currency) if raised is not None else None,
    )


@router.post("/v1/pledges")
def post_pledge(body: Annotated[PledgeIn, Body()]) -> Response[PledgeOut]:
    user = _me()
    own = currencies.of(user.currency)
    amount = amount_in(body.amount, own, "body.amount")
    made = pledges.make(user.user_id, body.recipient, amount, clock.now(), own)
    out = _pledge_out(made.pledge, _claimed([body.recipient]), own, made.budget_raised_to)
    return Response(status_code=201, content_type="application/json", body=out)


@router.get("/v1/pledges")
def get_pledges() -> PledgeList:
    user_id = current_user_id(router)
    own = users.currency_of(user_id)
    mine = pledges.mine(user_id)
    total = sum(int(p.amount) for p in mine)
    claimed = _claimed(p.recipient for p in mine)
    items = [_pledge_out(p, claimed, own) for p in mine]
    return PledgeList(items=items, total=_money(total, own))


@router.patch("/v1/pledges/<pledge_id>")
def patch_pledge(
    pledge_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: Annotated[PledgeChange, Body()],
) -> PledgeOut:
    user_id = current_user_id(router)
    own = users.currency_of(user_id)
    amount = amount_in(body.amount, own, "body.amount")
    made = pledges.change(user_id, pledge_id, amount, own)
    claimed = _claimed([made.pledge.recipient])
    return _pledge_out(made.pledge, claimed, own, made.budget_raised_to)


@router.delete("/v1/pledges/<pledge_id>")
def delete_pledge(pledge_id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:
    pledges.end(current_user_id(router), pledge_id)
    return Response(status_code=204, body=None)

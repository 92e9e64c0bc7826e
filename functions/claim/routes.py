"""The claim API and pages: what waits behind a claim link (JSON and a plain HTML page),
claiming, domains, the public catalogue and one-click unsubscribe."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.claim import (
    addresses,
    badges,
    catalogue,
    claiming,
    declining,
    domains,
    events,
    links,
    mail,
    profiles,
)
from functions.claim.emailjob import platform_name
from functions.claim.waiting import Waiting, top_items, waiting_for
from functions.common import clock, currencies
from functions.common.api import DomainRouter, current_user_id
from functions.common.clock import rfc3339
from functions.common.errors import Malformed, Missing
from functions.common.money import money, people_money
from functions.core import avatars, users
from functions.core.ownership import emails
from functions.core.recipients import RecipientRef, recipient_ref

router = DomainRouter()
Token = Annotated[str, Path(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
RECIPIENT = r"^[a-z0-9]+:.{1,300}$"


class TopItem(BaseModel):
    url: str
    flattrs: int


class ClaimView(BaseModel):
    recipient: RecipientRef
    amount: dict[str, str]  # in the currency most of it is in
    amounts: list[dict[str, str]] = []  # every currency, apart
    flattrs: int
    supporters: int
    top_items: list[TopItem]
    expires_at: str | None
    how_to_claim: list[str]
    # Its owner refused the money: what was held went back to its givers, nothing waits.
    declined: bool = False


class ClaimRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    recipient: Annotated[str, Field(pattern=RECIPIENT, max_length=320)]


class ClaimDone(BaseModel):
    recipient: str
    claimed: bool
    moved: dict[str, str]  # in the creator's own currency
    moved_by_currency: list[dict[str, str]] = []  # every currency that moved, apart


class DomainRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    domain: Annotated[str, Field(min_length=3, max_length=253)]


class DnsRecord(BaseModel):
    name: str
    type: str
    value: str


class DomainOut(BaseModel):
    domain: str
    verified: bool
    token: str
    dns: DnsRecord
    meta: str
    method: str | None = None
    moved: dict[str, str] | None = None
    moved_by_currency: list[dict[str, str]] | None = None


class CatalogueItem(BaseModel):
    recipient: RecipientRef
    amount: dict[str, str]  # in the currency most of it is in (and ``recent`` too)
    amounts: list[dict[str, str]] = []  # every currency that waits, apart
    recent: dict[str, str]
    supporters: int
    flattrs: int
    expires_month: str


class CataloguePage(BaseModel):
    items: list[CatalogueItem]
    cursor: str | None


def _how_to_claim(waiting: Waiting) -> list[str]:
    if waiting.platform == "email":
        return [
            "Sign in, then prove the address is yours (POST /v1/emails): we send a "
            "single-use link to it, and opening it while signed in moves the money to you."
        ]
    if waiting.platform == "web":
        return [
            f"Sign in, then add the domain {waiting.display_name} (POST /v1/domains) and "
            f"publish its token as a TXT record _flattr.{waiting.display_name}, or in a "
            '<meta name="flattr:id"> tag on the home page.'
        ]
    return [
        f"Sign in, then connect your {platform_name(waiting.platform)} account "
        f"({waiting.display_name}): that proves it is yours, and the money moves to you."
    ]


def _waiting(token: str) -> tuple[Waiting, bool, bool]:
    """What waits behind a claim link, whether it is claimed already, whether declined."""
    recipient = links.recipient_of(token, clock.now())
    if recipient is None:
        raise Missing("token: unknown or expired claim link")
    owner, declined = claiming.standing(recipient)
    return waiting_for(recipient), owner is not None, declined


def _view(waiting: Waiting, claimed: bool, declined: bool = False) -> ClaimView:
    return ClaimView(
        declined=declined,
        recipient=recipient_ref(waiting.recipient, claimed),
        amount=money(waiting.amount, waiting.currency),
        amounts=[money(a, c) for c, a in sorted(waiting.amounts.items())],
        flattrs=waiting.flattrs,
        supporters=waiting.supporters,
        top_items=[TopItem(url=url, flattrs=count) for url, count in top_items(waiting.recipient)],
        expires_at=rfc3339(waiting.oldest_expiry),
        how_to_claim=_how_to_claim(waiting),
    )


@router.get("/v1/claims/<token>", public=True)
def claim_view(token: Token) -> ClaimView:
    return _view(*_waiting(token))


def _html(status: int, template: str, **context: Any) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=mail.render(template, **context),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get("/claim/<token>", public=True)
def claim_page(token: str) -> Response[str]:
    """The page a creator lands on from the email: plain HTML, no JavaScript, public.
    Claiming happens in the website, which this page links to."""
    try:
        waiting, claimed, declined = _waiting(token)
    except Missing:
        return _html(404, "missing.html")
    view = _view(waiting, claimed, declined)
    return _html(
        200,
        "claim.html",
        view=view,
        amount=waiting.in_words() or people_money(0, waiting.currency),
        platform_name=platform_name(waiting.platform),
        expires=waiting.oldest_expiry.strftime("%d %B %Y") if waiting.oldest_expiry else None,
        site_url=f"/creator/claim?token={token}",
    )


@router.post("/v1/claims")
def claim(body: Annotated[ClaimRequest, Body()]) -> ClaimDone:
    done = claiming.claim(current_user_id(router), body.recipient)
    moved, by_currency = _moved(done, current_user_id(router))
    return ClaimDone(
        recipient=done.recipient, claimed=True, moved=moved, moved_by_currency=by_currency
    )


def _moved(done: claiming.Claimed, user_id: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    return _per_currency(done.amounts, user_id)


def _per_currency(
    amounts: dict[str, int], user_id: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Money of several currencies: in the person's own currency (the field clients read),
    and in every currency apart (amounts of different currencies are never added)."""
    own = users.currency_of(user_id)
    listed = [money(amount, currency) for currency, amount in sorted(amounts.items())]
    return money(amounts.get(own, 0), own), listed


class DeclineDone(BaseModel):
    recipient: str
    declined: bool
    refunded: dict[str, str]  # in my own currency
    refunded_by_currency: list[dict[str, str]] = []  # every currency given back, apart
    refunded_rows: int


@router.post("/v1/declines")
def decline(body: Annotated[ClaimRequest, Body()]) -> DeclineDone:
    """Refuse a recipient whose ownership I have proved: its escrow goes back to the
    people who gave it, it leaves the catalogue, and no later flattr is made to it."""
    user = current_user_id(router)
    done = declining.decline(user, body.recipient)
    own, listed = _per_currency(done.refunded, user)
    return DeclineDone(
        recipient=done.recipient,
        declined=True,
        refunded=own,
        refunded_by_currency=listed,
        refunded_rows=done.rows,
    )


def _domain_out(
    claim: Any, method: str | None = None, moved: claiming.Claimed | None = None
) -> DomainOut:
    own, listed = _moved(moved, claim.user_id) if moved is not None else (None, None)
    return DomainOut(
        domain=claim.domain,
        verified=claim.verified_at is not None,
        token=claim.token,
        dns=DnsRecord(
            name=f"_flattr.{claim.domain}",
            type="TXT",
            value=f"{domains.TXT_PREFIX}{claim.token}",
        ),
        meta=f'<meta name="flattr:id" content="{claim.token}">',
        method=method,
        moved=own,
        moved_by_currency=listed,
    )


@router.post("/v1/domains")
def add_domain(body: Annotated[DomainRequest, Body()]) -> Response[Any]:
    claim = domains.start(current_user_id(router), body.domain)
    return Response(
        status_code=201,
        content_type="application/json",
        body=_domain_out(claim).model_dump_json(),
    )


class DomainList(BaseModel):
    items: list[DomainOut]
    cursor: str | None = None


@router.get("/v1/domains")
def list_domains() -> DomainList:
    """My domains, verified or still being proved, with what to publish for each."""
    return DomainList(items=[_domain_out(c) for c in domains.mine(current_user_id(router))])


@router.post("/v1/domains/<domain>/verify")
def verify_domain(
    domain: Annotated[str, Path(min_length=3, max_length=253)],
) -> DomainOut:
    user = current_user_id(router)
    claim, method = domains.verify(user, domain)
    moved = claiming.move_escrow(f"web:{claim.domain}", user)
    return _domain_out(claim, method, moved)


@router.get("/v1/unclaimed", public=True)
def unclaimed_catalogue(
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[Literal["top", "trending"], Query()] = "top",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CataloguePage:
    entries, next_cursor = catalogue.page(q, sort, cursor, limit)
    return CataloguePage(
        items=[
            CatalogueItem(
                recipient=recipient_ref(entry.recipient, False),
                amount=money(int(entry.amount), currencies.of(entry.currency)),
                amounts=[money(int(a), c) for c, a in sorted((entry.amounts or {}).items())]
                or [money(int(entry.amount), currencies.of(entry.currency))],
                recent=money(int(entry.recent), currencies.of(entry.currency)),
                supporters=int(entry.supporters),
                flattrs=int(entry.flattrs),
                expires_month=entry.expires_month,
            )
            for entry in entries
        ],
        cursor=next_cursor,
    )


class AddressRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    address: Annotated[str, Field(min_length=3, max_length=320)]


class AddressSent(BaseModel):
    recipient: str
    sent: bool


class ProofRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class AddressOut(BaseModel):
    recipient: RecipientRef
    proven_at: str
    moved: dict[str, str] | None = None
    moved_by_currency: list[dict[str, str]] | None = None


class AddressList(BaseModel):
    items: list[AddressOut]
    cursor: str | None = None


@router.post("/v1/emails")
def prove_address(body: Annotated[AddressRequest, Body()]) -> Response[Any]:
    """Send a single-use link to an address, to prove it mine: pages may name an address
    as their receiver (``flattr:id`` with ``mailto:``), and its money waits for whoever
    proves it."""
    key = addresses.send_proof(current_user_id(router), body.address)
    return Response(
        status_code=202,
        content_type="application/json",
        body=AddressSent(recipient=key, sent=True).model_dump_json(),
    )


@router.post("/v1/emails/verify")
def verify_address(body: Annotated[ProofRequest, Body()]) -> AddressOut:
    """The link sent to the address, opened while signed in: the address is proven, and
    what waits for it moves to me."""
    user = current_user_id(router)
    key = addresses.prove(user, body.token)
    moved = claiming.move_escrow(key, user)
    emails.forget_address(key)  # claimed: nobody need write to it any more
    return AddressOut(
        recipient=recipient_ref(key, True),
        proven_at=rfc3339(clock.now()),
        moved=_moved(moved, user)[0],
        moved_by_currency=_moved(moved, user)[1],
    )


@router.get("/v1/emails")
def list_addresses() -> AddressList:
    """The addresses I proved, by their recipient (never the address itself: not kept)."""
    user = current_user_id(router)
    return AddressList(
        items=[
            AddressOut(
                recipient=recipient_ref(p.recipient, claiming.owner_of(p.recipient) == user),
                proven_at=rfc3339(p.proven_at),
            )
            for p in addresses.proven(user)
        ]
    )


class RecipientPage(BaseModel):
    recipient: RecipientRef
    declined: bool
    waiting: dict[str, str] | None  # money held for it, while unclaimed
    supporters: int | None
    flattrs: int | None
    home: str | None  # a site's home page; platform recipients have none to give
    waiting_by_currency: list[dict[str, str]] | None = None  # every currency, apart
    avatar: str | None = None  # an email recipient's Gravatar image, as we keep it
    # While unclaimed: when the oldest of what waits goes back to its givers.
    expires_at: str | None = None


@router.get("/v1/recipients/<key>", public=True)
def recipient_page(key: Annotated[str, Path(pattern=RECIPIENT, max_length=320)]) -> RecipientPage:
    """Public: what a receiver is, whether it is claimed (or declined), what waits for it."""
    owner, declined = claiming.standing(key)
    # What waits is read from escrow now (the catalogue is rebuilt daily: a page never lags).
    listed = waiting_for(key) if owner is None and not declined else None
    if listed is not None and listed.amount <= 0:
        listed = None
    return RecipientPage(
        recipient=recipient_ref(key, owner is not None),
        declined=declined,
        waiting=money(listed.amount, listed.currency) if listed else None,
        waiting_by_currency=(
            [money(a, c) for c, a in sorted(listed.amounts.items())] if listed else None
        ),
        supporters=int(listed.supporters) if listed else None,
        flattrs=int(listed.flattrs) if listed else None,
        expires_at=rfc3339(listed.oldest_expiry) if listed else None,
        home=f"https://{key[4:]}/" if key.startswith("web:") else None,
        avatar=f"/v1/recipients/{key}/avatar"
        if key.startswith("email:") and emails.has_avatar(key)
        else None,
    )


@router.get("/v1/recipients/<key>/avatar", public=True)
def recipient_avatar(
    key: Annotated[str, Path(pattern=r"^email:[A-Za-z0-9_-]{10,40}$", max_length=60)],
):  # no return annotation: an image is no model to validate (the router sends it base64)
    """Public: the image of an email recipient's Gravatar profile, served from our copy
    (asking Gravatar from a reader's browser would tell it who reads about whom)."""
    found = emails.avatar_of(key)
    if found is None:
        raise Missing("key: no image kept for this recipient")
    image, kind = found
    return Response(
        status_code=200,
        content_type=kind,
        body=image,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


class ProfileRecipient(RecipientRef):
    url: str


class PublicProfileOut(BaseModel):
    username: str
    display_name: str
    description: str
    avatar_url: str | None = None
    recipients: list[ProfileRecipient]
    supporters: int  # distinct contributors who flattred them this month so far
    receives: list[dict[str, str]] | None  # this month so far, one per currency; if shown
    goal: dict[str, str] | None


Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{3,30}$")]


@router.get("/v1/profiles/<username>", public=True)
def public_profile(username: Username) -> PublicProfileOut:
    """Public: a creator's page, as it is now (never cached)."""
    found = profiles.public(username)
    return PublicProfileOut(
        username=found.username,
        display_name=found.display_name,
        description=found.description,
        recipients=[ProfileRecipient(**r.ref.model_dump(), url=r.url) for r in found.recipients],
        supporters=found.supporters,
        receives=(
            [money(amount, currency) for currency, amount in found.receives.items()]
            if found.receives is not None
            else None
        ),
        goal=money(found.goal, found.currency) if found.goal else None,
        avatar_url=found.avatar_url,
    )


@router.get("/v1/profiles/<username>/avatar", public=True)
def profile_avatar(username: Username):  # no return annotation: an image, sent base64
    """Public: the creator's picture, from our copy. Its URL carries its version (``?v=``),
    so it may be cached for a long time: a new picture is a new URL."""
    return Response(
        status_code=200,
        content_type=avatars.CONTENT_TYPE,
        body=profiles.picture(username),
        headers={"Cache-Control": "public, max-age=604800", "X-Content-Type-Options": "nosniff"},
    )


def _svg(body: str) -> Response[str]:
    return Response(
        status_code=200,
        content_type="image/svg+xml",
        body=body,
        # A badge may lag an hour (a page never does).
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/v1/profiles/<username>/badge.svg", public=True)
def profile_badge(username: Username) -> Response[str]:
    found = profiles.public(username)
    value = badges.supporters_text(found.supporters)
    if found.receives is not None:
        value += "".join(f", {people_money(a, c)}" for c, a in found.receives.items())
    return _svg(badges.badge(f"Flattr {found.display_name}", value))


@router.get("/v1/recipients/<key>/badge.svg", public=True)
def recipient_badge(key: Annotated[str, Path(pattern=RECIPIENT, max_length=320)]) -> Response[str]:
    """A recipient's badge: its supporters this month, or, unclaimed, what waits for it."""
    owner, declined = claiming.standing(key)
    name = recipient_ref(key, owner is not None).display_name
    waits = None if owner is not None or declined else waiting_for(key)
    if waits is not None and waits.amount > 0:
        value = f"{waits.in_words()} waits to be claimed"
    else:
        value = badges.supporters_text(profiles.supporters_this_month([key]))
    return _svg(badges.badge(f"Flattr {name}", value))


UnsubscribeToken = Annotated[str, Query(min_length=10, max_length=1024)]


@router.get("/v1/email/unsubscribe", public=True)
def unsubscribe_page(token: UnsubscribeToken) -> Response[str]:
    """What the link in the email opens: a confirmation with one button (a GET changes
    nothing, so link scanners cannot unsubscribe anyone)."""
    if links.read_unsubscribe_token(token) is None:
        return _html(404, "missing.html")
    return _html(200, "unsubscribe.html", token=token, done=False)


@router.post("/v1/email/unsubscribe", public=True)
def unsubscribe(token: UnsubscribeToken) -> Response[str]:
    """RFC 8058 one-click unsubscribe (and the confirmation page's button)."""
    found = links.read_unsubscribe_token(token)
    if found is None:
        raise Malformed("is not an unsubscribe token of ours", field="query.token")
    events.unsubscribe(*found)
    return _html(200, "unsubscribe.html", token=token, done=True)


routers = [router]  # what the Lambda serves and the OpenAPI document describes

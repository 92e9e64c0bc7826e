"""The track API: attention, visits, explicit flattrs, my flattrs, resolve."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from functions.common import clock
from functions.common.api import DomainRouter, current_user_id
from functions.common.clock import rfc3339
from functions.common.errors import Problem
from functions.common.months import month_of
from functions.common.pagination import decode_cursor, encode_cursor
from functions.core import flattrs
from functions.core.models import Flattr
from functions.core.ownership.resolve import NOBODY, PENDING, Resolution
from functions.core.recipients import RecipientRef, recipient_ref
from functions.track import bulk, health, restv2, store, tracking

router = DomainRouter()
LOOKUP_RETRY_SECONDS = 5  # a queued owner lookup is usually answered within seconds

Url = Annotated[str, Field(min_length=1, max_length=2048)]
EventId = UUID


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AttentionReportIn(_In):
    event_id: EventId
    url: Url
    kind: Literal["text", "media"]
    active_seconds: Annotated[int, Field(strict=True, ge=1, le=900)]
    at: AwareDatetime


class AttentionIn(_In):
    device_id: Annotated[str, Field(min_length=1, max_length=128)]
    reports: Annotated[list[AttentionReportIn], Field(min_length=1, max_length=100)]


class VisitIn(_In):
    event_id: EventId
    url: Url
    at: AwareDatetime
    dwell_seconds: Annotated[int | None, Field(strict=True, ge=0, le=86_400)] = None


class VisitsIn(_In):
    device_id: Annotated[str, Field(min_length=1, max_length=128)]
    visits: Annotated[list[VisitIn], Field(min_length=1, max_length=500)]


class ExplicitIn(_In):
    event_id: EventId
    url: Url
    title: Annotated[str | None, Field(max_length=300)] = None


class FlattrOut(BaseModel):
    id: str
    url: str
    title: str | None = None
    recipient: RecipientRef
    source: Literal["attention", "visit", "button", "activity"]
    created_at: str
    month: str
    app: str | None = None  # the app that made it (the Flattr REST API v2), if one did


class Rejection(BaseModel):
    event_id: str
    reason: str


class DoneOut(BaseModel):
    """A page that has earned every flattr it can today: reports of it (of ``kind``: text
    ones when media could still earn, else any) change nothing ``until`` the day ends."""

    event_id: str
    until: str
    kind: Literal["text", "any"]


class RecordedOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    flattrs: list[FlattrOut]
    done: list[DoneOut] = []


class FlattrPage(BaseModel):
    items: list[FlattrOut]
    cursor: str | None


class ResolveOut(BaseModel):
    url: str
    flattrable: bool
    reason: str | None = None
    recipient: RecipientRef | None
    goes_to_creator: bool
    # The owner is being looked up (a video's channel, a short link's target): a flattr
    # now waits for it; ask again after ``retry_after`` seconds for the settled owner.
    pending: bool = False
    retry_after: int | None = None


def flattr_out(flattr: Flattr, claimed: bool) -> FlattrOut:
    return FlattrOut(
        id=flattr.flattr_id,
        url=flattr.url,
        title=flattr.title,
        recipient=recipient_ref(flattr.recipient, claimed),
        source=flattr.source,  # type: ignore[arg-type]
        created_at=rfc3339(flattr.created_at),
        month=flattr.month,
        app=flattr.app,
    )


def _recorded(outcome: tracking.Outcome) -> RecordedOut:
    return RecordedOut(
        accepted=outcome.accepted,
        duplicates=outcome.duplicates,
        rejected=[Rejection(**r) for r in outcome.rejected],
        flattrs=[_with_resolution(f, r) for f, r in outcome.flattrs],
        done=[
            DoneOut(event_id=event_id, until=rfc3339(until), kind=kind)  # type: ignore[arg-type]
            for event_id, until, kind in outcome.done
        ],
    )


def _with_resolution(flattr: Flattr, resolution: Resolution) -> FlattrOut:
    claimed = bool(resolution.recipient and resolution.recipient.claimed)
    return flattr_out(flattr, claimed)


@router.post("/v1/attention", devices=True)
def post_attention(body: Annotated[AttentionIn, Body()]) -> RecordedOut:
    reports = [
        tracking.AttentionReport(str(r.event_id), r.url, r.kind, r.active_seconds, r.at)
        for r in body.reports
    ]
    return _recorded(tracking.record_attention(current_user_id(router), reports, clock.now()))


@router.post("/v1/visits", devices=True)
def post_visits(body: Annotated[VisitsIn, Body()]) -> RecordedOut:
    visits = [
        tracking.VisitReport(str(v.event_id), v.url, v.at, v.dwell_seconds) for v in body.visits
    ]
    return _recorded(tracking.record_visits(current_user_id(router), visits, clock.now()))


@router.post("/v1/flattrs", devices=True)
def post_flattr(body: Annotated[ExplicitIn, Body()]) -> Response[FlattrOut]:
    try:
        flattr, resolution, created = tracking.give_explicit_flattr(
            current_user_id(router), str(body.event_id), body.url, body.title, clock.now()
        )
    except tracking.Refused as refusal:
        raise _not_flattrable(refusal.reason) from refusal
    out = _with_resolution(flattr, resolution)
    return Response(
        status_code=201 if created else 200,
        content_type="application/json",
        body=out,
    )


class PageTodayOut(BaseModel):
    url: str
    day: str
    seconds: int
    media: bool
    flattrs: int
    next_flattr_in: int | None


@router.get("/v1/attention", devices=True)
def get_attention(url: Annotated[str, Query(min_length=1, max_length=2048)]) -> PageTodayOut:
    """A page's attention today from all my devices, its flattrs and the seconds to the
    next one (null when the page has had all of today's)."""
    try:
        today = tracking.page_today(current_user_id(router), url, clock.now())
    except tracking.Refused as refusal:
        raise _not_flattrable(refusal.reason, "query.url") from refusal
    return PageTodayOut(**asdict(today))


class BulkOut(BaseModel):
    flattrs: int
    skipped: dict[str, int]


@router.post("/rest/v2/flattr/bulk", devices=True)
def flattr_bulk() -> BulkOut:
    """The Flattr extension's reports (REST v2): ``[{"url"}, …]``, each one attention flattr
    of its page-day under our rules; what cannot be one is skipped and counted, never a 4xx.
    400 only for a body that is not an array of objects."""
    import json

    user_id = current_user_id(router)
    try:
        entries = json.loads(router.current_event.decoded_body or "null")
    except ValueError:
        entries = None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Problem(
            400,
            "invalid-request",
            'body: must be an array of objects, like [{"url": "https://…"}]',
            errors=[{"field": "body", "message": "not an array of objects"}],
        )
    urls = [e["url"] if isinstance(e.get("url"), str) else None for e in entries]
    done = bulk.record_bulk(user_id, urls, clock.now())
    return BulkOut(flattrs=done.flattrs, skipped={k: v for k, v in done.skipped.items() if v})


def _not_flattrable(reason: str, field: str = "body.url") -> Problem:
    return Problem(
        422,
        "not-flattrable",
        f"url: not flattrable ({reason})",
        errors=[{"field": field, "message": reason}],
    )


def _receiver_kind(key: str, claimed: bool) -> str:
    platform = key.partition(":")[0]
    if platform in (PENDING, NOBODY):
        return "waiting" if platform == PENDING else "nobody"
    return "claimed" if claimed else "unclaimed"


@router.get("/v1/flattrs", devices=True)
def list_flattrs(
    month: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
    receiver: Annotated[
        Literal["any", "claimed", "unclaimed", "waiting", "nobody"], Query()
    ] = "any",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> FlattrPage:
    """My flattrs of a month; ``receiver``: only those whose receiver is claimed, unclaimed,
    still being looked up (``waiting``), or found to be nobody we can pay (``nobody``)."""
    contributor = current_user_id(router)
    wanted_month = month or month_of(clock.now())
    scope = f"flattrs|{contributor}|{wanted_month}"
    items, last = store.flattrs_of_month(
        contributor, wanted_month, limit, decode_cursor(cursor, scope)
    )
    claimed = tracking.directory().records({f.recipient for f in items})
    page = []
    for flattr in items:
        is_claimed = flattr.recipient in claimed or flattr.recipient.startswith("user:")
        if receiver in ("any", _receiver_kind(flattr.recipient, is_claimed)):
            page.append(flattr_out(flattr, is_claimed))
    return FlattrPage(items=page, cursor=encode_cursor(last, scope))


@router.delete("/v1/flattrs/<flattr_id>", devices=True)
def delete_flattr(
    flattr_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response[Any]:
    contributor = current_user_id(router)
    flattr = store.get_flattr(contributor, flattr_id)
    if flattr is None:
        raise Problem(404, "not-found", "flattr_id: no such flattr of yours")
    if flattr.month != month_of(clock.now()) or flattrs.month_is_split(flattr.month):
        raise Problem(
            409,
            "month-closed",
            "flattr_id: only flattrs of the current month can be taken back before its split",
        )
    if not store.delete_flattr(flattr):
        raise Problem(404, "not-found", "flattr_id: no such flattr of yours")
    return Response(status_code=204, body=None)


@router.get("/v1/resolve", public=True)
def resolve_url(url: Annotated[str, Query(min_length=1, max_length=2048)]) -> ResolveOut:
    (resolution,) = tracking.resolve_urls([url], None)
    recipient = resolution.recipient
    if resolution.lookup is not None:
        tracking.ask_soon(resolution.lookup)
    return ResolveOut(
        url=resolution.url,
        flattrable=resolution.flattrable,
        reason=resolution.reason,
        recipient=recipient_ref(recipient.key, recipient.claimed) if recipient else None,
        goes_to_creator=bool(
            recipient and recipient.platform != "web" and resolution.lookup is None
        ),
        pending=resolution.lookup is not None,
        retry_after=LOOKUP_RETRY_SECONDS if resolution.lookup is not None else None,
    )


routers = [
    health.router,
    router,
    restv2.router,
]  # what the Lambda serves and the OpenAPI document describes

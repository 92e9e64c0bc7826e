"""Storage of the track domain: flattrs, page-days, site visits, the recipients directory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import TTLCache
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.common.settings import settings
from functions.common.storage import condition_failed, ensure_bound, transact_write
from functions.core.models import Flattr, User
from functions.track.attention import Expectation, PageDayChange, PageDayState, Span
from functions.track.models import ActivityItem, ContributorDay, ExplicitEvent, PageDay

MAX_PAGE = 100


class ChangedMeanwhile(Exception):
    """Another request changed the item first: read it again and retry."""


class DailyLimit(Exception):
    """The contributor's flattrs for the day would pass the limit."""


# ---------------------------------------------------------------- directory and profile


# A profile's time zone changes rarely; a minute's staleness moves no day boundary much.
_zone_cache: TTLCache[str, str] = TTLCache(10_000, ttl=60)


def time_zone_of(user_id: str) -> str:
    if user_id in _zone_cache:
        return _zone_cache[user_id]
    ensure_bound()
    try:
        zone = User.get(user_id, attributes_to_get=["time_zone"]).time_zone or "UTC"
    except DoesNotExist:
        zone = "UTC"
    _zone_cache[user_id] = zone
    return zone


def clear_caches() -> None:
    _zone_cache.clear()


# ---------------------------------------------------------------- activity items


def load_activity(
    contributor_id: str,
    keys: Sequence[str],
    model: type[ActivityItem],
    consistent: bool = False,
) -> dict[str, Any]:
    """Activity items of one contributor by ``item_key`` (one batch read per 100);
    ``consistent`` after a conflict, to see the write that caused it."""
    ensure_bound()
    items: dict[str, Any] = {}
    for start in range(0, len(keys), 100):
        chunk = [(contributor_id, key) for key in keys[start : start + 100]]
        for item in model.batch_get(chunk, consistent_read=consistent):
            items[item.item_key] = item
    return items


@dataclass(frozen=True)
class DayTotals:
    flattrs: int = 0
    attention: int = 0
    pages: int = 0
    sites: int = 0
    known: bool = True  # False: a reservation that wrote nothing, so learnt nothing


def _totals(item: ContributorDay) -> DayTotals:
    return DayTotals(
        int(item.flattrs or 0), int(item.attention or 0), int(item.pages or 0), int(item.sites or 0)
    )


def day_totals(contributor_id: str, day: str) -> DayTotals:
    """The contributor's totals on one local day (one read, whatever the day holds)."""
    ensure_bound()
    try:
        return _totals(ContributorDay.get(contributor_id, f"day#{day}", consistent_read=True))
    except DoesNotExist:
        return DayTotals()


def day_counter(contributor_id: str, day: str) -> int:
    return day_totals(contributor_id, day).flattrs


def _day_limits() -> dict[str, int]:
    limits = settings()
    return {
        "attention": limits.max_attention_seconds_per_day,
        "pages": limits.max_pages_per_day,
        "sites": limits.max_sites_per_day,
        "flattrs": limits.max_flattrs_per_day,
    }


def reserve_day(
    contributor_id: str, day: str, expires_at: datetime, **amounts: int
) -> DayTotals | None:
    """Add ``amounts`` (attention seconds, new pages, new sites, flattrs due) to the day's
    totals if no daily limit is passed, and answer the day's totals after it (the update
    answers them: no read); None, and nothing added, otherwise. One atomic update: any
    number of requests reserve at once without conflicting."""
    wanted = {name: n for name, n in amounts.items() if n > 0}
    if not wanted:
        return DayTotals(known=False)
    limits = _day_limits()
    if any(n > limits[name] for name, n in wanted.items()):
        return None
    ensure_bound()
    actions: list[Any] = [ContributorDay.expires_at.set(expires_at)]
    condition: Any = None
    for name, n in wanted.items():
        attribute = getattr(ContributorDay, name)
        actions.append(attribute.add(n))
        fits = attribute.does_not_exist() | (attribute <= limits[name] - n)
        condition = fits if condition is None else condition & fits
    reserved = ContributorDay(contributor_id, f"day#{day}")
    try:
        reserved.update(actions=actions, condition=condition)  # answers its new values
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return _totals(reserved)


def release_day(contributor_id: str, day: str, **amounts: int) -> None:
    """Give back what a reservation took for reports that were not recorded after all."""
    given = {name: n for name, n in amounts.items() if n > 0}
    if not given:
        return
    ensure_bound()
    ContributorDay(contributor_id, f"day#{day}").update(
        actions=[getattr(ContributorDay, name).add(-n) for name, n in given.items()]
    )


def _transact_with_flattrs(
    write_item: Callable[[TransactWrite], None],
    contributor_id: str,
    flattrs: Sequence[Flattr],
    *,
    day: str,
    expires_at: datetime,
    extra: Sequence[Model] = (),
    counted: int = 0,
) -> None:
    """One transaction: the activity item's write, the new flattrs, ``extra`` markers and
    the day's flattr counter (under the daily limit) for the flattrs beyond the ``counted``
    ones (already reserved with the day's totals: then two items for one flattr). Raises
    ``DailyLimit`` when the counter's condition fails, ``ChangedMeanwhile`` when another does."""
    cap = settings().max_flattrs_per_day
    uncounted = len(flattrs) - counted
    counter = ContributorDay(contributor_id, f"day#{day}")
    try:
        with transact_write() as transaction:
            write_item(transaction)
            for flattr in flattrs:
                transaction.save(flattr, condition=Flattr.flattr_id.does_not_exist())
            for other in extra:
                transaction.save(other, condition=ActivityItem.item_key.does_not_exist())
            if uncounted > 0:
                transaction.update(
                    counter,
                    actions=[
                        ContributorDay.flattrs.add(uncounted),
                        ContributorDay.expires_at.set(expires_at),
                    ],
                    condition=ContributorDay.flattrs.does_not_exist()
                    | (ContributorDay.flattrs <= cap - uncounted),
                )
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        last = reasons[-1] if reasons else None
        if uncounted > 0 and last is not None and last.code == "ConditionalCheckFailed":
            raise DailyLimit from error
        if _conflicted(error):
            raise ChangedMeanwhile from error
        raise


# A transaction cancelled for these reasons is tried again after reading afresh.
CONFLICTS = ("ConditionalCheckFailed", "TransactionConflict")


def _conflicted(error: TransactWriteError) -> bool:
    return any(r is not None and r.code in CONFLICTS for r in error.cancellation_reasons or [])


def save_with_flattrs(
    item: Model,
    flattrs: Sequence[Flattr],
    *,
    day: str,
    expires_at: datetime,
    extra: Sequence[Model] = (),
) -> None:
    """Save a versioned activity item (a site's visits); with flattrs, in one transaction
    with them and the day counter. Raises ``ChangedMeanwhile`` when another request saved the
    item first, ``DailyLimit`` when the day's flattrs would pass the limit."""
    ensure_bound()
    if not flattrs and not extra:
        try:
            item.save()
        except Exception as error:
            if condition_failed(error):
                raise ChangedMeanwhile from error
            raise
        return
    _transact_with_flattrs(
        lambda transaction: transaction.save(item),
        getattr(item, "contributor_id"),  # noqa: B009
        flattrs,
        day=day,
        expires_at=expires_at,
        extra=extra,
    )


def update_page_day(
    contributor_id: str,
    key: str,
    actions: Sequence[Action],
    condition: Condition,
    flattrs: Sequence[Flattr] = (),
    *,
    day: str,
    expires_at: datetime,
    extra: Sequence[Model] = (),
    counted: int = 0,
) -> None:
    """Apply ``actions`` to a page-day under ``condition``; with flattrs, in one transaction
    with them and the day counter (for those beyond the ``counted``). Raises ``ChangedMeanwhile``
    when the condition no longer holds (read again and decide again), ``DailyLimit`` as
    ``save_with_flattrs``."""
    ensure_bound()
    item = PageDay(contributor_id, key)
    if not flattrs and not extra:
        try:
            item.update(actions=list(actions), condition=condition)
        except UpdateError as error:
            if condition_failed(error):
                raise ChangedMeanwhile from error
            raise
        return
    _transact_with_flattrs(
        lambda transaction: transaction.update(item, list(actions), condition=condition),
        contributor_id,
        flattrs,
        day=day,
        expires_at=expires_at,
        extra=extra,
        counted=counted,
    )


def state_of(item: PageDay | None) -> PageDayState:
    """What a page-day read holds, for the rules (``track/attention.py``)."""
    if item is None:
        return PageDayState()
    return PageDayState(
        exists=True,
        seconds=int(item.seconds or 0),
        media=bool(item.media),
        awarded=int(item.awarded or 0),
        events=frozenset(item.events or ()),
        span=Span(
            int(min(item.starts)) if item.starts else None,
            int(max(item.ends)) if item.ends else None,
        ),
    )


def page_day_update(change: PageDayChange) -> tuple[list[Action], Condition]:
    """A page-day change as DynamoDB's update actions and condition: ``change.expect``
    as ``Expectation.holds`` says it."""
    actions: list[Action] = [
        PageDay.awarded.set(change.awarded),
        PageDay.expires_at.set(change.expires_at),
    ]
    if change.seconds:
        actions += [
            PageDay.seconds.add(change.seconds),
            PageDay.events.add(set(change.events)),
            PageDay.starts.add(set(change.starts)),
            PageDay.ends.add(set(change.ends)),
        ]
    if change.media:
        actions.append(PageDay.media.set(True))
    return actions, _condition(change.expect)


def _condition(expect: Expectation) -> Condition:
    if expect.absent:
        return PageDay.item_key.does_not_exist()
    condition = PageDay.awarded == expect.awarded
    if expect.still_text:
        condition &= (PageDay.media == False) | PageDay.media.does_not_exist()  # noqa: E712
    if expect.seconds_below is not None:
        condition &= PageDay.seconds < expect.seconds_below
    if expect.seconds_at_most is not None:
        condition &= PageDay.seconds <= expect.seconds_at_most
    for event in sorted(expect.events_absent):
        condition &= ~PageDay.events.contains(event)
    return condition


def update_page_days(contributor_id: str, updates: Sequence[tuple[str, PageDayChange]]) -> None:
    """Apply several page-days' updates (key, actions, condition) in one transaction: one
    request for the page-days of a request of reports instead of one each. Raises
    ``ChangedMeanwhile`` when a condition no longer holds or another write met one of them:
    nothing was written then."""
    ensure_bound()
    try:
        with transact_write() as transaction:
            for key, change in updates:
                actions, condition = page_day_update(change)
                transaction.update(PageDay(contributor_id, key), actions, condition=condition)
    except TransactWriteError as error:
        if _conflicted(error):
            raise ChangedMeanwhile from error
        raise


def explicit_event(contributor_id: str, event_hash: str) -> str | None:
    ensure_bound()
    try:
        return str(ExplicitEvent.get(contributor_id, f"evt#{event_hash}").flattr_id)
    except DoesNotExist:
        return None


# ---------------------------------------------------------------- flattrs


def get_flattr(contributor_id: str, flattr_id: str) -> Flattr | None:
    ensure_bound()
    try:
        return Flattr.get(contributor_id, flattr_id)
    except DoesNotExist:
        return None


def delete_flattr(flattr: Flattr) -> bool:
    ensure_bound()
    try:
        flattr.delete(condition=Flattr.flattr_id.exists())
    except Exception as error:
        if condition_failed(error):
            return False
        raise
    return True


def flattrs_of_month(
    contributor_id: str, month: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Flattr], dict[str, Any] | None]:
    """One page of a contributor's flattrs of ``month``, newest first."""
    ensure_bound()
    results = Flattr.query(
        contributor_id,
        Flattr.flattr_id.startswith(month.replace("-", "")),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=cursor,
    )
    items = list(results)
    return items, results.last_evaluated_key

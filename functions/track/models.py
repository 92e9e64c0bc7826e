"""Tracking's table: attention, visits and explicit events that have not (yet) earned a
flattr. Keys hold a keyed hash of the URL or site, never the URL; every item expires
through TTL.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


@table
class ActivityItem(Model):
    class Meta(TableMeta):
        table_name = "activity"

    contributor_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    expires_at = TTLAttribute()


@table
class PageDay(ActivityItem):
    """``att#<day>#<url-hash>``: one page's attention on one local day, all devices.

    Written only by commutative updates (``ADD`` of seconds, events and interval ends,
    each under a condition that the thresholds it read still hold), so reports from
    several devices at once do not conflict: see ``track/tracking.py``."""

    seconds = NumberAttribute(default=0)
    media = BooleanAttribute(default=False)
    awarded = NumberAttribute(default=0)
    # The reported intervals' starts and ends (epoch seconds): attention cannot exceed
    # max(ends) - min(starts). Sets, because ADD to a set commutes where max() cannot.
    starts = NumberSetAttribute(null=True)
    ends = NumberSetAttribute(null=True)
    events = UnicodeSetAttribute(null=True)
    button_flattr_id = UnicodeAttribute(null=True)


@table
class SiteVisits(ActivityItem):
    """``vis#<site-hash>``: one site's page views of the last 30 days, as
    ``[epoch, page-hash, dwell]``, and when its visit flattrs were given."""

    views = ListAttribute[Any](null=True)
    loyal_awards = NumberSetAttribute(null=True)
    session_days = UnicodeSetAttribute(null=True)
    version = VersionAttribute()


@table
class ExplicitEvent(ActivityItem):
    """``evt#<event-hash>``: the flattr an explicit flattr's ``event_id`` made."""

    flattr_id = UnicodeAttribute()


@table
class ContributorDay(ActivityItem):
    """``day#<day>``: the contributor's totals on one local day, for the daily limits:
    flattrs made, attention seconds, distinct pages and sites."""

    flattrs = NumberAttribute(default=0)
    attention = NumberAttribute(null=True)
    pages = NumberAttribute(null=True)
    sites = NumberAttribute(null=True)

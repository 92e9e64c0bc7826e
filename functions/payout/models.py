"""The payout domain's table: each month's public statistics."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from functions.common.tables import TableMeta, table


@table
class MonthStat(Model):
    """Aggregates of a month's split, for the public stats: one item per shard
    (``shard#007``, rewritten whole by every run of that shard), one marker per creator
    paid (``creator#<id>``, only to count them; removed with the month's total), and the
    month's ``total`` written when the split finishes. Never read per user."""

    class Meta(TableMeta):
        table_name = "stats"

    month = UnicodeAttribute(hash_key=True)
    part = UnicodeAttribute(range_key=True)
    contributors = NumberAttribute(default=0)
    flattrs = NumberAttribute(default=0)
    charged = NumberAttribute(default=0)
    fees = NumberAttribute(default=0)
    to_creators = NumberAttribute(default=0)
    to_escrow = NumberAttribute(default=0)
    creators = NumberAttribute(default=0)

"""A day of browsing on two devices, then every table is scanned: no URL or site that
did not earn a flattr is stored readable, and what is stored expires."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3

from functions.tables import TABLE_MODELS
from tests.integration.track_helpers import (
    at_base,
    attend,
    explicit,
    my_flattrs,
    report,
    visit,
    visits,
)


def scan_everything() -> list[dict]:
    client = boto3.client("dynamodb", region_name="eu-west-1")
    items: list[dict] = []
    for model in TABLE_MODELS:
        paginator = client.get_paginator("scan")
        for page in paginator.paginate(TableName=model.Meta.table_name):
            items += [dict(item, _table={"S": model.Meta.table_name}) for item in page["Items"]]
    return items


def test_a_day_of_browsing_stores_no_unflattred_url_readable(aws):
    start = at_base() - timedelta(hours=10)
    unflattred = [f"https://private{i}.example/secret-page-{i}?q=diagnosis-{i}" for i in range(20)]
    flattred = "https://reader.example/long-read"
    for hour in range(8):
        at = start + timedelta(hours=hour)
        device = "laptop" if hour % 2 else "phone"
        attend(
            *[report(url, 5, at + timedelta(minutes=i)) for i, url in enumerate(unflattred)],
            device=device,
        )
        attend(report(flattred, 40, at + timedelta(minutes=30)), device=device)
        visits(
            *[
                visit(url, at + timedelta(minutes=40 + i), dwell=5)
                for i, url in enumerate(unflattred)
            ],
            device=device,
        )
    explicit("https://button.example/page", title="Thanks")

    # Each private page gets 8 x 5 s (under the 50 s threshold); its visits are an hour
    # apart with 5 s dwell (no loyal-reader or session flattr): none earns a flattr.
    earned = {f["url"] for f in my_flattrs()}
    assert not any("private" in url for url in earned)
    assert "https://reader.example/long-read" in earned
    assert "https://button.example/page" in earned
    stored = json.dumps(scan_everything())
    assert "reader.example" in stored  # sanity: a flattr's URL is stored, the scan sees it
    for url in unflattred:
        host = url.split("/")[2]
        for fragment in (
            url,
            host,
            host.split(".")[0],
            url.split("/", 3)[3].split("?")[0],
            "diagnosis",
        ):
            assert fragment not in stored, fragment


def test_everything_that_has_not_earned_a_flattr_has_a_ttl(aws):
    now = at_base()
    attend(report("https://a.example/x", 20, now))
    visits(visit("https://b.example/y", now, dwell=20))
    for item in scan_everything():
        if item["_table"]["S"].endswith("activity"):
            assert "expires_at" in item, item
            expires = int(item["expires_at"]["N"])
            assert now.timestamp() < expires <= (now + timedelta(days=31)).timestamp()

"""Benchmark of polling likes: ``python -m bench.poll``.

Two figures, each a ratio against a floor measured in the same run, on in-process moto
with GitHub played by ``responses`` (recorded shapes, pages of 100 stars):
(a) likes turned into flattrs per second by the real ``poll-connections`` job vs the
    same DynamoDB requests sent again raw with boto3, as the job sent them, on the same
    state seeded again: what the poller's own code (GitHub's pages read and parsed, owners
    resolved, flattrs built) costs beyond its requests. Beside it, the earlier floor: raw
    conditional PutItem of the same flattr items alone; and the work that floor leaves out,
    measured alone on the same likes: GitHub's pages read through ``responses`` and parsed
    into likes (their owners taken from each repository), and the flattrs built;
(b) DynamoDB writes per new like, counted with botocore hooks, vs one write per like.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import (
    configure,
    count_dynamodb_calls,
    emulator,
    pynamodb_clients,
    recording,
    replay,
    report_line,
)

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def stars(count: int, start: datetime) -> list[dict[str, Any]]:
    return [
        {
            "starred_at": (start - timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "repo": {
                "id": 10_000 + i,
                "html_url": f"https://github.com/owner{i % 200}/repo{i}",
                "owner": {"login": f"owner{i % 200}", "id": i % 200},  # 200 accounts
            },
        }
        for i in range(count)
    ]


API = "https://api.github.com/user/starred"


def _recorded_stars(mock: Any, all_stars: list[dict[str, Any]]) -> None:
    """GitHub's starred list, 100 a page, linked as GitHub links its pages."""
    import responses

    likes = len(all_stars)
    for page in range(0, likes, 100):
        link = {"Link": f'<{API}?page={page // 100 + 2}>; rel="next"'} if page + 100 < likes else {}
        mock.get(
            API if page == 0 else f"{API}?page={page // 100 + 1}",
            json=all_stars[page : page + 100],
            headers=link,
            match=[
                responses.matchers.query_param_matcher(
                    {"page": str(page // 100 + 1)}
                    if page
                    else {"sort": "created", "direction": "desc", "per_page": "100"}
                )
            ],
        )


def _connect(now: datetime) -> None:
    from functions.common import crypto
    from functions.core.models import Connection

    Connection(
        "bench-user",
        "github",
        identity="github#1",
        handle="bench",
        auto_flattr=True,
        token=crypto.seal({"access_token": "t", "token_type": "bearer"}, "bench-user/github"),
        next_poll_at=0,
        connected_at=now,
    ).save()


def _floor_seconds(all_stars: list[dict[str, Any]]) -> float:
    """The same flattrs written as raw conditional PutItems."""
    import boto3

    from functions.core import flattrs
    from functions.core.models import Flattr

    client = boto3.client("dynamodb", region_name="eu-west-1")
    items = []
    for i, star in enumerate(all_stars):
        at = datetime.fromisoformat(star["starred_at"].replace("Z", "+00:00"))
        flattr = flattrs.new_flattr(
            "floor-user",
            flattrs.flattr_id_for(at, f"floor|{i}"),
            "github:x",
            star["repo"]["html_url"],
            "activity",
            at,
        )
        items.append(flattr.serialize())
    began = time.perf_counter()
    for item in items:
        client.put_item(
            TableName=Flattr.Meta.table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(flattr_id)",
        )
    return time.perf_counter() - began


def _left_out_seconds(likes: int) -> tuple[float, float]:
    """The poller's work beyond its DynamoDB requests, alone: GitHub's pages read and parsed
    (the adapter, through the same ``responses``), and the flattrs built and serialised."""
    from functions.core import flattrs
    from functions.core.platforms.registry import CONNECTABLE

    adapter = CONNECTABLE["github"].at(None)
    began = time.perf_counter()
    session = adapter.session({"access_token": "t", "token_type": "bearer"}, on_refresh=print)
    page = adapter.poll(session, None, "1")
    read = time.perf_counter() - began
    assert len(page.likes) == likes, len(page.likes)
    began = time.perf_counter()
    for like in page.likes:
        at = like.liked_at
        assert at is not None
        flattr_id = flattrs.flattr_id_for(at, f"bench-user|github|like|{like.item_id}")
        flattrs.new_flattr(
            "bench-user", flattr_id, like.owner_key, like.url, "activity", at
        ).serialize()
    return read, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--likes", type=int, default=1000)
    args = parser.parse_args()
    configure()

    import responses
    from moto import mock_aws

    from functions.common import clock
    from functions.common.settings import settings
    from functions.connections import poller
    from local.provision import provision

    with mock_aws(), responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("https://kms")
        provision(settings(), user_pool=False)
        now = datetime(2031, 5, 20, 12, tzinfo=UTC)
        clock.move_to(now)
        all_stars = stars(args.likes, now - timedelta(minutes=1))
        _recorded_stars(mock, all_stars)
        _connect(now)
        clients = pynamodb_clients()
        with count_dynamodb_calls(clients) as calls, recording(clients) as sent:
            began = time.perf_counter()
            summary = poller.poll_connections({})
            job_seconds = time.perf_counter() - began
        assert summary["flattrs"] == args.likes, summary
        puts_only = _floor_seconds(all_stars)
        read_seconds, build_seconds = _left_out_seconds(args.likes)
    clock.reset()
    with emulator():  # the same state again, for the job's own requests sent raw
        clock.move_to(now)
        _connect(now)
        raw_seconds = replay(sent)

    print(
        report_line(
            "(a) likes turned into flattrs per second",
            args.likes / job_seconds,
            args.likes / raw_seconds,
            "likes/s",
            job_seconds / raw_seconds,
        )
    )
    print(
        f"    the earlier floor, raw conditional PutItem of the flattrs alone: "
        f"{args.likes / puts_only:,.0f} likes/s ({job_seconds / puts_only:.2f}x)"
    )
    both = raw_seconds + read_seconds + build_seconds
    print(
        f"    left out by that floor, measured alone: GitHub's pages read and parsed "
        f"{read_seconds:.2f} s, flattrs built {build_seconds:.2f} s; the floor with them: "
        f"{args.likes / both:,.0f} likes/s, the job {job_seconds / both:.2f}x of it"
    )
    writes = sum(n for name, n in calls.items() if name in WRITES) / args.likes
    print(report_line("(b) DynamoDB writes per new like", writes, 1.0, "writes", writes))
    print("    calls by operation, and by operation and table:", dict(sorted(calls.items())))


if __name__ == "__main__":
    main()

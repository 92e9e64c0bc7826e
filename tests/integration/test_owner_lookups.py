"""Owner lookups: a flattr of a page whose owner only its platform (or the link) can tell is
recorded at once and waits; the lookup worker settles it from the queue; the split waits
for its month's lookups at most six hours, then falls back.

The providers are not reachable here: their answers are the recorded shapes of
``local/recorded/oembed.py`` (from their documentation), served with ``responses``;
host names resolve through a stub (public addresses, and private ones to be refused)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import responses

from functions.common import clock
from functions.common.settings import settings
from functions.core.models import Flattr
from functions.core.ownership import lookups
from functions.core.ownership.resolve import Lookup
from functions.core.ownership.urls import normalise
from local.queues import drain
from local.recorded.oembed import (
    BLUESKY_HANDLE,
    BLUESKY_NO_HANDLE,
    VIMEO_VIDEO,
    YOUTUBE_CHANNEL_HEAD,
    YOUTUBE_VIDEO,
)
from tests.conftest import call
from tests.integration.claim_helpers import connect
from tests.integration.net_helpers import public_web
from tests.integration.payout_helpers import EUR, add_user, run_job
from tests.integration.track_helpers import attend, report

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
CHANNEL = "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"
OEMBED = "https://www.youtube.com/oembed"
PUBLIC = {
    "www.youtube.com": "142.250.74.78",
    "vimeo.com": "162.159.138.60",
    "bit.ly": "67.199.248.10",
    "t.co": "104.244.42.69",
    "buff.ly": "52.4.38.70",
    "public.api.bsky.app": "3.161.82.30",
}
PRIVATE = {"tinyurl.com": "10.0.0.5"}  # as if its name were pointed inside our network


HOSTS = {**PUBLIC, **PRIVATE}


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(OWNER_LOOKUPS="on", HANDLE_LOOKUPS="on")
    with public_web(monkeypatch, HOSTS) as mock:
        yield mock


def youtube_answers(web: responses.RequestsMock) -> None:
    web.get(OEMBED, json=YOUTUBE_VIDEO)
    web.get("https://www.youtube.com/@RickAstleyYT", body=YOUTUBE_CHANNEL_HEAD)


def work_the_queue() -> int:
    return drain(settings().owner_lookups_queue_url, "track", "events_handler")


def my_flattrs(
    user: str = "user-1", month: str = "2031-06", receiver: str = "any"
) -> list[dict[str, Any]]:
    query = f"month={month}&receiver={receiver}"
    return call("GET", "/v1/flattrs", user=user, query=query).json["items"]


def test_a_video_flattred_by_attention_ends_on_the_channel_its_creator_claims(web):
    """Recorded at once to a waiting recipient (no request to YouTube in the report's
    path), settled by the worker through oEmbed and the channel page, split, and claimed by
    the creator whose YouTube connection proves that channel."""
    add_user("user-1", budget=5 * EUR, paid_in=5 * EUR)
    answer = attend(report(VIDEO, 60, clock.now()))
    (made,) = answer.json["flattrs"]
    assert made["recipient"]["platform"] == "pending"
    assert len(web.calls) == 0  # nothing asked in the report's request path
    youtube_answers(web)
    assert work_the_queue() == 1
    (settled,) = my_flattrs()
    assert settled["recipient"]["key"] == CHANNEL
    assert lookups.waiting("2031-06") == []
    resolved = call("GET", "/v1/resolve", user=None, query=f"url={VIDEO}").json
    assert resolved["recipient"]["key"] == CHANNEL and resolved["pending"] is False

    assert run_job("monthly-split", month="2031-06")["ready"] is True
    connect("creator", "youtube", "UCuAXFkgsw1L7xaCfnd5JJOw", "@RickAstleyYT")
    claimed = call("POST", "/v1/claims", body={"recipient": CHANNEL}, user="creator")
    assert claimed.status == 200, claimed.json
    assert claimed.json["moved"]["amount"] != "0.000000"


def test_a_provider_that_keeps_failing_makes_the_split_wait_six_hours_then_fall_back(web):
    add_user("user-1", budget=5 * EUR, paid_in=5 * EUR)
    attend(report("https://example.com/essay", 60, clock.now() - timedelta(minutes=5)))
    attend(report(VIDEO, 60, clock.now()))
    web.get(OEMBED, status=503)
    assert work_the_queue() == 0  # reported failed: SQS brings it back later
    assert [m.reference for m in lookups.waiting("2031-06")] == ["dQw4w9WgXcQ"]
    assert [f["url"] for f in my_flattrs(receiver="waiting")] == [normalise(VIDEO).url]
    assert [f["url"] for f in my_flattrs(receiver="unclaimed")] == ["https://example.com/essay"]

    clock.move_to(clock.now().replace(month=7, day=1, hour=0, minute=31))
    waited = run_job("monthly-split")
    assert waited["ready"] is False and waited["why"] == "waiting for owner lookups"
    clock.move_to(clock.now().replace(hour=6, minute=31))
    split = run_job("monthly-split")
    assert split["ready"] is True and split["flattrs"] == 1  # the video's takes no share
    video = next(f for f in my_flattrs() if "youtube" in f["url"])
    assert video["recipient"]["key"] == "none:lookup_failed"
    assert video["recipient"]["display_name"] == "nobody (lookup failed)"
    assert my_flattrs(receiver="nobody") == [video] and my_flattrs(receiver="waiting") == []
    statement = call("GET", "/v1/me/statements", query="month=2031-06").json
    assert [p["recipient"]["key"] for p in statement["parts"]] == ["web:example.com"]


def test_a_removed_video_has_nobody_to_pay(web):
    web.get(OEMBED, status=404)
    attend(report(VIDEO, 60, clock.now()))
    assert work_the_queue() == 1
    (flattr,) = my_flattrs()
    assert flattr["recipient"]["key"] == "none:owner_unknown"


def test_a_vimeo_video_is_its_owners(web):
    web.get("https://vimeo.com/api/oembed.json", json=VIMEO_VIDEO)
    attend(report("https://vimeo.com/76979871", 60, clock.now()))
    assert work_the_queue() == 1
    (flattr,) = my_flattrs()
    assert flattr["recipient"]["key"] == "vimeo:staff"


def redirect(web: responses.RequestsMock, source: str, target: str) -> None:
    web.get(source, status=301, headers={"Location": target})


def test_a_short_link_chain_is_followed_to_the_video_and_its_channel(web):
    redirect(web, "https://bit.ly/3xyzAbc", "https://t.co/AbC123")
    redirect(web, "https://t.co/AbC123", VIDEO)
    youtube_answers(web)
    assert lookups.ask(Lookup("link", "expand", "https://bit.ly/3xyzAbc")) == CHANNEL


def test_a_short_link_to_a_plain_site_is_the_sites_and_its_target_is_never_fetched(web):
    redirect(web, "https://buff.ly/4kDnA2", "http://www.nytimes.com/2031/06/10/a.html")
    assert lookups.ask(Lookup("link", "expand", "https://buff.ly/4kDnA2")) == "web:nytimes.com"
    assert [c.request.url for c in web.calls] == ["https://buff.ly/4kDnA2"]


def test_a_hop_to_a_private_address_is_refused_before_connecting(web):
    redirect(web, "https://bit.ly/inside", "https://tinyurl.com/metadata")
    web.get("https://tinyurl.com/metadata", status=301, headers={"Location": VIDEO})
    assert lookups.ask(Lookup("link", "expand", "https://bit.ly/inside")) is None
    assert [c.request.url for c in web.calls] == ["https://bit.ly/inside"]


def test_a_redirect_loop_is_stopped(web):
    redirect(web, "https://bit.ly/loop", "https://t.co/loop")
    redirect(web, "https://t.co/loop", "https://bit.ly/loop")
    assert lookups.ask(Lookup("link", "expand", "https://bit.ly/loop")) is None
    assert len(web.calls) == lookups.MAX_HOPS


def test_a_short_links_flattr_waits_and_settles_to_the_target(web):
    redirect(web, "https://buff.ly/4kDnA2", "https://www.nytimes.com/2031/06/10/a.html")
    made = attend(report("https://buff.ly/4kDnA2", 60, clock.now())).json["flattrs"]
    assert made[0]["recipient"]["platform"] == "pending"
    assert work_the_queue() == 1
    assert my_flattrs()[0]["recipient"]["key"] == "web:nytimes.com"


def test_an_answer_is_kept_a_day_so_a_page_is_looked_up_once(web):
    youtube_answers(web)
    attend(report(VIDEO, 60, clock.now()), user="user-1")
    work_the_queue()
    asked = len(web.calls)
    made = attend(report(VIDEO, 60, clock.now()), user="user-2").json["flattrs"]
    assert made[0]["recipient"]["key"] == CHANNEL  # settled at once from the kept answer
    assert work_the_queue() == 0 and len(web.calls) == asked


def test_resolve_says_pending_and_queues_the_lookup_then_names_the_owner(web):
    youtube_answers(web)
    first = call("GET", "/v1/resolve", user=None, query=f"url={VIDEO}").json
    assert first["pending"] is True and first["retry_after"] == 5
    assert work_the_queue() == 1
    then = call("GET", "/v1/resolve", user=None, query=f"url={VIDEO}").json
    assert then["pending"] is False and then["recipient"]["key"] == CHANNEL
    assert Flattr.count() == 0  # asking about a page flattrs nothing


def test_asking_about_many_pages_queues_a_few_lookups_a_second_not_all(web, monkeypatch):
    """``GET /v1/resolve`` is public: a caller naming a hundred videos queues two now (the
    rest answer "pending" too, and are queued when asked again or flattred)."""
    web.get(OEMBED, status=404)  # answered: no such video (each lookup counted once)
    monkeypatch.setattr(lookups.ASKS, "now", lambda: 1000.0)  # no time passes
    for n in range(100):
        video = f"https://www.youtube.com/watch?v=video{n:06d}"
        answer = call("GET", "/v1/resolve", user=None, query=f"url={video}").json
        assert answer["pending"] is True
    assert work_the_queue() == 2
    monkeypatch.setattr(lookups.ASKS, "now", lambda: 1001.0)  # a second later: two more
    for n in range(100):
        call("GET", "/v1/resolve", user=None, query=f"url=https://youtu.be/video{n:06d}")
    assert work_the_queue() == 2


def test_a_months_markers_are_spread_over_partitions_and_all_waited_for(web):
    """A month's many new pages must not all write one partition (about 1,000 writes a
    second each): markers go to 16 by the lookup's id; the split reads all 16."""
    from functions.core.ownership.models import PendingLookup

    wanted = [Lookup("youtube", "video", f"video{n:06d}") for n in range(64)]
    lookups.wait_for("2031-06", wanted, clock.now())
    partitions = {marker.key for marker in PendingLookup.scan()}
    assert len(partitions) > 8 and all(p.startswith("pending#2031-06#") for p in partitions)
    assert {m.reference for m in lookups.waiting("2031-06")} == {w.reference for w in wanted}
    for lookup in wanted:
        lookups.done_waiting("2031-06", lookup)
    assert lookups.waiting("2031-06") == []


RESOLVE_HANDLE = "https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle"


def test_a_bluesky_handle_is_settled_to_its_did_and_the_pair_put_on_record(web):
    from functions.core.ownership import aliases

    web.get(RESOLVE_HANDLE, json=BLUESKY_HANDLE)
    attend(report("https://bsky.app/profile/Jay.bsky.team", 60, clock.now()))
    assert work_the_queue() == 1
    did = "bluesky:did:plc:oky5czdrnfjpqslsw2a5iclo"
    assert [f["recipient"]["key"] for f in my_flattrs()] == [did]
    # Money held under the handle before is claimable by the DID's connection.
    assert aliases.first_holder("bluesky:jay.bsky.team") == did
    assert web.calls[0].request.params == {"handle": "jay.bsky.team"}


def test_a_handle_that_does_not_resolve_keeps_its_own_key(web):
    web.get(RESOLVE_HANDLE, status=400, json=BLUESKY_NO_HANDLE)
    attend(report("https://bsky.app/profile/gone.example.com", 60, clock.now()))
    assert work_the_queue() == 1
    assert [f["recipient"]["key"] for f in my_flattrs()] == ["bluesky:gone.example.com"]

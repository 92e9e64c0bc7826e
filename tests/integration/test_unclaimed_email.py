"""The daily unclaimed-flattrs email: who gets it (EUR 1 and an address the recipient
published), its content and headers, the cadence over months, one-click unsubscribe, and
suppression by hard bounces and complaints coming back from SES. GitHub's profile API
and websites are played by ``responses``; DNS by a stub resolver (no internet here)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from functions.claim import links
from functions.claim.models import EmailState, Suppression
from functions.common import clock, safe_http
from local.gateway import invoke
from tests.conftest import call
from tests.integration.claim_helpers import (
    email_job,
    escrow_for,
    outbox,
    split_june,
    stub_resolver,
)

OCTO = "github:octocat"
ADDRESS = "octocat@github.example"
DAY = 24 * 3600


@pytest.fixture
def web(aws, monkeypatch):
    monkeypatch.setattr(safe_http, "RESOLVER", stub_resolver)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(
            "https://api.github.com/users/octocat",
            json={"login": "octocat", "id": 583231, "email": "OctoCat@GitHub.example"},
        )
        mock.get(
            "https://api.github.com/users/hidden",
            json={"login": "hidden", "id": 5, "email": None},
        )
        yield mock


@pytest.fixture
def held(web):
    escrow_for(OCTO, ("ada", 2), ("bob", 3))
    clock.move_to(clock.now().replace(day=2, hour=9))
    return web


def test_the_first_notice_says_what_waits_and_carries_claim_and_unsubscribe_links(held):
    summary = email_job()
    assert summary["sent"] == 1, summary
    (mail,) = outbox(ADDRESS)
    assert mail["subject"] == "9.00 EUR from 2 people waits for you on Flattr"
    text = mail["text"]
    assert "2 people flattred your work, and 9.00 EUR waits for you" in text
    assert "octocat, on GitHub" in text
    assert "until 01 January 2032" in text
    assert "https://x.example/0 (2 flattrs)" in text
    claim_link = next(link for link in mail["links"] if "/claim/" in link)
    token = claim_link.rsplit("/", 1)[1]
    assert links.recipient_of(token, clock.now()) == OCTO
    unsubscribe = mail["headers"]["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://api.flattr.test/v1/email/unsubscribe?token=")
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<script" not in mail["html"] and 'lang="en"' in mail["html"]
    states = {state.recipient: state for state in EmailState.scan()}
    assert states.pop(OCTO).notices == 1
    (at_address,) = states.values()  # the address's own turn, by keyed hash
    assert at_address.recipient.startswith("address:") and at_address.last_sent_at is not None
    assert at_address.expires_at > at_address.last_sent_at + timedelta(days=14)  # then gone
    assert EmailState.get(OCTO).expires_at is None  # a recipient's cadence stays
    assert ADDRESS not in repr([s.attribute_values for s in EmailState.scan()])


def test_cadence_over_the_months(held):
    start = clock.now()  # 2 July 2031, 09:00; the oldest escrow expires on 1 January 2032
    last = (date(2031, 12, 18) - start.date()).days  # 14 days before the expiry
    expected = {0: 1, 1: 0, 13: 0, 29: 0, 30: 1, 31: 0, 44: 0, 100: 0, last - 1: 0, last: 1}
    expected |= {last + 1: 0, last + 13: 0, 182: 0}
    seen = {}
    for day in sorted(expected):
        if day:
            clock.move_to(start + timedelta(days=day))
        seen[day] = email_job()["sent"]
    assert seen == expected
    subjects = [m["text"].splitlines()[0] for m in outbox(ADDRESS)]
    assert len(subjects) == 3 and subjects[-1].startswith("Last notice")


def test_nobody_without_a_published_address_or_under_one_euro_is_written_to(web):
    split_june(
        ("ada", "github:hidden", 1),
        ("bob", OCTO, 9),
        ("bob", "web:tiny.example", 1),  # 0.45 EUR
    )
    summary = email_job()
    assert summary["no_address"] == 1 and summary["sent"] == 1
    assert [m["to"] for m in outbox()] == [[ADDRESS]]
    assert not [c for c in web.calls if "tiny.example" in c.request.url]


def test_one_click_unsubscribe_stops_every_later_email(held):
    email_job()
    unsubscribe = outbox(ADDRESS)[0]["headers"]["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlsplit(unsubscribe).query)["token"][0]
    page = call("GET", "/v1/email/unsubscribe", user=None, query=f"token={token}")
    assert page.status == 200 and '<form method="post"' in page.raw.decode()
    assert list(Suppression.scan()) == []  # looking changes nothing
    one_click = call(
        "POST",
        "/v1/email/unsubscribe",
        user=None,
        query=f"token={token}",
        raw=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status == 200, one_click.raw
    assert [s.reason for s in Suppression.scan()] == ["unsubscribe"]
    assert ADDRESS not in repr([s.attribute_values for s in Suppression.scan()])
    clock.advance(31 * DAY)
    assert email_job()["sent"] == 0
    assert len(outbox(ADDRESS)) == 1


def test_a_forged_unsubscribe_token_is_refused(held):
    token = links.unsubscribe_token(OCTO, ADDRESS)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    answer = call("POST", "/v1/email/unsubscribe", user=None, query=f"token={forged}")
    assert answer.status == 400 and answer.json["errors"][0]["field"] == "query.token"
    assert list(Suppression.scan()) == []


def ses_event(kind: str, address: str, bounce_type: str = "Permanent") -> dict:
    detail = (
        {"bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": address}]}}
        if kind == "Bounce"
        else {"complaint": {"complainedRecipients": [{"emailAddress": address}]}}
    )
    message = {"eventType": kind, "mail": {"messageId": "m-1"}, **detail}
    envelope = {"Type": "Notification", "Message": json.dumps(message)}
    return {"messageId": f"q-{kind}", "body": json.dumps(envelope)}


@pytest.mark.parametrize(
    ("kind", "bounce_type", "stops"),
    [("Bounce", "Permanent", True), ("Complaint", "", True), ("Bounce", "Transient", False)],
)
def test_hard_bounces_and_complaints_suppress_for_good(held, kind, bounce_type, stops):
    email_job()
    result = invoke(
        "claim", "events_handler", {"Records": [ses_event(kind, ADDRESS.upper(), bounce_type)]}
    )
    assert result["batchItemFailures"] == []
    clock.advance(31 * DAY)
    assert email_job()["sent"] == (0 if stops else 1)


def test_an_unreadable_event_is_reported_for_retry_not_lost(aws):
    result = invoke(
        "claim",
        "events_handler",
        {
            "Records": [
                {"messageId": "bad-1", "body": "not json"},
                ses_event("Complaint", "a@b.example"),
            ]
        },
    )
    assert result["batchItemFailures"] == [{"itemIdentifier": "bad-1"}]
    assert result["suppressed"] == 1


# ------------------------------------------------------------------ addresses of websites


def test_a_site_is_written_at_the_author_address_it_publishes(web):
    web.get(
        "https://blog.example.org/",
        body='<html><head><link rel="author" href="mailto:Me@Blog.example.org"></head></html>',
    )
    escrow_for("web:blog.example.org", ("ada", 1))
    assert email_job()["sent"] == 1
    assert outbox("me@blog.example.org")


def test_a_sites_feed_author_is_used_when_the_page_names_none(web):
    web.get(
        "https://blog.example.org/",
        body='<link rel="alternate" type="application/atom+xml" href="/feed.xml">',
    )
    web.get(
        "https://blog.example.org/feed.xml",
        body="<feed><author><name>Me</name><email>feed@blog.example.org</email></author></feed>",
    )
    escrow_for("web:blog.example.org", ("ada", 1))
    assert email_job()["sent"] == 1
    assert outbox("feed@blog.example.org")


def test_a_site_on_a_private_address_is_never_fetched(web):
    escrow_for("web:intranet.example", ("ada", 1))
    assert email_job()["no_address"] == 1
    assert not [c for c in web.calls if "intranet" in c.request.url]


def test_github_profiles_are_read_with_our_apps_credentials_and_a_spent_limit_waits(web):
    escrow_for(OCTO, ("ada", 2))
    web.replace(
        responses.GET,
        "https://api.github.com/users/octocat",
        status=403,
        json={"message": "API rate limit exceeded"},
    )
    first = email_job()
    assert first["lookups_limited"] == 1 and first["sent"] == 0
    lookup = next(c for c in web.calls if c.request.url.endswith("/users/octocat"))
    assert lookup.request.headers["Authorization"].startswith("Basic ")  # our OAuth app
    web.replace(
        responses.GET,
        "https://api.github.com/users/octocat",
        json={"login": "octocat", "email": ADDRESS},
    )
    clock.advance(DAY)
    assert email_job()["sent"] == 1  # the first notice, a day late, not skipped


def test_no_address_or_token_is_stored_or_logged(held, capsys):
    import logging

    from tests.integration.test_privacy import scan_everything

    invoke("claim", "job_handler", {"job": "unclaimed-email"})  # the handler's logger exists
    import sys

    logger = logging.getLogger("claim")
    level = logger.level
    logger.setLevel(logging.DEBUG)  # every line, not just warnings
    # The handler keeps the stream it was made with: point it at this test's capture.
    streams = [
        h.setStream(sys.stdout) for h in logger.handlers if isinstance(h, logging.StreamHandler)
    ]
    try:
        capsys.readouterr()
        email_job()
        mail = outbox(ADDRESS)[0]
        claim_token = next(link for link in mail["links"] if "/claim/" in link).rsplit("/", 1)[1]
        unsubscribe = mail["headers"]["List-Unsubscribe"].strip("<>")
        token = parse_qs(urlsplit(unsubscribe).query)["token"][0]
        call("GET", f"/claim/{claim_token}", user=None)
        call("POST", "/v1/email/unsubscribe", user=None, query=f"token={token}")
        invoke("claim", "events_handler", {"Records": [ses_event("Complaint", ADDRESS)]})
        logged = capsys.readouterr()
    finally:
        logger.setLevel(level)
        handlers = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
        for handler, stream in zip(handlers, streams, strict=True):
            if stream is not None:  # None: it was this stream already
                handler.setStream(stream)
    assert '"job finished"' in logged.out  # the logs were captured at all
    for secret in (ADDRESS, claim_token, token):
        assert secret not in logged.out and secret not in logged.err
    stored = json.dumps(scan_everything()).lower()
    assert ADDRESS not in stored and claim_token.lower() not in stored


def test_a_github_account_held_by_id_is_written_at_its_public_address(web):
    """Likes key money by account id (github:583231): its profile is read by id, and the
    email names the account by the login on record."""
    from functions.core.ownership import aliases

    escrow_for("github:583231", ("ada", 2))
    aliases.record("github:octocat", "github:583231", clock.now())
    web.get("https://api.github.com/user/583231", json={"login": "octocat", "email": ADDRESS})
    assert email_job()["sent"] == 1
    (mail,) = outbox(ADDRESS)
    assert "octocat" in mail["text"]


def test_recipients_sharing_an_address_get_one_email_per_run(web):
    """Issue 29, finding 2: eight recipients that published one address got eight emails
    in one run. One email lists them all, counts as the notice of each, and the address
    gets nothing more for 14 days; its unsubscribe suppresses the address."""
    logins = [f"sock{n}" for n in range(8)]
    for n, login in enumerate(logins):
        web.get(
            f"https://api.github.com/users/{login}",
            json={"login": login, "id": 9000 + n, "email": ADDRESS},
        )
    web.get("https://api.github.com/users/late", json={"login": "late", "id": 1, "email": None})
    givers = ("ada", "bob")
    split_june(*[(giver, f"github:{login}", 1) for giver in givers for login in [*logins, "late"]])
    clock.move_to(clock.now().replace(day=2, hour=9))
    start = clock.now()
    summary = email_job()
    assert (summary["sent"], summary["listed"], summary["no_address"]) == (1, 8, 1), summary
    (mail,) = outbox(ADDRESS)
    assert mail["subject"] == "8.00 EUR from 2 people waits for you on Flattr"
    assert "under 8 names that lead to this address" in mail["text"]
    claims = [link for link in mail["links"] if "/claim/" in link]
    assert {links.recipient_of(c.rsplit("/", 1)[1], clock.now()) for c in claims} == {
        f"github:{login}" for login in logins
    }
    noticed = [s for s in EmailState.scan() if not s.recipient.startswith("address:")]
    assert sorted((s.recipient, s.notices) for s in noticed) == [
        (f"github:{login}", 1) for login in logins
    ]

    # "late" publishes the address three days on: due, it waits for the address's turn.
    web.replace(
        responses.GET,
        "https://api.github.com/users/late",
        json={"login": "late", "id": 1, "email": ADDRESS},
    )
    clock.move_to(start + timedelta(days=3))
    waited = email_job()
    assert (waited["sent"], waited["address_waits"]) == (0, 1), waited
    clock.move_to(start + timedelta(days=14))
    assert email_job()["listed"] == 1  # its first notice, alone: the eight are not due
    clock.move_to(start + timedelta(days=30))  # the eight reminders, in one email
    reminded = email_job()
    assert (reminded["sent"], reminded["listed"]) == (1, 8), reminded
    assert len(outbox(ADDRESS)) == 3

    unsubscribe = outbox(ADDRESS)[-1]["headers"]["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlsplit(unsubscribe).query)["token"][0]
    done = call("POST", "/v1/email/unsubscribe", user=None, query=f"token={token}")
    assert done.status == 200
    clock.move_to(start.replace(month=12, day=19))  # the last notices' day
    # Every one due is stopped at the address (the one its link named is suppressed too).
    assert email_job()["suppressed"] == 8
    assert len(outbox(ADDRESS)) == 3

"""What the second attack from outside found over HTTP (issue 29), each reproduced against
the local stack as it was found: extreme times, full-width digits, email bombing, HTML
without security headers, flattred searches."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from tests.e2e.conftest import Client, Reply, emulator, iso, stack_now

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


# The calendar's ends, in every offset a client can write: a local day computed from
# them leaves the calendar's range; the window's own edges just outside it.
EXTREMES = [
    ("0001-01-01T00:00:00Z", "at_too_old"),
    ("0001-01-01T00:00:00+23:59", "at_too_old"),
    ("0001-01-01T00:00:00-23:59", "at_too_old"),
    ("1970-01-01T00:00:00Z", "at_too_old"),
    ("9999-12-31T23:59:59Z", "at_in_future"),
    ("9999-12-31T23:59:59-23:59", "at_in_future"),
    ("9999-12-31T23:59:59+23:59", "at_in_future"),
]


@pytest.mark.parametrize(("at", "reason"), EXTREMES)
def test_an_extreme_attention_time_is_that_reports_rejection(stack: Client, at, reason):
    """Finding 6: ``"at": "0001-01-01T00:00:00Z"`` was a 500 for its whole batch."""
    _, token = stack.sign_in(f"extreme-{uuid.uuid4().hex[:8]}@example.org")
    now = stack_now(stack)
    bad, good = str(uuid.uuid4()), str(uuid.uuid4())
    url = f"https://example.com/{uuid.uuid4()}"
    reports = [
        {"event_id": bad, "url": url, "kind": "text", "active_seconds": 60, "at": at},
        {"event_id": good, "url": url, "kind": "text", "active_seconds": 60, "at": iso(now)},
    ]
    answer = stack.request(
        "POST", "/v1/attention", {"device_id": "d", "reports": reports}, token=token
    )
    assert answer.status == 200, answer.body
    assert answer.json["rejected"] == [{"event_id": bad, "reason": reason}]
    assert answer.json["accepted"] == 1 and len(answer.json["flattrs"]) == 1


@pytest.mark.parametrize(("at", "reason"), EXTREMES)
def test_an_extreme_visit_time_is_that_visits_rejection(stack: Client, at, reason):
    _, token = stack.sign_in(f"extreme-visit-{uuid.uuid4().hex[:8]}@example.org")
    now = stack_now(stack)
    bad, good = str(uuid.uuid4()), str(uuid.uuid4())
    visits = [
        {"event_id": bad, "url": "https://example.org/a", "at": at, "dwell_seconds": 30},
        {"event_id": good, "url": "https://example.org/b", "at": iso(now), "dwell_seconds": 30},
    ]
    answer = stack.request("POST", "/v1/visits", {"device_id": "d", "visits": visits}, token=token)
    assert answer.status == 200, answer.body
    assert answer.json["rejected"] == [{"event_id": bad, "reason": reason}]
    assert answer.json["accepted"] == 1


@pytest.mark.parametrize(
    "month", ["0000-01", "0001-01", "9999-12", "2026-13", "\uff11\uff19\uff19\uff19-01"]
)
@pytest.mark.parametrize(
    "path",
    [
        "/v1/flattrs?month=",
        "/v1/me/statements?month=",
        "/v1/me/revenue?month=",
        "/v1/stats?from=",
        "/v1/stats?to=",
    ],
)
def test_an_extreme_month_is_never_a_server_error(stack: Client, path, month):
    """Every time field of every route: the months in queries at the calendar's ends."""
    _, token = stack.sign_in("extreme-month@example.org")
    answer = stack.request("GET", path + quote(month), token=token)
    assert answer.status < 500, answer.body
    if not month.isascii() or month.endswith("13"):
        assert answer.status == 422
        assert answer.json["errors"][0]["field"] == "query." + path.split("?")[1].rstrip("=")


@pytest.mark.parametrize(
    "amount", ["\uff11\uff10.00", "10.\uff100", "\u0663\u0660", "\uff11\uff10"]
)
def test_money_amounts_take_ascii_digits_only(stack: Client, amount):
    """Finding 10: full-width digits (``"\\uff11\\uff10.00"``) were taken as 10.00."""
    _, token = stack.sign_in("fullwidth@example.org")
    budget = stack.request(
        "PATCH", "/v1/me", {"monthly_budget": {"amount": amount, "currency": "EUR"}}, token=token
    )
    assert budget.status == 422, budget.body
    assert budget.json["errors"][0]["field"].startswith("body.monthly_budget.amount")
    payin = stack.request(
        "POST",
        "/v1/payins",
        {"amount": {"amount": amount, "currency": "EUR"}, "method": "card"},
        token=token,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert payin.status == 422, payin.body
    assert payin.json["errors"][0]["field"].startswith("body.amount.amount")
    assert stack.request("GET", "/v1/me", token=token).json["monthly_budget"]["amount"] != "10.00"


def assert_html_is_guarded(answer) -> None:
    assert answer.headers["Content-Type"].startswith("text/html"), answer.headers
    policy = answer.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy, policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "path", ["/claim/" + "x" * 43, "/v1/email/unsubscribe?token=" + "x" * 20 + ".y"]
)
def test_html_of_the_api_carries_security_headers(stack: Client, path):
    """Finding 5: the claim and unsubscribe pages had no CSP, frame protection or
    ``nosniff`` on the stack (they came only from CloudFront), and framed cross-origin."""
    assert_html_is_guarded(stack.request("GET", path))


def test_json_answers_are_not_sniffed(stack: Client):
    for answer in (
        stack.request("GET", "/v1/health"),
        stack.request("POST", "/v1/attention", raw=b"{", token="x"),
        stack.request("GET", "/v1/resolve?url=" + quote("https://example.com/")),
    ):
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.status


@pytest.mark.parametrize(
    "url",
    [
        "https://google.com/search?q=my+rash+symptoms",
        "https://www.bing.com/search?q=loan+sharks",
        "https://blog.example.net/?s=divorce+lawyer",
        "https://example.net/forum/search/results",
    ],
)
def test_sixty_seconds_on_a_search_makes_no_flattr_and_no_visit(stack: Client, url):
    """Finding 7: a minute on a Google search made a flattr that stored the terms."""
    _, token = stack.sign_in(f"searcher-{uuid.uuid4().hex[:8]}@example.org")
    now = stack_now(stack)
    event = str(uuid.uuid4())
    report = {"event_id": event, "url": url, "kind": "text", "active_seconds": 60, "at": iso(now)}
    answer = stack.request(
        "POST", "/v1/attention", {"device_id": "d", "reports": [report]}, token=token
    )
    assert answer.status == 200, answer.body
    assert answer.json["rejected"] == [{"event_id": event, "reason": "search_page"}]
    assert answer.json["flattrs"] == []
    visit = {"event_id": event, "url": url, "at": iso(now), "dwell_seconds": 60}
    seen = stack.request("POST", "/v1/visits", {"device_id": "d", "visits": [visit]}, token=token)
    assert seen.json["rejected"] == [{"event_id": event, "reason": "search_page"}]
    button = stack.request("POST", "/v1/flattrs", {"event_id": event, "url": url}, token=token)
    assert button.status == 422, button.body
    assert stack.request("GET", "/v1/flattrs", token=token).json["items"] == []
    resolved = stack.request("GET", "/v1/resolve?url=" + quote(url)).json
    assert resolved["flattrable"] is False and resolved["reason"] == "search_page"


def mails_to(stack: Client, address: str) -> list[dict]:
    return [
        m
        for m in stack.request("GET", "/_local/outbox").json["items"]
        if address in m["to"] and m["subject"].startswith("Confirm")
    ]


def only_link(mail: dict, part: str) -> str:
    (link,) = [link for link in mail["links"] if part in link]
    return str(link)


def ask_proof(stack: Client, token: str, address: str) -> Reply:
    return stack.request("POST", "/v1/emails", {"address": address}, token=token)


def test_fifty_proof_requests_from_one_account_send_three_mails(stack: Client):
    """Finding 1: fifty ``POST /v1/emails`` answered 202 fifty times, fifty mails went."""
    _, token = stack.sign_in("bomber@example.org")
    victim = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    answers = [ask_proof(stack, token, victim) for _ in range(50)]
    assert [a.status for a in answers] == [202] * 10 + [429] * 40
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 86_400
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json["type"] == "/problems/too-many-requests"
    assert len(mails_to(stack, victim)) == 3
    # The limit is the account's, for any address.
    assert ask_proof(stack, token, f"other-{uuid.uuid4().hex[:8]}@example.org").status == 429


def test_five_accounts_in_parallel_still_send_three_mails_to_one_address(stack: Client):
    from concurrent.futures import ThreadPoolExecutor

    victim = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    tokens = [stack.sign_in(f"bomber-{n}-{victim}")[1] for n in range(5)]
    with ThreadPoolExecutor(5) as pool:
        statuses = list(
            pool.map(lambda t: [ask_proof(stack, t, victim).status for _ in range(10)], tokens)
        )
    assert statuses == [[202] * 10] * 5  # each account within its own ten
    assert len(mails_to(stack, victim)) == 3


def first_proof(stack: Client, who: str) -> tuple[str, str, Reply, dict]:
    """A new account asks a proof for a new address: (its token, the address, the
    answer, the one mail sent)."""
    _, token = stack.sign_in(f"{who}-{uuid.uuid4().hex[:8]}@example.org")
    address = f"target-{uuid.uuid4().hex[:8]}@example.org"
    first = ask_proof(stack, token, address)
    (mail,) = mails_to(stack, address)
    return token, address, first, mail


def test_the_proof_mail_says_an_account_asked_and_offers_never_again(stack: Client):
    _, address, first, mail = first_proof(stack, "asker")
    assert "Someone with an account on Flattr" in mail["text"]
    assert "asker-" not in mail["text"] + mail["html"]  # not which account
    unsubscribe = only_link(mail, "/v1/email/unsubscribe?token=")
    assert "Never email me again" in mail["text"] and unsubscribe in mail["text"]
    assert mail["headers"]["List-Unsubscribe"] == f"<{unsubscribe}>"
    page = stack.request("GET", unsubscribe)
    assert page.status == 200 and b"Never receive email from Flattr" in page.body
    assert_html_is_guarded(page)
    done = stack.request(
        "POST", unsubscribe, raw=b"", content_type="application/x-www-form-urlencoded"
    )
    assert done.status == 200, done.body
    assert_html_is_guarded(done)

    # Suppressed now: the same answer as before, and nothing sent, whoever asks.
    _, other = stack.sign_in(f"asker-2-{uuid.uuid4().hex[:8]}@example.org")
    again = ask_proof(stack, other, address)
    assert (again.status, again.json) == (first.status, first.json)
    assert len(mails_to(stack, address)) == 1


def test_an_address_proven_by_someone_else_answers_the_same_and_sends_nothing(stack: Client):
    from urllib.parse import parse_qs, urlsplit

    owner, address, first, mail = first_proof(stack, "owner")
    link = only_link(mail, "/creator/email?token=")
    proof = parse_qs(urlsplit(link).query)["token"][0]
    proven = stack.request("POST", "/v1/emails/verify", {"token": proof}, token=owner)
    assert proven.status == 200, proven.body
    _, stranger = stack.sign_in(f"stranger-{uuid.uuid4().hex[:8]}@example.org")
    answer = ask_proof(stack, stranger, address)
    assert (answer.status, answer.json) == (first.status, first.json)
    assert len(mails_to(stack, address)) == 1


def webhook_secret(stack: Client) -> str:
    """The stack's Stripe signing secret, read from its emulator as the attack did."""
    import json

    secrets, _ = emulator(stack, "secretsmanager")
    found = secrets.get_secret_value(SecretId="flattr/stripe")["SecretString"]
    return str(json.loads(found)["webhook_secret"])


@pytest.mark.parametrize(("ahead", "status"), [(0, 200), (60, 200), (3600, 400), (400, 400)])
def test_a_webhook_signed_for_later_is_refused(stack: Client, ahead, status):
    """Finding 4: a signature whose ``t`` was an hour ahead was taken (200)."""
    import json
    import time

    from local.fake_stripe import sign

    event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "ping.test"}
    payload = json.dumps({**event, "livemode": False, "data": {"object": {}}}).encode()
    signature = sign(payload, webhook_secret(stack), at=int(time.time()) + ahead)
    answer = stack.request(
        "POST",
        "/v1/payments/stripe/webhook",
        raw=payload,
        headers={"Stripe-Signature": signature},
    )
    assert answer.status == status, answer.body
    if status == 400:
        assert answer.json["errors"][0]["field"] == "header.Stripe-Signature"

"""The unclaimed-flattrs journey in a real browser (Debian's Chromium, driven by
Playwright) on the local stack: a contributor flattrs, the month ends, the split holds the
money, the email is in the outbox, the creator opens the claim link, connects GitHub
through the local fake provider, claims, and sees the money. Screenshots of each step are
saved under ``test-artifacts/claim-journey/``.

Signing in is the website's part, which this repository does not have: the browser
context sends the bearer token the local identity provider issued, as the website would.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import ROOT, Client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
SHOTS = ROOT / "test-artifacts" / "claim-journey"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def next_month_at(stack: Client, hour: int, minute: int) -> str:
    now = datetime.fromisoformat(
        stack.request("GET", "/_local/clock").json["now"].replace("Z", "+00:00")
    )
    moment = (now.replace(day=1) + timedelta(days=32)).replace(day=1, hour=hour, minute=minute)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_from_a_flattr_to_claimed_money_in_a_browser(stack: Client):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs it"
    SHOTS.mkdir(parents=True, exist_ok=True)

    # A contributor flattrs two of octocat's repositories.
    contributor, token = stack.sign_in("journey-giver@example.org")
    stack.request("POST", "/_local/balance", {"user_id": contributor, "amount": {"amount": "10"}})
    stack.request("PATCH", "/v1/me", {"monthly_budget": {"amount": "5"}}, token=token)
    for repo in ("hello-world", "spoon-knife"):
        made = stack.request(
            "POST",
            "/v1/flattrs",
            {"event_id": str(uuid.uuid4()), "url": f"https://github.com/octocat/{repo}"},
            token=token,
        )
        assert made.status == 201, made.body
    # octocat has published an email on their (fake) GitHub profile.
    profile = stack.request(
        "POST",
        "/_fake/github/_control/profile",
        {"login": "octocat", "email": "octocat@example.org"},
    )
    assert profile.status == 200

    # The month ends; the split holds the money; the daily email goes out.
    moved = stack.request("POST", "/_local/clock", {"now": next_month_at(stack, 0, 31)})
    assert "monthly-split" in moved.json["jobs_fired"]
    sent = stack.request("POST", "/_local/jobs/unclaimed-email", {})
    assert sent.status == 200 and sent.json["sent"] >= 1, sent.body
    mails = [
        m
        for m in stack.request("GET", "/_local/outbox").json["items"]
        if "octocat@example.org" in m["to"]
    ]
    assert len(mails) == 1
    claim_link = next(link for link in mails[0]["links"] if "/claim/" in link)
    assert "4.50 EUR" in mails[0]["subject"]

    creator, creator_token = stack.sign_in("octocat@example.org")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            # Anyone with the link sees what waits (no JavaScript needed).
            anonymous = browser.new_context(java_script_enabled=False)
            page = anonymous.new_page()
            page.goto(claim_link)
            assert page.locator("#amount").inner_text() == "4.50 EUR"
            assert page.locator("#supporters").inner_text() == "1"
            assert page.get_by_role("heading", level=1).inner_text() == "Money waits for octocat"
            page.screenshot(path=str(SHOTS / "1-claim-page.png"), full_page=True)
            anonymous.close()

            # The creator, signed in, connects GitHub and claims.
            signed_in = browser.new_context(
                java_script_enabled=False,
                extra_http_headers={"Authorization": f"Bearer {creator_token}"},
            )
            page = signed_in.new_page()
            page.goto(claim_link)
            page.click("#connect")
            assert page.get_by_role("heading", level=1).inner_text() == "Authorize flattr (local)"
            page.screenshot(path=str(SHOTS / "2-consent.png"), full_page=True)
            page.get_by_role("button", name="Authorize").click()
            assert "/claim/" in page.url and "connected=github" in page.url
            page.screenshot(path=str(SHOTS / "3-connected.png"), full_page=True)
            page.click("#claim")
            assert page.get_by_role("heading", level=1).inner_text() == "It is yours"
            assert "4.50 EUR moved to your balance" in page.locator("#moved").inner_text()
            page.screenshot(path=str(SHOTS / "4-claimed.png"), full_page=True)
            page.goto(stack.base + "/v1/me/balance")
            page.screenshot(path=str(SHOTS / "5-balance.png"), full_page=True)
            assert '"earnings":{"amount":"4.500000"' in page.content().replace(" ", "")
            signed_in.close()
        finally:
            browser.close()

    # The page now says it is claimed, and the money is the creator's.
    balance = stack.request("GET", "/v1/me/balance", token=creator_token).json
    assert balance["earnings"] == {"amount": "4.500000", "currency": "EUR"}
    assert creator

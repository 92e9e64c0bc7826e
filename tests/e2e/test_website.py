"""The website in a real browser against the local stack: sign up through the sign-in
flow (no injected header, no token from /_local), see the month, change the budget, come
back after a reload still signed in, sign out. Screenshots at desktop and phone widths go
to test-artifacts/website/."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "website"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the journeys of this module (each has its own context)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


def test_a_person_signs_up_sets_a_budget_and_signs_out(stack: Client, browser: Browser):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    page.goto(stack.base + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Pay the people")
    page.screenshot(path=str(SHOTS / "home-desktop.png"), full_page=True)
    page.click("#sign-in")
    page.fill("#email", "reader@example.org")
    page.keyboard.press("Enter")  # the sign-in form, with the keyboard
    page.wait_for_url("**/dashboard")
    page.wait_for_selector("#balance")
    assert page.locator("#monthly-budget").inner_text() == "€5.00"
    page.fill("#budget", "7,5")
    page.get_by_role("button", name="Change budget").click()
    expect(page.locator("#monthly-budget")).to_have_text("€7.50")
    page.screenshot(path=str(SHOTS / "dashboard-desktop.png"), full_page=True)
    page.set_viewport_size(WIDTHS["phone"])
    page.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)

    # Flattrs made elsewhere (the extension, a button) show up; one is taken back.
    _, token = stack.sign_in("reader@example.org")  # the same account, by the API
    for url in ("https://github.com/octocat/hello", "https://blog.example.org/post"):
        event = str(uuid.uuid4())
        made = stack.request("POST", "/v1/flattrs", {"event_id": event, "url": url}, token=token)
        assert made.status == 201, made.body
    page.reload()  # the access token was in memory only: the refresh token signs in
    page.wait_for_selector("#balance")
    assert page.locator("#monthly-budget").inner_text() == "€7.50"
    expect(page.locator("#flattr-count")).to_have_text("2")
    expect(page.locator("#flattrs tbody tr")).to_have_count(2)
    page.select_option("#receiver", "claimed")
    expect(page.locator("#flattrs tbody tr")).to_have_count(0)
    page.select_option("#receiver", "unclaimed")
    expect(page.locator("#flattrs tbody tr")).to_have_count(2)
    page.locator("#flattrs tbody tr").first.get_by_role("button", name="Take back").click()
    expect(page.locator("#flattr-count")).to_have_text("1")
    page.select_option("#time-zone", "Europe/Berlin")
    page.get_by_role("button", name="Change time zone").click()
    expect(page.locator("#time-zone")).to_have_value("Europe/Berlin")
    page.screenshot(path=str(SHOTS / "dashboard-flattrs-desktop.png"), full_page=True)
    assert page.evaluate("() => localStorage.length") == 0  # nothing past the tab
    page.click("#sign-out")
    page.wait_for_url(stack.base + "/")
    page.goto(stack.base + "/dashboard")
    page.wait_for_selector("#sign-in")
    assert page.evaluate("() => sessionStorage.getItem('flattr.refresh')") is None
    me = stack.request("GET", "/v1/me", token=stack.sign_in("reader@example.org")[1]).json
    assert me["monthly_budget"]["amount"] == "7.500000" and me["time_zone"] == "Europe/Berlin"


def signed_in_page(browser, stack: Client, email: str):
    page = browser.new_context(viewport=WIDTHS["desktop"], accept_downloads=True).new_page()
    page.goto(stack.base + "/account")
    page.click("#sign-in")
    page.fill("#email", email)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    page.wait_for_selector("#export")
    return page


def test_a_person_downloads_their_data_and_deletes_their_account(stack: Client, browser: Browser):
    import json

    page = signed_in_page(browser, stack, "leaver@example.org")
    page.screenshot(path=str(SHOTS / "account-desktop.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["flattrs"] == [] and "money" in exported  # everything, as JSON
    old_id, _ = stack.sign_in("leaver@example.org")  # the same account, by the API
    page.fill("#delete-confirm", "yes")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#delete-message")).to_have_text("Type delete my account to confirm")
    page.fill("#delete-confirm", "delete my account")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(stack.base + "/")
    expect(page.locator("#farewell")).to_have_text("Your account is deleted.")
    new_id, _ = stack.sign_in("leaver@example.org")
    assert new_id != old_id  # signing up again is a new account


def test_the_history_shows_a_split_month_and_draws_its_flattrs(stack: Client, browser: Browser):
    from tests.e2e.test_claim_journey import next_month_at

    page = signed_in_page(browser, stack, "historian@example.org")
    user_id, token = stack.sign_in("historian@example.org")
    paid = stack.request(
        "POST",
        "/_local/balance",
        {"user_id": user_id, "amount": {"amount": "10.00", "currency": "EUR"}},
    )
    assert paid.status == 200, paid.body
    for url in ("https://github.com/octocat/a", "https://blog.example.org/b"):
        made = stack.request(
            "POST", "/v1/flattrs", {"event_id": str(uuid.uuid4()), "url": url}, token=token
        )
        assert made.status == 201, made.body
    month = stack.request("GET", "/_local/clock").json["now"][:7]
    moved = stack.request("POST", "/_local/clock", {"now": next_month_at(stack, 0, 31)})
    assert "monthly-split" in moved.json["jobs_fired"]

    page.goto(f"{stack.base}/history")  # last month by the stack's clock, not the browser's
    expect(page.locator("#month")).to_have_value(month)
    expect(page.locator("#statement-status")).to_have_text("split")
    expect(page.locator("#statement-charge")).to_have_text("€5.00")
    expect(page.locator("#statement-fee")).to_have_text("€0.50")
    expect(page.locator("#statement-parts tbody tr")).to_have_count(2)
    expect(page.locator("#went-held")).to_have_text("€4.50")  # nobody claimed yet
    expect(page.locator("#went-claimed")).to_have_text("€0.00")
    expect(page.locator("#per-day-total")).to_have_text("2")
    expect(page.locator("#per-day canvas")).to_have_count(1)  # the chart is drawn
    page.screenshot(path=str(SHOTS / "history-desktop.png"), full_page=True)

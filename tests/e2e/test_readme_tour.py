"""The README's five-minute tour, step by step as it is written, on a fresh local stack in
Chromium: if the README says it, a newcomer can do it (issue 32, item 5)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.conftest import Client, running_stack
from tests.e2e.readers import EuroAreaBrowser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.xdist_group("readme-tour")  # its own stack: the clock moves


@pytest.fixture(scope="module")
def tour() -> Iterator[tuple[Client, Browser]]:
    with running_stack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield stack, EuroAreaBrowser(browser)  # type: ignore[misc]
        finally:
            browser.close()


def test_the_tour_works_as_the_readme_tells_it(tour):
    stack, browser = tour
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    # 1. Give: sign in as ada, a budget of 5 euros, a top-up paid on the fake Stripe page.
    page.goto(stack.base + "/")
    page.click("#sign-in")
    page.fill("#email", "ada@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    page.fill("#budget", "5")
    page.get_by_role("button", name="Change budget").click()
    # Drawn again with the note (5.00 is also the default: the figure alone proves nothing).
    expect(page.locator("#budget-message")).to_contain_text("Your budget is saved")
    expect(page.locator("#monthly-budget")).to_have_text("€5.00")
    page.get_by_role("link", name="Money").click()
    page.fill("#top-up", "10")
    page.get_by_role("button", name="Top up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay EUR 10.00 (local Stripe)")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/money?payin=*")
    expect(page.locator("#payins tbody tr").first.locator(".state")).to_have_text("paid")
    expect(page.locator("#money-balance")).to_have_text("€10.00")
    # 2. Flattr monalisa's repository from the flattr button's page.
    page.goto(stack.base + "/flattr?url=https://github.com/monalisa/hello-world")
    page.get_by_role("button", name="Flattr").click()
    expect(page.locator("#flattr-message")).not_to_be_empty()
    page.goto(stack.base + "/dashboard")
    expect(page.locator("main")).to_contain_text("monalisa")
    # 3. The creator publishes an email on the fake GitHub (the README's curl).
    published = stack.request(
        "POST",
        "/_fake/github/_control/profile",
        {"login": "monalisa", "email": "monalisa@example.org"},
    )
    assert published.status == 200
    # 4. End the month on the clock page; History says where the money went.
    page.goto(stack.base + "/_local/dev")
    page.get_by_role("button", name="Move to").click()
    expect(page.locator("#dev-said")).to_contain_text("monthly-split")
    page.goto(stack.base + "/history")
    expect(page.locator("main")).to_contain_text("monalisa")
    page.context.close()
    # 5. Claim as monalisa, from the mailbox.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(stack.base + "/_local/mail")
    mail = page.locator("article.mail", has=page.locator(".mail-to", has_text="monalisa@"))
    mail.locator(".mail-text a", has_text="/claim/").first.click()
    page.click("#claim")
    page.wait_for_url("**/creator/claim?token=*")
    before = page.url
    page.click("#sign-in")
    page.fill("#email", "monalisa@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url(before)
    page.get_by_role("button", name="Connect GitHub").click()
    page.fill("input[name=login]", "monalisa")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**connected=github")
    page.click("#waiting-claim")
    expect(page.locator("#claim-note")).to_have_text("Moved to your earnings: €4.50")
    page.context.close()

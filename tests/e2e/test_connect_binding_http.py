"""Connect CSRF (hardening finding 1), reproduced from outside over HTTP against the local
stack and its fake GitHub: an attacker starts a connect flow and has the victim finish it
in the victim's own browser. The flow is bound to the browser that started it, so the
callback is refused and nothing is stored; and a platform account's owner is never locked
out: proving control again moves the connection (and its claims) to them."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Client, approve
from tests.e2e.conftest import start_connect as start

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def connections(stack: Client, token: str) -> list[dict]:
    return stack.request("GET", "/v1/connections", token=token).json["items"]


def test_a_victim_finishing_an_attackers_flow_is_refused_and_nothing_stored(stack: Client):
    _, attacker = stack.sign_in("csrf-attacker@example.org")
    _, victim = stack.sign_in("csrf-victim@example.org")
    attackers_browser, victims_browser = stack.browser(), stack.browser()

    consent_url = start(attackers_browser, attacker)  # sent to the victim as a link
    callback = approve(victims_browser, consent_url, "csrf-victim-gh")
    answer = victims_browser.request("GET", callback)
    assert answer.status == 403, answer.body
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json["type"] == "/problems/other-browser"
    assert connections(stack, attacker) == []
    # The state is spent: the attacker cannot finish it either, with the right cookie.
    assert attackers_browser.request("GET", callback).status == 400
    assert connections(stack, attacker) == []

    # The victim connects their own account normally, in their own browser.
    mine = victims_browser.request(
        "GET", approve(victims_browser, start(victims_browser, victim), "csrf-victim-gh")
    )
    assert mine.status == 302 and mine.headers["Location"] == "/settings?connected=github"
    assert [c["handle"] for c in connections(stack, victim)] == ["csrf-victim-gh"]


def test_a_callback_without_the_cookie_is_refused(stack: Client):
    _, user = stack.sign_in("no-cookie@example.org")
    browser = stack.browser()
    callback = approve(browser, start(browser, user), "no-cookie-gh")
    assert stack.browser().request("GET", callback).status == 403
    assert connections(stack, user) == []


def test_a_page_gets_the_consent_url_as_json_with_the_binding_cookie(stack: Client):
    _, user = stack.sign_in("json-authorize@example.org")
    browser = stack.browser()
    consent_url = start(browser, user, as_json=True)
    assert "/_fake/github/login/oauth/authorize?" in consent_url
    (cookie,) = [c for c in browser.cookies if c.name == "flattr_connect"]
    assert cookie.path == "/v1/connections/github/"
    assert cookie.has_nonstandard_attr("HttpOnly")
    done = browser.request("GET", approve(browser, consent_url, "json-gh"))
    assert done.status == 302 and done.headers["Location"] == "/settings?connected=github"
    assert not [c for c in browser.cookies if c.name == "flattr_connect"]  # spent, forgotten


def test_proving_control_again_moves_the_connection_and_its_claim(stack: Client):
    _, old = stack.sign_in("moved-from@example.org")
    _, new = stack.sign_in("moved-to@example.org")
    assert stack.request("GET", "/v1/me", token=old).status == 200  # the site shows the profile
    first, second = stack.browser(), stack.browser()
    assert first.request("GET", approve(first, start(first, old), "mover-gh")).status == 302
    claimed = stack.request("POST", "/v1/claims", {"recipient": "github:mover-gh"}, token=old)
    assert claimed.status == 200, claimed.body

    moved = second.request("GET", approve(second, start(second, new), "mover-gh"))
    assert moved.status == 302 and moved.headers["Location"] == "/settings?connected=github"
    assert connections(stack, old) == []
    assert [c["handle"] for c in connections(stack, new)] == ["mover-gh"]
    # The claim moved with it: later flattrs go to the new owner, who may claim again.
    resolved = stack.request("GET", "/v1/resolve?url=https://github.com/mover-gh").json
    assert resolved["recipient"]["claimed"] is True
    again = stack.request("POST", "/v1/claims", {"recipient": "github:mover-gh"}, token=new)
    assert again.status == 200, again.body
    refused = stack.request("POST", "/v1/claims", {"recipient": "github:mover-gh"}, token=old)
    assert refused.status in (403, 409)
    # The previous user is told by email.
    outbox = stack.request("GET", "/_local/outbox").json["items"]
    told = [m for m in outbox if "moved-from@example.org" in m["to"]]
    assert told and "mover-gh" in told[-1]["text"]

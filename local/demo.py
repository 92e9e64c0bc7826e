"""Demo data (``make demo``): the local stack with a believable few months already in it,
made the way people would make them, through the stack's own routes and the fakes:
contributors with budgets and money paid in flattr creators on GitHub, GitLab, Mastodon and
the web through three months; each month ends (the split, the emails); one creator,
octocat, has connected GitHub, claimed and made a public page; the others' money waits, and
their emails are in the mailbox. Nothing is written around the real code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from local.client import Client, approve, start_connect
from local.devpages import next_month

# (email, monthly budget in euros, paid in)
CONTRIBUTORS = (
    ("ada@example.org", "5", "30"),
    ("bo@example.org", "10", "40"),
    ("chen@example.org", "7.50", "40"),
    ("dana@example.org", "20", "80"),
    ("eli@example.org", "3", "20"),
)
# What people flattr: claimed (octocat), and waiting to be claimed (the rest).
PAGES = (
    "https://github.com/octocat/hello-world",
    "https://github.com/octocat/spoon-knife",
    "https://github.com/monalisa/linguist",
    "https://gitlab.com/fdroid/fdroidclient",
    "https://social.example/@tooter/10942",
    "https://alicewrites.net/2026/on-gardens",
)
# Creators who published an address where the service finds it (the unclaimed emails).
PUBLISHED = (
    ("github", "monalisa", "monalisa@example.org"),
    ("gitlab", "fdroid", "fdroid@example.org"),
)
MONTHS = 3


@dataclass(frozen=True)
class Seeded:
    contributors: int
    flattrs: int
    months_split: int


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(base: str) -> Seeded:
    web = Client(base)
    now = datetime.fromisoformat(
        web.request("GET", "/_local/clock").json["now"].replace("Z", "+00:00")
    )
    for platform, login, email in PUBLISHED:
        web.request("POST", f"/_fake/{platform}/_control/profile", {"login": login, "email": email})
    made = 0
    # The stack's clock only moves forward: the months are this one and the next ones,
    # each ended by moving the clock into the next (its split runs, then the day's emails).
    month = now
    for index in range(MONTHS + 1):
        for number, (email, budget, paid) in enumerate(CONTRIBUTORS):
            user, token = web.sign_in(email)
            if index == 0:
                money = {"user_id": user, "amount": {"amount": paid}}
                web.request("POST", "/_local/balance", money)
                web.request("PATCH", "/v1/me", {"monthly_budget": {"amount": budget}}, token=token)
            # Each person flattrs a few of the pages, a different few each month.
            for page in PAGES[(number + index) % 3 :: 2]:
                flattr = {"event_id": str(uuid.uuid4()), "url": page}
                if web.request("POST", "/v1/flattrs", flattr, token=token).status in (200, 201):
                    made += 1
        if index == MONTHS:
            break  # this month goes on: its flattrs wait for its split
        month = next_month(month)
        web.request("POST", "/_local/clock", {"now": _iso(month)})
    _octocat_claims(web)
    return Seeded(len(CONTRIBUTORS), made, MONTHS)


def _octocat_claims(web: Client) -> None:
    """octocat connects GitHub (the fake's consent, as a browser does it), claims what
    waits for the account, and makes a public page."""
    _, token = web.sign_in("octocat@example.org")
    browser = Client(web.base)
    callback = approve(browser, start_connect(browser, token, "github"), "octocat")
    browser.request("GET", callback)
    for key in ("github:octocat",):
        web.request("POST", "/v1/claims", {"recipient": key}, token=token)
    page = {
        "username": "octocat",
        "display_name": "The Octocat",
        "description": "Small, friendly tools. Code at https://github.com/octocat",
        "goal": {"amount": "50", "currency": "EUR"},
        "public_income": True,
    }
    web.request("PATCH", "/v1/me", page, token=token)


def report(base: str, seeded: Seeded) -> str:
    return (
        f"demo data: {seeded.contributors} contributors, {seeded.flattrs} flattrs over "
        f"{seeded.months_split} months, each split. Try {base}/stats and {base}/u/octocat, "
        f"sign in as ada@example.org, and read the creators' emails at {base}/_local/mail"
    )

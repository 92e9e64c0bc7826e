"""The local stack's pages for a person trying the service (never deployed): the mailbox
(``/_local/mail``: every email the emulated SES accepted, newest first, as its reader would
see it, its links clickable) and the developer page (``/_local/dev``: the stack's clock,
moved to the next month with one click, each scheduled job run with one click and its
summary shown, and the fakes listed). Plain HTML forms, no script: the pages work under
the strictest content security policy."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from local.stack import LocalStack

Answer = tuple[int, dict[str, str], bytes]
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    # An email's HTML is shown in a sandboxed frame: no script runs, its links open on top.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-src 'self'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LINK = re.compile(r"https?://[^\s<>\"')]*[^\s<>\"').,;:!?]")
SANDBOX = "allow-popups allow-top-navigation-by-user-activation"
NAV = (
    '<nav><a href="/">The site</a> · <a href="/_local/mail">Mailbox</a> · '
    '<a href="/_local/dev">Clock and jobs</a></nav>'
)


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} (local)</title><link rel="stylesheet" href="/style.css">
<style>.mail {{ border: 1px solid var(--border, #ccc); border-radius: 8px; padding: 0.75rem;
margin: 1rem 0; }} .mail iframe {{ width: 100%; min-height: 40rem; border: 0;
background: #fff; }} .mail dl {{ margin: 0 0 0.5rem; }} pre {{ white-space: pre-wrap;
overflow-wrap: anywhere; }} .jobs form {{ display: inline-block; margin: 0 0.5rem 0.5rem 0; }}
</style></head><body><main id="app">{NAV}<h1>{html.escape(title)}</h1>{body}</main>
</body></html>""".encode()


def linked(text: str) -> str:
    """``text`` as HTML, its web links made links."""
    parts, last = [], 0
    for found in LINK.finditer(text):
        parts.append(html.escape(text[last : found.start()]))
        link = html.escape(found.group(0))
        parts.append(f'<a href="{link}">{link}</a>')
        last = found.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def mail_page() -> Answer:
    from local.outbox import messages

    sent = list(reversed(messages()))  # newest first
    if not sent:
        body = (
            '<p id="mail-empty">No email yet. Emails the service sends (claim links, '
            "statements, the unclaimed-money emails) appear here.</p>"
        )
        return 200, HEADERS, _page("Mailbox", body)
    items = []
    for number, message in enumerate(sent):
        to = ", ".join(message["to"])
        text = message["text"] or "(no plain-text part)"
        as_html = (
            f'<details><summary>As HTML</summary><iframe title="The email as HTML" '
            f'sandbox="{SANDBOX}" srcdoc="{html.escape(message["html"])}"></iframe></details>'
            if message["html"]
            else ""
        )
        items.append(
            f'<article class="mail" id="mail-{number}"><dl>'
            f'<dt>To</dt><dd class="mail-to">{html.escape(to)}</dd>'
            f'<dt>Subject</dt><dd class="mail-subject">{html.escape(message["subject"])}</dd>'
            f'</dl><pre class="mail-text">{linked(text)}</pre>{as_html}</article>'
        )
    count = f"<p>{len(sent)} email{'s' if len(sent) != 1 else ''}, newest first.</p>"
    return 200, HEADERS, _page("Mailbox", count + "".join(items))


def next_month(now: datetime) -> datetime:
    """The first of the month after ``now``'s, at 10:01 UTC: past the split (00:30 to
    06:00), the unclaimed-money emails (09:00) and the statements (10:00)."""
    first = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(hour=10, minute=1, second=0, microsecond=0)


def dev_page(stack: LocalStack, said: str = "") -> Answer:
    from functions.common import clock
    from functions.deployment import JOBS

    now = clock.now()
    jobs = "".join(
        f'<form method="post" action="/_local/dev"><input type="hidden" name="job" '
        f'value="{html.escape(job.name)}"><button type="submit" id="job-{html.escape(job.name)}">'
        f"Run {html.escape(job.name)}</button></form>"
        for job in JOBS
    )
    fakes = "".join(
        f"<li>{html.escape(name)}: <code>{html.escape(where)}</code></li>"
        for name, where in stack.fakes_listed().items()
    )
    body = (
        (f'<section role="status" id="dev-said"><h2>Done</h2>{said}</section>' if said else "")
        + f'<p>The stack\'s clock: <strong id="dev-now">{now:%Y-%m-%d %H:%M} UTC</strong>. '
        "Jobs run on it as they would in AWS; moving it runs every job that falls due.</p>"
        '<form method="post" action="/_local/dev"><input type="hidden" name="move" '
        'value="next-month"><button type="submit" id="next-month">Move to '
        f"{next_month(now):%-d %B %Y, %H:%M} UTC (the month's split and emails)</button></form>"
        f'<h2>Run a job now</h2><div class="jobs">{jobs}</div>'
        "<h2>Publish a DNS record</h2><p>To verify a domain, the creator page asks for a TXT "
        "record; publish it here, on the stack's own DNS server.</p>"
        '<form method="post" action="/_local/dev" class="stacked">'
        '<label for="dns-name">Name</label><input id="dns-name" name="dns_name" '
        'placeholder="_flattr.example.org" required>'
        '<label for="dns-txt">Value</label><input id="dns-txt" name="dns_txt" '
        'placeholder="flattr-verify=…" required>'
        '<button type="submit" id="dns-publish">Publish</button></form>'
        "<h2>Publish a page</h2><p>The stack's own web: a page here is what the service "
        "reads at that address (a site's <code>flattr:id</code> meta tag, a page's declared "
        "author). Every other address is not found, as on a web this machine cannot reach.</p>"
        '<form method="post" action="/_local/dev" class="stacked">'
        '<label for="page-url">Address</label><input id="page-url" name="page_url" '
        'placeholder="https://example.org/" required>'
        '<label for="page-html">Its HTML</label><textarea id="page-html" name="page_html" '
        'rows="4" required>&lt;meta name="flattr:id" content="…"&gt;</textarea>'
        '<button type="submit" id="page-publish">Publish</button></form>'
        "<h2>The fakes</h2><p>Stand-ins for the platforms and Stripe, served here.</p>"
        f'<ul id="dev-fakes">{fakes}</ul>'
    )
    return 200, HEADERS, _page("Clock and jobs", body)


def _summary(title: str, result: dict[str, Any]) -> str:
    shown = json.dumps(result, indent=2, default=str)
    return f"<p>{html.escape(title)}</p><pre>{html.escape(shown)}</pre>"


def dev_action(stack: LocalStack, body: bytes) -> Answer:
    from local.endpoints import Refused, local_endpoint

    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    try:
        if form.get("move") == "next-month":
            from functions.common import clock

            when = next_month(clock.now()).strftime("%Y-%m-%dT%H:%M:%SZ")
            result = local_endpoint(
                stack, "POST", "/_local/clock", json.dumps({"now": when}).encode()
            )
            said = _summary(f"The clock moved to {when}; these jobs ran:", result)
        elif form.get("dns_name"):
            asked = {"name": form["dns_name"], "txt": form.get("dns_txt", "")}
            result = local_endpoint(stack, "POST", "/_local/dns", json.dumps(asked).encode())
            said = _summary(f"Published at {result['name']}:", result)
        elif form.get("page_url"):
            asked = {"url": form["page_url"], "html": form.get("page_html", "")}
            result = local_endpoint(stack, "POST", "/_local/pages", json.dumps(asked).encode())
            said = _summary("Published:", result)
        elif form.get("job"):
            name = form["job"]
            result = local_endpoint(stack, "POST", f"/_local/jobs/{name}", b"{}")
            said = _summary(f"{name} ran:", result)
        else:
            said = "<p>Nothing was asked.</p>"
    except Refused as refused:
        said = f"<p>Refused: {html.escape(refused.detail)}</p>"
    return dev_page(stack, said)

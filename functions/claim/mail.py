"""The claim domain's emails and pages, from its own templates (``claim/templates``);
sending is shared plumbing (``common/mail``). Every unclaimed-flattrs email carries
RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

from typing import Any

from functions.common import mail

PACKAGE = "functions.claim"


def render(name: str, **context: Any) -> str:
    return mail.templates(PACKAGE).get_template(name).render(**context)


def send(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str | None = None,
) -> str:
    return mail.send(PACKAGE, to, subject, template, context, unsubscribe_url)

"""The claim domain's emails and pages, from its own templates (``claim/templates``);
sending is shared plumbing (``common/mail``). Every unclaimed-flattrs email carries
RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

from functools import partial
from typing import Any

from functions.common import mail

PACKAGE = "functions.claim"


def render(name: str, **context: Any) -> str:
    return mail.templates(PACKAGE).get_template(name).render(**context)


# Sends ``template``.txt and .html of the claim domain (``common.mail.send``).
send = partial(mail.send, PACKAGE)

"""Sending email: rendered from a domain's Jinja2 templates (text and HTML), sent through
SES with our configuration set (bounces and complaints come back as events; opens and
clicks are counted in aggregate by SES, never per person here). Used by every domain that
writes to people: the unclaimed-flattrs emails, a moved connection."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import cache
from typing import Any

import boto3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from functions.common.settings import settings

SENDER_NAME = "Flattr"


@cache
def templates(package: str) -> Environment:
    """The templates in ``<package>/templates``, HTML autoescaped."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _ses() -> Any:
    return boto3.client("ses")


def send(
    package: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str | None = None,
) -> str:
    """Render ``template``.txt and .html of ``package`` and send them; answers SES's id.
    With ``unsubscribe_url``, RFC 8058 one-click unsubscribe headers are added."""
    env = templates(package)
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, settings().mail_from))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings().mail_from.split("@", 1)[1])
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(env.get_template(f"{template}.txt").render(**context))
    message.add_alternative(env.get_template(f"{template}.html").render(**context), subtype="html")
    answer = _ses().send_raw_email(
        Source=settings().mail_from,
        Destinations=[to],
        RawMessage={"Data": message.as_bytes()},
        ConfigurationSetName=settings().ses_configuration_set,
    )
    return str(answer["MessageId"])

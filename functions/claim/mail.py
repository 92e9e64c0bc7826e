"""Emails: rendered from Jinja2 templates (text and HTML), sent through SES with our
configuration set (bounces and complaints come back as events; opens and clicks are
counted in aggregate by SES, never per person here), with RFC 8058 one-click unsubscribe
headers on every unclaimed-flattrs email."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import cache
from typing import Any

import boto3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

SENDER_NAME = "Flattr"


@cache
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("functions.claim", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    return templates().get_template(name).render(**context)


@cache
def _ses() -> Any:
    return boto3.client("ses")


def send(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str | None = None,
) -> str:
    """Render ``template``.txt and .html and send them; answers SES's message id."""
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, os.environ["MAIL_FROM"]))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=os.environ["MAIL_FROM"].split("@", 1)[1])
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(render(f"{template}.txt", **context))
    message.add_alternative(render(f"{template}.html", **context), subtype="html")
    answer = _ses().send_raw_email(
        Source=os.environ["MAIL_FROM"],
        Destinations=[to],
        RawMessage={"Data": message.as_bytes()},
        ConfigurationSetName=os.environ["SES_CONFIGURATION_SET"],
    )
    return str(answer["MessageId"])

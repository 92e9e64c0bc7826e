"""The emails the emulated SES has accepted, read from moto's backend."""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

_LINK = re.compile(r"https?://[^\s\"'<>)]+")


def _parts(raw: str) -> tuple[str, str, str, list[str]]:
    message = email.message_from_string(raw, policy=email.policy.default)
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not text:
            text = part.get_content()
        elif part.get_content_type() == "text/html" and not html:
            html = part.get_content()
    return str(message.get("Subject", "")), text, html, list(message.get_all("To", []))


def _headers(raw: str) -> dict[str, str]:
    message = email.message_from_string(raw, policy=email.policy.default)
    wanted = ("List-Unsubscribe", "List-Unsubscribe-Post", "From")
    return {name: str(message[name]) for name in wanted if message[name] is not None}


def messages(region: str = "eu-west-1") -> list[dict[str, Any]]:
    """Every message of every emulated account (the local stack has one; tests another)."""
    from moto.ses.models import ses_backends

    sent: list[dict[str, Any]] = []
    every = [m for account in ses_backends for m in ses_backends[account][region].sent_messages]
    for message in every:
        raw = getattr(message, "raw_data", None)
        if raw:
            subject, text, html, to = _parts(raw)
            to = list(dict.fromkeys(getattr(message, "destinations", None) or to))
        else:
            subject = message.subject
            text, html = message.body, ""
            destinations = message.destinations
            to = list(destinations.get("ToAddresses", [])) if isinstance(destinations, dict) else []
        links = sorted(set(_LINK.findall(text) + _LINK.findall(html)))
        headers = _headers(raw) if raw else {}
        sent.append(
            {
                "to": to,
                "subject": subject,
                "text": text,
                "html": html,
                "links": links,
                "headers": headers,
            }
        )
    return sent

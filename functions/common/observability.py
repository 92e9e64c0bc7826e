"""Powertools logger, tracer and metrics, and the filter that keeps secrets out of logs."""

from __future__ import annotations

import logging
import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer

_REDACTIONS = (
    (re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+"), "[url]"),
    (re.compile(r"\bwww\.[^\s\"'<>]+"), "[url]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*"), "[jwt]"),
    (re.compile(r"(?i)\bbearer\s+[\w.~+/=-]+"), "Bearer [token]"),
    (
        re.compile(
            r"(?i)\b(code|token|access_token|refresh_token|state|code_verifier|secret|password)"
            r"(\"?\s*[=:]\s*\"?)[^\s&\"',}]+"
        ),
        r"\1\2[redacted]",
    ),
)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


def redact(text: str) -> str:
    """Replace URLs, emails, JWTs, bearer tokens and OAuth parameters in ``text``."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item) for item in value)
    return value


def _redacted_exception(exc_info: Any) -> Any:
    """The same exception type name and traceback, with a scrubbed message (an HTTP error's
    message carries its URL)."""
    exc_type, error, traceback = exc_info
    stand_in = type(exc_type.__name__, (Exception,), {"__module__": exc_type.__module__})
    return stand_in, stand_in(redact(str(error))), traceback


class RedactingFilter(logging.Filter):
    """Scrubs the message, its arguments and any extra keys of a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_info = _redacted_exception(record.exc_info)
            record.exc_text = None
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = _scrub(record.args)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and key not in {"message", "asctime"}:
                setattr(record, key, _scrub(value))
        return True


def guard(handler: logging.Handler) -> None:
    """Redact every record ``handler`` writes. A logger's own filters see only the records
    made on that logger, not those its children pass up to its handlers: the filter is on
    the handler, so no logger, a child's or a library's, can write around it."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())


def guard_handlers() -> None:
    """Guard the root logger's handlers (Lambda's runtime writes libraries' records there)."""
    for handler in logging.getLogger().handlers:
        guard(handler)


def make_logger(service: str) -> Logger:
    """The service's logger; its handler redacts what it and its children write
    (``Logger(service=..., child=True)`` in a module logs through it)."""
    logger = Logger(service=service)
    guard(logger.registered_handler)
    guard_handlers()
    return logger


AWS_ONLY = ("botocore",)  # boto3 and PynamoDB call AWS through it
WITH_HTTP = ("botocore", "requests")  # and platforms, Stripe, pages over requests


def make_tracer(service: str, patch: tuple[str, ...]) -> Tracer:
    """X-Ray tracing of the handler and of the calls it makes through ``patch``'s modules
    (a Lambda that makes no HTTP call but AWS's does not load ``requests`` to patch it)."""
    return Tracer(service=service, patch_modules=patch)


def make_metrics(service: str) -> Metrics:
    return Metrics(service=service)

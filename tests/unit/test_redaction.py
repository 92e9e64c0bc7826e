import io
import json
import logging

from functions.common.observability import RedactingFilter, make_logger, redact


def test_redact_removes_urls_emails_tokens_and_codes():
    text = (
        "saw https://example.com/secret?x=1 and www.example.org/a, mail ada@example.org, "
        "jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl, Bearer abc.def, ?code=xyz&state=s3cr3t "
        'access_token="tok123"'
    )
    cleaned = redact(text)
    for secret in (
        "example.com",
        "example.org",
        "ada@",
        "eyJ",
        "abc.def",
        "xyz",
        "s3cr3t",
        "tok123",
    ):
        assert secret not in cleaned
    assert "[url]" in cleaned and "[email]" in cleaned and "[jwt]" in cleaned


def test_redact_keeps_ordinary_text():
    assert (
        redact("split of 2026-10 done: 42 contributors") == "split of 2026-10 done: 42 contributors"
    )


def test_logger_output_holds_no_url_email_or_token():
    logger = make_logger("test")
    stream = io.StringIO()
    handler = logger.handlers[0] if logger.handlers else None
    assert handler is not None
    handler.stream = stream  # type: ignore[attr-defined]
    logger.warning(
        "visit to %s by %s",
        "https://example.com/private",
        "ada@example.org",
        extra={"url": "https://example.com/x", "detail": {"token": "Bearer abc"}},
    )
    line = json.loads(stream.getvalue().splitlines()[-1])
    dumped = json.dumps(line)
    assert "example.com" not in dumped and "ada@example.org" not in dumped
    assert "abc" not in dumped.replace("[", "")
    assert any(isinstance(f, RedactingFilter) for f in logger.registered_handler.filters)


def test_filter_handles_plain_records():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "see %s", ("http://a.b/c",), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "see [url]"


def test_exception_messages_are_scrubbed_too():
    logger = make_logger("test-exc")
    stream = io.StringIO()
    logger.handlers[0].stream = stream  # type: ignore[attr-defined]
    secret_url = "https://" + "api.example.com/user?token=" + "abc"
    try:
        raise ValueError(f"404 Client Error: Not Found for url: {secret_url}")
    except ValueError:
        logger.exception("platform call failed")
    dumped = stream.getvalue()
    assert "api.example.com" not in dumped and "abc" not in dumped.replace("[", "")
    assert "ValueError" in dumped


SECRETS = (
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlc2lnbmF0dXJl",
    "https://example.com/private?token=abc123",
    "ada@example.org",
)


def _every_module_logger() -> list[tuple[str, logging.Logger]]:
    """Every logger the code creates: each module's Powertools ``Logger`` (children
    included) and each ``logging.getLogger`` it holds, found by importing every module."""
    import importlib
    import pkgutil

    from aws_lambda_powertools import Logger

    import functions

    found: dict[str, logging.Logger] = {}
    for info in pkgutil.walk_packages(functions.__path__, "functions."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Logger):
                found[value.name] = value._logger
            elif isinstance(value, logging.Logger):
                found[value.name] = value
    return sorted(found.items())


def test_no_logger_of_the_code_writes_a_secret():
    """Child loggers (``Logger(child=True)``) pass their records up to their parent's
    handler, past the parent logger's own filters: the redaction is on the handlers, so
    each logger's output is scrubbed whoever made the record."""
    loggers = _every_module_logger()
    children = [name for name, _ in loggers if "." in name]
    assert children, "the code's child loggers were not found"
    stream = io.StringIO()
    handlers = [  # each service's handler, as each Lambda's entry point builds it
        make_logger(service).registered_handler
        for service in sorted({name.split(".", 1)[0] for name, _ in loggers})
    ]
    previous = [handler.setStream(stream) for handler in handlers]  # type: ignore[attr-defined]
    try:
        for name, logger in loggers:
            logger.warning("secret %s in %s", SECRETS[0], name, extra={"to": SECRETS[2]})
            logger.error("fetching %s failed", SECRETS[1])
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)  # type: ignore[attr-defined]
    written = stream.getvalue()
    for name, _ in loggers:
        assert f"in {name}" in written, f"{name} wrote nothing"
    for secret in (SECRETS[0], "example.com", "abc123", SECRETS[2]):
        assert secret not in written
    assert written.count("[jwt]") == len(loggers) and written.count("[email]") == len(loggers)


def test_library_records_through_the_root_handler_are_redacted_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        make_logger("test-root")  # guards the root's handlers, as Lambda's runtime has one
        logging.getLogger("urllib3.connectionpool").warning("GET %s", SECRETS[1])
    finally:
        root.removeHandler(handler)
    assert "example.com" not in stream.getvalue() and "[url]" in stream.getvalue()

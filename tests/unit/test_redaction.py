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
    assert any(isinstance(f, RedactingFilter) for f in logger._logger.filters)


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

"""Every environment variable is read into the one ``Settings``, and a Lambda that lacks
one it needs fails at its cold start, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from functions.common.settings import MissingSettings, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_require_names_every_missing_variable():
    configured = Settings(mail_from="a@b.test")
    assert configured.require("mail_from") is configured
    with pytest.raises(MissingSettings) as missing:
        Settings().require("mail_from", "user_pool_id", "public_url")
    assert missing.value.names == ["MAIL_FROM", "USER_POOL_ID", "PUBLIC_API_URL"]
    assert "MAIL_FROM, USER_POOL_ID, PUBLIC_API_URL" in str(missing.value)


def test_platform_hosts_are_settings_too(setenv):
    from functions.common.settings import settings

    setenv(GITLAB_API_URL="https://git.example.org/api/v4", SOMETHING_ELSE="x")
    assert settings().platform_urls["GITLAB_API_URL"] == "https://git.example.org/api/v4"
    assert "SOMETHING_ELSE" not in settings().platform_urls
    assert "PUBLIC_API_URL" not in settings().platform_urls


@pytest.mark.parametrize(
    ("module", "entry", "variable"),
    [
        ("functions.account.handler", "lambda_handler", "ACCOUNT_LEAVING_QUEUE_URL"),
        ("functions.account.handler", "events_handler", "USER_POOL_ID"),
        ("functions.payments.handler", "events_handler", "ACCOUNT_DELETED_TOPIC_ARN"),
        ("functions.claim.handler", "job_handler", "MAIL_FROM"),
        ("functions.connections.handler", "lambda_handler", "TOKEN_KEY_ID"),
    ],
)
def test_a_lambda_without_a_setting_it_needs_fails_its_cold_start(module, entry, variable):
    """As the Lambda runtime starts one: the module, and the entry point it names."""
    env = {**os.environ, variable: ""}
    started = subprocess.run(
        [sys.executable, "-c", f"from {module} import {entry}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert f"missing environment variables: {variable}" in started.stderr


def test_no_module_reads_the_environment_but_settings():
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "functions").rglob("*.py")
        if "os.environ" in path.read_text() or "getenv(" in path.read_text()
    ]
    # The operator CLI sets the local emulator's variables before anything reads them
    # (and reads where the local stack is).
    assert sorted(readers) == [
        "functions/cli.py",
        "functions/common/settings.py",
        "functions/payout/cli.py",
    ]

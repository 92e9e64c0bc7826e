"""Shared fixtures: the AWS emulator in-process (moto) and a caller for the real handlers."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

# Before any boto3 client exists: never reach real AWS from a test.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "TABLE_PREFIX": "test-",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "FlattrTest",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "SPLIT_STATUS_CACHE_SECONDS": "0",
        "SPLIT_CLOSE_GRACE_SECONDS": "0",
        "PUBLIC_API_URL": "https://api.flattr.test",
        # As the CDK app sets them; provisioning an emulated account replaces the key id
        # and the user pool with the ones it creates.
        "MAIL_FROM": "flattr@flattr.test",
        "SES_CONFIGURATION_SET": "flattr-mail",
        "TOKEN_KEY_ID": "provisioned-per-test",
        "USER_POOL_ID": "provisioned-per-test",
        "JWT_ISSUER": "https://idp.flattr.test",
        "JWT_CLIENT_ID": "provisioned-per-test",
        # The identity provider's endpoints for /v1/session (its tests serve a fake one).
        "SIGN_IN_TOKEN_URL": "https://idp.flattr.test/oauth2/token",
        "SIGN_IN_REVOKE_URL": "https://idp.flattr.test/oauth2/revoke",
        "STRIPE_EVENTS_QUEUE_URL": "provisioned-per-test",
        "ACCOUNT_LEAVING_QUEUE_URL": "provisioned-per-test",
        "ACCOUNT_DELETED_TOPIC_ARN": "provisioned-per-test",
        # A web page's flattrs go to its domain at once; the page-author lookup is on in
        # its own tests (tests/integration/test_page_authors.py), which serve page heads.
        "PAGE_AUTHORS": "off",
        # A repository's flattrs go to its owner at once; funding files are read in their
        # own tests (tests/integration/test_funding_files.py), which serve them.
        "FUNDING_FILES": "off",
        # No owner lookup is queued (the stacks of the HTTP tests would ask YouTube);
        # tests/integration/test_owner_lookups.py and test_page_authors.py turn them on.
        "OWNER_LOOKUPS": "off",
        # A URL naming a handle keeps the handle's key at once (github.com/octocat is
        # github:octocat); tests/integration/test_handle_lookups.py turns it on.
        "HANDLE_LOOKUPS": "off",
        # The emulated user pool checks TOTP codes, as Cognito does.
        "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


def _serialise_moto() -> None:
    """moto's backends are not thread-safe; the code under test is concurrent (the split's
    worker pool). As the local stack's emulator does, handle one AWS call at a time."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    if getattr(BotocoreStubber, "_serialised", False):
        return
    lock = threading.RLock()
    original = BotocoreStubber.__call__

    def serial(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    BotocoreStubber.__call__ = serial  # type: ignore[method-assign]
    BotocoreStubber._serialised = True  # type: ignore[attr-defined]


_serialise_moto()


def _fast_transactions() -> None:
    from local.emulator import install_fast_transactions

    install_fast_transactions()


_fast_transactions()


# The emulator's tables as made once in this process (empty), by table prefix: each test
# starts from a copy of them, not from 34 tables made again (a second of every test).
_EMPTY_TABLES: dict[str, Any] = {}


def _tables_as_made_once(settings: Any) -> None:
    import copy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from local.provision import create_tables

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region]
    made = _EMPTY_TABLES.get(settings.table_prefix)
    if made is None:
        create_tables(settings)
        _EMPTY_TABLES[settings.table_prefix] = copy.deepcopy(backend.tables)
    else:
        backend.tables = copy.deepcopy(made)


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh emulated account with every table, secret and identity provisioned."""
    from moto import mock_aws

    from functions.common import clock, storage
    from functions.common.settings import settings
    from local.provision import provision

    with mock_aws():
        storage.reset()
        clock.reset()
        _clear_caches()
        provision(settings(), make_tables=_tables_as_made_once)
        yield
    clock.reset()
    _clear_caches()


def _clear_caches() -> None:
    """In-process caches would carry one test's emulator state into the next."""
    from aws_lambda_powertools.utilities import parameters

    from functions.common import deletions
    from functions.core import flattrs, recipients
    from functions.core.ownership import aliases, lookups
    from functions.core.platforms import twitch
    from functions.track import store, tracking

    deletions.clear_cache()
    recipients.clear_cache()
    aliases.clear_cache()
    parameters.clear_caches()
    tracking.directory().clear()
    tracking.clear_lookup_cache()
    lookups.clear_caches()
    twitch.clear_tokens()
    store.clear_caches()
    flattrs.clear_caches()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    raw: bytes
    cookies: dict[str, str] = field(default_factory=dict)  # what Set-Cookie set
    set_cookies: list[str] = field(default_factory=list)  # the Set-Cookie values, whole

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


def call(
    method: str,
    path: str,
    body: Any = None,
    *,
    user: str | None = "user-1",
    query: str = "",
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    email: str = "user@example.org",
    cookies: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> Answer:
    """Invoke the real handler of a route with a payload 2.0 event, as API Gateway would.
    ``cookies`` are what the browser sends; ``Answer.cookies`` what the answer set;
    ``claims`` are more of the token's claims (``auth_time``, ``username``)."""
    from local.gateway import build_event, invoke, match, response_cookies, response_parts

    found = match(method, path)
    assert found is not None, f"no route {method} {path}"
    route, path_parameters = found
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    all_headers = {"content-type": "application/json", **(headers or {})}
    if cookies:
        all_headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    verified = (
        None if route.public or user is None else {"sub": user, "email": email, **(claims or {})}
    )
    event = build_event(
        route, path_parameters, method, path, query, all_headers, data, "127.0.0.1", verified
    )
    result = invoke(route.domain, "lambda_handler", event)
    status, response_headers, body_bytes = response_parts(result)
    raw_cookies = response_cookies(result)
    cookie_values = {
        name: value
        for name, _, value in (cookie.split(";", 1)[0].partition("=") for cookie in raw_cookies)
    }
    return Answer(
        status,
        {k.lower(): v for k, v in response_headers.items()},
        body_bytes,
        cookie_values,
        raw_cookies,
    )


class Browser:
    """One browser for ``call``: keeps the cookies answers set and sends them back."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        answer = call(method, path, body, cookies=self.cookies, **kwargs)
        for name, value in answer.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return answer


@pytest.fixture
def setenv(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``setenv(NAME=value, ...)``: environment variables set for this test, and the
    settings read again (they are read once per process, as in a Lambda)."""
    from functions.common.settings import settings

    def set_variables(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        settings.cache_clear()

    yield set_variables
    monkeypatch.undo()
    settings.cache_clear()

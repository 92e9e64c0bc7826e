"""Fixtures shared by the integration tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from tests.integration.stripe_helpers import API, Stripe


@pytest.fixture
def stripe(aws: None, setenv: Any) -> Iterator[Stripe]:
    """The fake Stripe, reached by the SDK at ``API``."""
    setenv(STRIPE_API_URL=API)
    found = Stripe()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for method in ("GET", "POST", "DELETE"):
            mocked.add_callback(method, re.compile(rf"{re.escape(API)}/.*"), callback=found.route)
        yield found


@pytest.fixture
def app(aws: None) -> dict[str, Any]:
    """An app the developer registered (``app_helpers.register_app``)."""
    from tests.integration.app_helpers import register_app

    return register_app()

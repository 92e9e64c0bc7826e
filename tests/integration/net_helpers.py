"""Name resolution for tests: public-looking (or private) addresses for the host names a
test serves with ``responses``, so that ``common/safe_http`` checks them as it would the
internet's, and nothing leaves the machine."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import responses

from functions.common import safe_http
from tests.integration.track_helpers import at_base


def resolver(addresses: dict[str, str]) -> Callable[..., list[Any]]:
    """A stand-in for ``socket.getaddrinfo``: each name resolves to its address; any other
    name does not resolve."""

    def resolve(name: str, port: int, **_: object) -> list[Any]:
        if name not in addresses:
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addresses[name], port))]

    return resolve


@contextmanager
def public_web(
    monkeypatch: pytest.MonkeyPatch, addresses: dict[str, str]
) -> Iterator[responses.RequestsMock]:
    """The lookup tests' internet: ``addresses`` resolve as public (or private) hosts, the
    clock at the tests' base, and what those hosts answer served with ``responses``."""
    monkeypatch.setattr(safe_http, "RESOLVER", resolver(addresses))
    at_base()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock

"""Name resolution for tests: public-looking (or private) addresses for the host names a
test serves with ``responses``, so that ``common/safe_http`` checks them as it would the
internet's, and nothing leaves the machine."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any


def resolver(addresses: dict[str, str]) -> Callable[..., list[Any]]:
    """A stand-in for ``socket.getaddrinfo``: each name resolves to its address; any other
    name does not resolve."""

    def resolve(name: str, port: int, **_: object) -> list[Any]:
        if name not in addresses:
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addresses[name], port))]

    return resolve

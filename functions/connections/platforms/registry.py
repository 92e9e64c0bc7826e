"""The adapters by platform name."""

from __future__ import annotations

from functions.connections.platforms.base import Platform
from functions.connections.platforms.github import GitHub

ADAPTERS: dict[str, Platform] = {adapter.name: adapter for adapter in (GitHub(),)}

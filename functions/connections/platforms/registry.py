"""The adapters by platform name."""

from __future__ import annotations

from functions.connections.platforms.base import Platform
from functions.connections.platforms.github import GitHub
from functions.connections.platforms.gitlab import GitLab
from functions.connections.platforms.ownership import Twitch, Vimeo, YouTube

ADAPTERS: dict[str, Platform] = {
    adapter.name: adapter for adapter in (GitHub(), GitLab(), Twitch(), Vimeo(), YouTube())
}

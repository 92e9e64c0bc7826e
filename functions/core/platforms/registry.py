"""The adapters by platform name."""

from __future__ import annotations

from functions.connections.budget import SharedBudget
from functions.connections.platforms.base import Platform
from functions.connections.platforms.bluesky import Bluesky
from functions.connections.platforms.flickr import Flickr
from functions.connections.platforms.github import GitHub
from functions.connections.platforms.gitlab import GitLab
from functions.connections.platforms.mastodon import Mastodon
from functions.connections.platforms.ownership import Twitch, Vimeo, YouTube
from functions.connections.platforms.soundcloud import SoundCloud
from functions.connections.platforms.tumblr import Tumblr

_SHARED = SharedBudget()

ADAPTERS: dict[str, Platform] = {
    adapter.name: adapter
    for adapter in (
        GitHub(),
        GitLab(),
        Mastodon(),
        Bluesky(),
        Tumblr(_SHARED),
        SoundCloud(_SHARED),
        Flickr(_SHARED),
        Twitch(),
        Vimeo(),
        YouTube(),
    )
}

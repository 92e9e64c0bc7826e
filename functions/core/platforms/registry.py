"""The adapters by platform name."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.bluesky import Bluesky
from functions.core.platforms.budget import SharedBudget
from functions.core.platforms.flickr import Flickr
from functions.core.platforms.github import GitHub
from functions.core.platforms.gitlab import GitLab
from functions.core.platforms.mastodon import Mastodon
from functions.core.platforms.ownership import Twitch, Vimeo, YouTube
from functions.core.platforms.soundcloud import SoundCloud
from functions.core.platforms.tumblr import Tumblr

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

"""Every platform, by name: the URL rules of all of them (for the resolver), and the
ones people connect (for the connections domain)."""

from __future__ import annotations

from functions.core.platforms.base import Connectable, Platform
from functions.core.platforms.bluesky import Bluesky
from functions.core.platforms.budget import SharedBudget
from functions.core.platforms.facebook import Facebook
from functions.core.platforms.fivehundredpx import FiveHundredPx
from functions.core.platforms.flickr import Flickr
from functions.core.platforms.github import GitHub
from functions.core.platforms.gitlab import GitLab
from functions.core.platforms.instagram import Instagram
from functions.core.platforms.mastodon import Mastodon
from functions.core.platforms.medium import Medium
from functions.core.platforms.reddit import Reddit
from functions.core.platforms.soundcloud import SoundCloud
from functions.core.platforms.tumblr import Tumblr
from functions.core.platforms.twitch import Twitch
from functions.core.platforms.vimeo import Vimeo
from functions.core.platforms.x import X
from functions.core.platforms.youtube import YouTube

_SHARED = SharedBudget()  # per-app-key limits, spent by every user's polling

CONNECTABLE: dict[str, Connectable] = {
    platform.name: platform
    for platform in (
        GitHub(),
        GitLab(),
        Mastodon(_SHARED),
        Bluesky(),
        Tumblr(_SHARED),
        SoundCloud(_SHARED),
        Flickr(_SHARED),
        Twitch(),
        Vimeo(),
        YouTube(),
    )
}

# The resolver tries hosts in this order (the first platform to name a host keeps it).
PLATFORMS: tuple[Platform, ...] = (
    *CONNECTABLE.values(),
    X(),
    Instagram(),
    FiveHundredPx(),
    Medium(),
    Reddit(),
    Facebook(),
)
BY_NAME: dict[str, Platform] = {platform.name: platform for platform in PLATFORMS}

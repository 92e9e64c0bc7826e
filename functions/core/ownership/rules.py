"""What each platform's URLs say about who owns them: one definition per platform.

Shared by the track capability's resolver and the connections adapters. Pure data
and regular expressions: no network, no AWS. ``docs`` for the facts:
``../shared/spec/platforms.md``.

A platform has one or more *sites* (host groups with their own path rules). A rule
either names the owner straight from the path (``owner``), or names something the
platform's API must be asked about (``lookup`` = the kind of thing, e.g. a video),
optionally with a ``fallback`` key to use when no lookup is available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Tier = Literal["likes", "ownership", "resolution"]


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    template: str = "{owner}"  # formatted with the match's groups and ``host``
    lookup: str | None = None  # kind of thing to look up, with the group ``ref``
    query: str | None = None  # the lookup reference comes from this query parameter
    fallback: str | None = None  # an owner template to use when the lookup gives nothing


def rule(
    pattern: str,
    template: str = "{owner}",
    *,
    lookup: str | None = None,
    query: str | None = None,
    fallback: str | None = None,
) -> Rule:
    return Rule(re.compile(pattern, re.IGNORECASE), template, lookup, query, fallback)


@dataclass(frozen=True)
class Site:
    hosts: tuple[str, ...]
    rules: tuple[Rule, ...]
    # Paths that are the platform's own pages (search, settings, ...): nobody owns them.
    nobody: re.Pattern[str] = re.compile(r"^/$")
    # Owner in the subdomain: ``{owner}.<domain>`` (``reserved_subdomains`` excepted).
    subdomain_of: str | None = None
    reserved_subdomains: frozenset[str] = frozenset({"www", "api", "m", "mobile", "help"})
    keep_query: tuple[str, ...] = ()


@dataclass(frozen=True)
class Platform:
    name: str
    display: str
    tier: Tier
    sites: tuple[Site, ...]
    case_sensitive_owner: bool = False
    # The first site's rules hold on any host (a fediverse server of any name).
    any_host: bool = False
    # Other hosts that mean the same as the first host of the first site.
    aliases: tuple[str, ...] = field(default=())


def nobody(*prefixes: str) -> re.Pattern[str]:
    """Root, or a path whose first segments are one of ``prefixes``."""
    joined = "|".join(prefixes)
    return re.compile(rf"^/$|^/(?:{joined})(?:/|$)", re.IGNORECASE)


SEGMENT = r"[^/]+"

GITHUB = Platform(
    "github",
    "GitHub",
    "likes",
    (
        Site(
            ("github.com",),
            (
                rule(rf"^/(?:orgs|sponsors|users)/(?P<owner>{SEGMENT})"),
                rule(r"^/(?P<owner>[a-z0-9-]+)(?:/|$)"),
            ),
            nobody(
                "about",
                "account",
                "apps",
                "codespaces",
                "collections",
                "contact",
                "copilot",
                "customer-stories",
                "dashboard",
                "enterprise",
                "events",
                "explore",
                "features",
                "home",
                "issues",
                "join",
                "login",
                "logout",
                "marketplace",
                "models",
                "new",
                "notifications",
                "organizations",
                "password_reset",
                "pricing",
                "pulls",
                "readme",
                "search",
                "security",
                "sessions",
                "settings",
                "signup",
                "site",
                "sponsors$",
                "team",
                "topics",
                "trending",
            ),
            keep_query=("tab",),
        ),
        Site(
            ("gist.github.com",),
            (rule(rf"^/(?P<owner>{SEGMENT})"),),
            nobody("discover", "search", "starred", "mine", "auth"),
        ),
        Site(("raw.githubusercontent.com",), (rule(rf"^/(?P<owner>{SEGMENT})"),)),
        Site(("github.io",), (), subdomain_of="github.io"),
    ),
    aliases=("www.github.com",),
)

GITLAB = Platform(
    "gitlab",
    "GitLab",
    "likes",
    (
        Site(
            ("gitlab.com",),
            (
                rule(rf"^/users/(?P<owner>{SEGMENT})"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "explore",
                "dashboard",
                "search",
                "help",
                "admin",
                "-",
                "projects",
                "profile",
                "users/(?:sign_in|sign_up|password|confirmation|auth)",
                "api",
            ),
        ),
        Site(("gitlab.io",), (), subdomain_of="gitlab.io"),
    ),
    aliases=("www.gitlab.com",),
)

# Fediverse servers known to speak Mastodon's URL shapes. Others resolve as websites
# until a connection registers them (the connections capability adds servers).
MASTODON_SERVERS = (
    "mastodon.social",
    "mastodon.online",
    "mstdn.social",
    "fosstodon.org",
    "hachyderm.io",
    "infosec.exchange",
    "mas.to",
    "mastodon.world",
    "techhub.social",
    "chaos.social",
    "social.coop",
    "floss.social",
    "mathstodon.xyz",
    "toot.community",
    "mastodon.art",
    "troet.cafe",
    "det.social",
    "mstdn.jp",
    "pawoo.net",
    "universeodon.com",
)

MASTODON = Platform(
    "mastodon",
    "Mastodon",
    "likes",
    (
        Site(
            MASTODON_SERVERS,
            (
                rule(
                    r"^/(?:web/)?@(?P<user>[a-z0-9_.]+)(?:@(?P<server>[a-z0-9.-]+))?(?:/|$)",
                    "@{user}@{server}",
                ),
                rule(r"^/users/(?P<user>[a-z0-9_.]+)(?:/|$)", "@{user}@{server}"),
            ),
            nobody(
                "explore",
                "notifications",
                "settings",
                "about",
                "auth",
                "home",
                "public",
                "search",
                "tags",
                "privacy-policy",
                "web/(?:home|notifications|explore|public|search)",
                "deck",
                "lists",
                "bookmarks",
                "favourites",
                "directory",
                "oauth",
                "api",
            ),
        ),
    ),
    any_host=True,
)

BLUESKY = Platform(
    "bluesky",
    "Bluesky",
    "likes",
    (
        Site(
            ("bsky.app",),
            (rule(rf"^/profile/(?P<owner>{SEGMENT})"),),
            nobody(
                "search",
                "settings",
                "notifications",
                "feeds",
                "messages",
                "lists",
                "moderation",
                "support",
                "starter-pack",
            ),
        ),
    ),
)

TUMBLR = Platform(
    "tumblr",
    "Tumblr",
    "likes",
    (
        Site(
            ("tumblr.com",),
            (
                rule(rf"^/blog/view/(?P<owner>{SEGMENT})"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "dashboard",
                "explore",
                "search",
                "settings",
                "login",
                "register",
                "likes",
                "following",
                "inbox",
                "new",
                "tagged",
                "about",
                "policy",
                "privacy",
                "docs",
                "help",
                "apps",
                "support",
                "communities",
                "blog$",
                "oauth2",
            ),
        ),
        Site(
            ("tumblr.com",),
            (),
            subdomain_of="tumblr.com",
            reserved_subdomains=frozenset({"www", "api", "assets", "m", "help"}),
        ),
    ),
    aliases=("www.tumblr.com",),
)

SOUNDCLOUD = Platform(
    "soundcloud",
    "SoundCloud",
    "likes",
    (
        Site(
            ("soundcloud.com",),
            (rule(rf"^/(?P<owner>{SEGMENT})"),),
            nobody(
                "discover",
                "search",
                "stream",
                "you",
                "settings",
                "upload",
                "charts",
                "pages",
                "terms-of-use",
                "messages",
                "notifications",
                "signin",
                "feed",
                "people",
                "tags",
                "jobs",
                "imprint",
                "popular",
                "mobile",
                "creators",
                "connect",
                "pro",
                "artists",
            ),
        ),
        Site(("on.soundcloud.com",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    ),
    aliases=("www.soundcloud.com", "m.soundcloud.com"),
)

FLICKR = Platform(
    "flickr",
    "Flickr",
    "likes",
    (
        Site(
            ("flickr.com",),
            (rule(rf"^/(?:photos|people)/(?P<owner>{SEGMENT})"),),
            nobody(
                "explore",
                "search",
                "account",
                "signin",
                "groups",
                "camera",
                "cameras",
                "help",
                "about",
                "services",
                "commons",
                "map",
                "places",
                "photos/(?:tags|friends|upload|organize)",
                "photos$",
                "create",
                "prints",
            ),
        ),
        Site(("flic.kr",), (rule(rf"^/p/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    ),
    aliases=("www.flickr.com", "m.flickr.com", "secure.flickr.com"),
)

TWITCH = Platform(
    "twitch",
    "Twitch",
    "ownership",
    (
        Site(
            ("twitch.tv",),
            (
                rule(r"^/videos/(?P<ref>\d+)", lookup="video"),
                rule(r"^/(?P<owner>[a-z0-9_]{3,25})(?:/|$)"),
            ),
            nobody(
                "directory",
                "settings",
                "subscriptions",
                "inventory",
                "wallet",
                "search",
                "downloads",
                "login",
                "signup",
                "p",
                "jobs",
                "turbo",
                "prime",
                "drops",
                "friends",
                "messages",
                "store",
                "videos$",
            ),
        ),
        Site(("clips.twitch.tv",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="clip"),)),
    ),
    aliases=("www.twitch.tv", "m.twitch.tv"),
)

VIMEO = Platform(
    "vimeo",
    "Vimeo",
    "ownership",
    (
        Site(
            ("vimeo.com",),
            (
                rule(r"^/(?P<ref>\d+)(?:/|$)", lookup="video"),
                rule(r"^/channels/[^/]+/(?P<ref>\d+)", lookup="video"),
                rule(r"^/(?P<owner>[a-z][a-z0-9_-]*)(?:/|$)"),
            ),
            nobody(
                "search",
                "settings",
                "watch",
                "log_in",
                "join",
                "features",
                "upgrade",
                "blog",
                "help",
                "about",
                "categories",
                "channels(?:/[^/]+)?$",
                "groups",
                "ondemand",
                "stock",
                "create",
                "solutions",
                "enterprise",
                "manage",
                "home",
                "upload",
                "for-hire",
                "pricing",
                "jobs",
                "legal",
                "privacy",
            ),
        ),
        Site(("player.vimeo.com",), (rule(r"^/video/(?P<ref>\d+)", lookup="video"),)),
    ),
    aliases=("www.vimeo.com",),
)

YOUTUBE = Platform(
    "youtube",
    "YouTube",
    "ownership",
    (
        Site(
            ("youtube.com",),
            (
                rule(r"^/channel/(?P<owner>UC[\w-]{22})(?:/|$)"),
                rule(r"^/@(?P<ref>[\w.-]+)", lookup="handle", fallback="@{ref}"),
                rule(r"^/watch$", lookup="video", query="v"),
                rule(r"^/(?:shorts|live|embed)/(?P<ref>[\w-]{6,})", lookup="video"),
                rule(r"^/(?:c|user)/(?P<ref>[^/]+)", lookup="legacy_name"),
                rule(r"^/playlist$", lookup="playlist", query="list"),
            ),
            nobody(
                "results",
                "feed",
                "account",
                "premium",
                "signin",
                "gaming",
                "hashtag",
                "kids",
                "about",
                "t",
                "howyoutubeworks",
                "creators",
                "ads",
                "shorts$",
                "upload",
            ),
            keep_query=("v", "list"),
        ),
    ),
    case_sensitive_owner=True,
    aliases=(
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    ),
)

X = Platform(
    "x",
    "X",
    "resolution",
    (
        Site(
            ("x.com",),
            (rule(r"^/(?P<owner>\w{1,15})(?:/|$)"),),
            nobody(
                "home",
                "explore",
                "notifications",
                "messages",
                "settings",
                "search",
                "i",
                "login",
                "logout",
                "signup",
                "compose",
                "tos",
                "privacy",
                "hashtag",
                "intent",
                "share",
                "jobs",
                "account",
                "download",
            ),
        ),
        Site(("t.co",), (rule(rf"^/(?P<ref>{SEGMENT})", lookup="short_link"),)),
    ),
    aliases=("twitter.com", "www.twitter.com", "mobile.twitter.com", "www.x.com", "mobile.x.com"),
)

INSTAGRAM = Platform(
    "instagram",
    "Instagram",
    "resolution",
    (
        Site(
            ("instagram.com",),
            (
                rule(r"^/(?:p|reel|reels|tv)/(?P<ref>[\w-]+)", lookup="post"),
                rule(rf"^/stories/(?P<owner>{SEGMENT})"),
                rule(r"^/(?P<owner>[\w.]{1,30})(?:/|$)"),
            ),
            nobody(
                "explore",
                "accounts",
                "direct",
                "about",
                "legal",
                "developer",
                "reels$",
                "web",
                "emails",
                "challenge",
                "privacy",
            ),
        ),
    ),
    aliases=("www.instagram.com", "m.instagram.com"),
)

FIVEHUNDREDPX = Platform(
    "500px",
    "500px",
    "resolution",
    (
        Site(
            ("500px.com",),
            (
                rule(r"^/photo/(?P<ref>\d+)", lookup="photo"),
                rule(rf"^/p/(?P<owner>{SEGMENT})"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "popular",
                "editors",
                "fresh",
                "upcoming",
                "search",
                "login",
                "signup",
                "licensing",
                "discover",
                "settings",
                "about",
                "terms",
                "privacy",
                "p$",
            ),
        ),
    ),
    aliases=("www.500px.com",),
)

MEDIUM = Platform(
    "medium",
    "Medium",
    "resolution",
    (
        Site(
            ("medium.com",),
            (
                rule(rf"^/@(?P<owner>{SEGMENT})"),
                rule(rf"^/p/(?P<ref>{SEGMENT})", lookup="post"),
                rule(rf"^/(?P<owner>{SEGMENT})"),
            ),
            nobody(
                "me",
                "search",
                "m",
                "tag",
                "topics",
                "plans",
                "membership",
                "about",
                "creators",
                "jobs-at-medium",
                "policy",
                "new-story",
                "followers",
                "following",
                "signin",
            ),
        ),
        Site(
            ("medium.com",),
            (),
            subdomain_of="medium.com",
            reserved_subdomains=frozenset({"www", "help", "policy", "blog", "m", "api"}),
        ),
    ),
    aliases=("www.medium.com",),
)

REDDIT = Platform(
    "reddit",
    "Reddit",
    "resolution",
    (
        Site(
            ("reddit.com",),
            (
                rule(rf"^/(?:u|user)/(?P<owner>{SEGMENT})"),
                rule(r"^/r/[^/]+/comments/(?P<ref>\w+)", lookup="post"),
                rule(r"^/comments/(?P<ref>\w+)", lookup="post"),
            ),
            # A subreddit is a community, not a person; its posts have authors.
            re.compile(
                r"^/$|^/(?:search|settings|message|notifications|login|register|submit|prefs"
                r"|premium|coins|popular|all|chat|mod)(?:/|$)|^/r/[^/]+(?:/(?!comments/)[^/]*)*$",
                re.IGNORECASE,
            ),
        ),
        Site(("redd.it",), (rule(r"^/(?P<ref>\w+)", lookup="post"),)),
    ),
    aliases=(
        "www.reddit.com",
        "old.reddit.com",
        "new.reddit.com",
        "m.reddit.com",
        "np.reddit.com",
        "i.reddit.com",
    ),
)

FACEBOOK = Platform(
    "facebook",
    "Facebook",
    "resolution",
    (
        Site(
            ("facebook.com",),
            (
                rule(r"^/(?:profile|story|permalink)\.php$", "{ref}", query="id"),
                rule(r"^/(?P<owner>[\w.-]+)(?:/|$)"),
            ),
            nobody(
                r"home\.php",
                "login",
                "settings",
                "watch",
                "groups",
                "marketplace",
                "events",
                "search",
                "notifications",
                "messages",
                "stories",
                "gaming",
                "friends",
                "bookmarks",
                "help",
                "policies",
                "privacy",
                "sharer",
                r"sharer\.php",
                "share",
                "dialog",
                "plugins",
                "reel",
                "hashtag",
                "photo",
                r"photo\.php",
                "legal",
            ),
            keep_query=("id", "story_fbid"),
        ),
    ),
    aliases=(
        "www.facebook.com",
        "m.facebook.com",
        "web.facebook.com",
        "mbasic.facebook.com",
        "fb.com",
        "www.fb.com",
    ),
)

PLATFORMS: tuple[Platform, ...] = (
    GITHUB,
    GITLAB,
    MASTODON,
    BLUESKY,
    TUMBLR,
    SOUNDCLOUD,
    FLICKR,
    TWITCH,
    VIMEO,
    YOUTUBE,
    X,
    INSTAGRAM,
    FIVEHUNDREDPX,
    MEDIUM,
    REDDIT,
    FACEBOOK,
)
BY_NAME: dict[str, Platform] = {platform.name: platform for platform in PLATFORMS}

# Hosts whose subdomains or paths belong to different people (besides the platforms):
# a visit says nothing about which creator was read, and each subdomain is its own site.
MULTI_AUTHOR_DOMAINS: tuple[str, ...] = (
    "wordpress.com",
    "blogspot.com",
    "substack.com",
    "ghost.io",
    "neocities.org",
    "netlify.app",
    "vercel.app",
    "wixsite.com",
    "weebly.com",
    "livejournal.com",
    "dreamwidth.org",
    "hashnode.dev",
    "bearblog.dev",
    "write.as",
    "itch.io",
    "bandcamp.com",
    "carrd.co",
    "pages.dev",
    "codeberg.page",
    "sourceforge.io",
    "readthedocs.io",
)

"""Facebook: profile and page URLs name their owner.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import Site, nobody, rule


class Facebook(Platform):
    name = "facebook"
    display = "Facebook"
    tier = "resolution"
    sites = (
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
    )
    aliases = (
        "www.facebook.com",
        "m.facebook.com",
        "web.facebook.com",
        "mbasic.facebook.com",
        "fb.com",
        "www.fb.com",
    )

"""Instagram: profile URLs name their owner; posts need a lookup.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule


class Instagram(Platform):
    name = "instagram"
    display = "Instagram"
    tier = "resolution"
    sites = (
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
    )
    aliases = ("www.instagram.com", "m.instagram.com")

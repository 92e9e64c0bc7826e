"""X (formerly Twitter): profile URLs name their owner; ``t.co`` links are expanded.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule


class X(Platform):
    name = "x"
    display = "X"
    tier = "resolution"
    sites = (
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
    )
    aliases = ("twitter.com", "www.twitter.com", "mobile.twitter.com", "www.x.com", "mobile.x.com")

"""X (formerly Twitter): profile URLs name their owner (``t.co`` links lead anywhere: they are
expanded as every shortener's, ``core/ownership/urls.SHORTENERS``).

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import Site, nobody, rule


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
    )
    aliases = ("twitter.com", "www.twitter.com", "mobile.twitter.com", "www.x.com", "mobile.x.com")

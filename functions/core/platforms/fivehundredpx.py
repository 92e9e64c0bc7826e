"""500px: profile URLs name their owner; photos need a lookup.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule


class FiveHundredPx(Platform):
    name = "500px"
    display = "500px"
    tier = "resolution"
    sites = (
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
    )
    aliases = ("www.500px.com",)

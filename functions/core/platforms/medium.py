"""Medium: ``@user`` paths and publication subdomains name their owner.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import SEGMENT, Site, nobody, rule


class Medium(Platform):
    name = "medium"
    display = "Medium"
    tier = "resolution"
    expands = frozenset({"post"})
    sites = (
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
    )
    aliases = ("www.medium.com",)

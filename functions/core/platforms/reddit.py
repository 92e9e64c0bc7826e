"""Reddit: user pages name their owner; posts need a lookup; subreddits are nobody's.

Resolution only: nobody connects it (its API gives us neither identity nor likes);
its URLs still tell the resolver whose page it is."""

from __future__ import annotations

from functions.core.platforms.base import Platform
from functions.core.platforms.sites import SEGMENT, Pattern, Site, rule


class Reddit(Platform):
    name = "reddit"
    display = "Reddit"
    tier = "resolution"
    sites = (
        Site(
            ("reddit.com",),
            (
                rule(rf"^/(?:u|user)/(?P<owner>{SEGMENT})"),
                rule(r"^/r/[^/]+/comments/(?P<ref>\w+)", lookup="post"),
                rule(r"^/comments/(?P<ref>\w+)", lookup="post"),
            ),
            # A subreddit is a community, not a person; its posts have authors.
            Pattern(
                r"^/$|^/(?:search|settings|message|notifications|login|register|submit|prefs"
                r"|premium|coins|popular|all|chat|mod)(?:/|$)|^/r/[^/]+(?:/(?!comments/)[^/]*)*$"
            ),
        ),
        Site(("redd.it",), (rule(r"^/(?P<ref>\w+)", lookup="post"),)),
    )
    aliases = (
        "www.reddit.com",
        "old.reddit.com",
        "new.reddit.com",
        "m.reddit.com",
        "np.reddit.com",
        "i.reddit.com",
    )

"""URL normalisation and owner resolution over real-world URL shapes (pure, no AWS)."""

from __future__ import annotations

import pytest

from functions.core.ownership.resolve import (
    CachedLookup,
    Lookup,
    NoLookup,
    Prefetched,
    RecipientRecord,
    resolve_many,
)
from functions.core.ownership.urls import normalise, recipient_key
from functions.core.platforms.registry import BY_NAME

# Platform API answers a lookup would give (a fake standing in for the adapters).
LOOKUPS = {
    ("bluesky", "handle", "jay.bsky.team"): "did:plc:oky5czdrnfjpqslsw2a5iclo",
    ("youtube", "video", "dQw4w9WgXcQ"): "UCuAXFkgsw1L7xaCfnd5JJOw",
    ("youtube", "handle", "MrBeast"): "UCX6OQ3DkcsbYNE6H8uQQuVA",
    ("youtube", "legacy_name", "pewdiepie"): "UC-lHJZR3Gqxm24_Vd_AJ5Yw",
    ("youtube", "playlist", "PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs"): "UCuAXFkgsw1L7xaCfnd5JJOw",
    ("vimeo", "video", "76979871"): "staff",
    # Handles settled to account ids (GitHub's users/{login}, Mastodon's WebFinger and
    # accounts/lookup, Twitch's Helix users, Flickr's urls.lookupUser).
    ("github", "handle", "torvalds"): "1024025",
    ("mastodon", "handle", "@gargron@mastodon.social"): "1@mastodon.social",
    ("twitch", "handle", "twitchdev"): "141981764",
    ("flickr", "handle", "stewart"): "12037949754@N01",
}


# Short links: where their redirects end, as recipient keys.
EXPANDED = {
    "https://t.co/AbC123": "x:nasa",
    "https://bit.ly/3xyzAbc": "youtube:UCuAXFkgsw1L7xaCfnd5JJOw",
    "https://buff.ly/4kDnA2": "web:nytimes.com",
    "https://on.soundcloud.com/aBcDeF": "soundcloud:flume",
    "https://flic.kr/p/2oHrH5R": "flickr:nasa",
    "https://medium.com/p/5f1a2b3c4d": "medium:ev",
}


class FakeLookup:
    """Answers every lookup as the worker would have, once settled."""

    def __init__(self) -> None:
        self.calls = 0

    def answers(self, lookups):
        self.calls += 1
        found = {}
        for lookup in lookups:
            if lookup.platform == "link":
                found[lookup] = EXPANDED.get(lookup.reference)
                continue
            owner = LOOKUPS.get((lookup.platform, lookup.kind, lookup.reference))
            found[lookup] = recipient_key(BY_NAME[lookup.platform], owner) if owner else None
        return found


class Directory:
    def __init__(self, records: dict[str, RecipientRecord] | None = None) -> None:
        self.data = records or {}

    def records(self, keys):
        return {k: self.data[k] for k in keys if k in self.data}


def resolve(url: str, directory: Directory | None = None, contributor: str | None = None):
    (result,) = resolve_many(
        [url],
        lookups=FakeLookup(),
        directory=directory or Directory(),
        blocked_domains=("paypal.com", "nhs.uk", "chase.com"),
        contributor_id=contributor,
    )
    return result


# (url, recipient key or refusal reason)
CASES = [
    # GitHub
    ("https://github.com/octocat/Hello-World", "github:octocat"),
    ("https://github.com/torvalds/linux/pulls", "github:1024025"),  # a login settled to its id
    ("https://GitHub.com/Octocat/Hello-World/", "github:octocat"),
    ("https://www.github.com/octocat/hello-world/issues/1", "github:octocat"),
    ("http://github.com/octocat", "github:octocat"),
    ("https://github.com/octocat?tab=repositories", "github:octocat"),
    ("https://github.com/orgs/python/repositories", "github:python"),
    ("https://github.com/sponsors/sindresorhus", "github:sindresorhus"),
    ("https://github.com/python/cpython/pull/1?utm_source=hn", "github:python"),
    ("https://github.com/python/cpython/blob/main/README.rst#L10", "github:python"),
    ("https://gist.github.com/octocat/6cad326836d38bd3a7ae", "github:octocat"),
    ("https://raw.githubusercontent.com/octocat/Spoon-Knife/main/index.html", "github:octocat"),
    ("https://octocat.github.io/", "github:octocat"),
    ("https://octocat.github.io/blog/post", "github:octocat"),
    ("https://github.com/", "no_owner"),
    ("https://github.com/settings/profile", "no_owner"),
    ("https://github.com/notifications", "no_owner"),
    ("https://github.com/login?return_to=x", "no_owner"),
    ("https://github.com/search?q=flattr", "search_page"),
    ("https://github.com/explore", "no_owner"),
    ("https://github.com/marketplace/actions/checkout", "no_owner"),
    ("https://github.com/topics/python", "no_owner"),
    ("https://github.com/trending", "no_owner"),
    # GitLab
    ("https://gitlab.com/gitlab-org/gitlab", "gitlab:gitlab-org"),
    ("https://gitlab.com/gitlab-org/gitlab/-/issues/1", "gitlab:gitlab-org"),
    ("https://gitlab.com/inkscape/inkscape/-/merge_requests/5", "gitlab:inkscape"),
    ("https://gitlab.com/users/sytses", "gitlab:sytses"),
    ("https://gitlab.com/sytses", "gitlab:sytses"),
    ("https://www.gitlab.com/fdroid/fdroidclient", "gitlab:fdroid"),
    ("https://fdroid.gitlab.io/", "gitlab:fdroid"),
    ("https://gitlab.com/explore/projects", "no_owner"),
    ("https://gitlab.com/users/sign_in", "no_owner"),
    ("https://gitlab.com/dashboard/todos", "no_owner"),
    ("https://gitlab.com/", "no_owner"),
    ("https://gitlab.com/-/ide/project/x", "no_owner"),
    # Mastodon and the fediverse
    ("https://mastodon.social/@Gargron", "mastodon:1@mastodon.social"),
    ("https://mastodon.social/@Gargron/109310463384523456", "mastodon:1@mastodon.social"),
    ("https://mastodon.social/@alice@example.social", "mastodon:@alice@example.social"),
    ("https://mastodon.social/@alice@example.social/1123", "mastodon:@alice@example.social"),
    ("https://fosstodon.org/@kev", "mastodon:@kev@fosstodon.org"),
    ("https://hachyderm.io/@nova/1", "mastodon:@nova@hachyderm.io"),
    ("https://mastodon.social/users/Gargron/statuses/1", "mastodon:1@mastodon.social"),
    ("https://mastodon.social/web/@Gargron/1", "mastodon:1@mastodon.social"),
    ("https://chaos.social/@ccc#top", "mastodon:@ccc@chaos.social"),
    ("https://mastodon.social/explore", "no_owner"),
    ("https://mastodon.social/", "no_owner"),
    ("https://mastodon.social/settings/profile", "no_owner"),
    ("https://mastodon.social/notifications", "no_owner"),
    ("https://mastodon.social/home", "no_owner"),
    ("https://mastodon.social/tags/python", "no_owner"),
    # Bluesky
    # A handle is settled to its DID; one that does not resolve keeps its own key.
    ("https://bsky.app/profile/jay.bsky.team", "bluesky:did:plc:oky5czdrnfjpqslsw2a5iclo"),
    (
        "https://bsky.app/profile/jay.bsky.team/post/3jxyz",
        "bluesky:did:plc:oky5czdrnfjpqslsw2a5iclo",
    ),
    (
        "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3k",
        "bluesky:did:plc:z72i7hdynmk6r22z27h6tvur",
    ),
    ("https://bsky.app/profile/Alice.Example.COM", "bluesky:alice.example.com"),
    ("https://bsky.app/", "no_owner"),
    ("https://bsky.app/search?q=x", "search_page"),
    ("https://bsky.app/settings", "no_owner"),
    ("https://bsky.app/notifications", "no_owner"),
    # Tumblr
    ("https://staff.tumblr.com/post/123456/title", "tumblr:staff"),
    ("https://staff.tumblr.com/", "tumblr:staff"),
    ("https://www.tumblr.com/staff/123456", "tumblr:staff"),
    ("https://tumblr.com/staff/123456/slug", "tumblr:staff"),
    ("https://www.tumblr.com/blog/view/staff/123", "tumblr:staff"),
    ("https://www.tumblr.com/dashboard", "no_owner"),
    ("https://www.tumblr.com/explore/trending", "no_owner"),
    ("https://www.tumblr.com/", "no_owner"),
    ("https://www.tumblr.com/search/cats", "search_page"),
    # SoundCloud
    ("https://soundcloud.com/flume/never-be-like-you", "soundcloud:flume"),
    ("https://m.soundcloud.com/flume/never-be-like-you", "soundcloud:flume"),
    ("https://soundcloud.com/flume", "soundcloud:flume"),
    ("https://soundcloud.com/flume/sets/skin?si=abc&utm_medium=text", "soundcloud:flume"),
    ("https://on.soundcloud.com/aBcDeF", "soundcloud:flume"),
    ("https://soundcloud.com/discover", "no_owner"),
    ("https://soundcloud.com/search?q=x", "search_page"),
    ("https://soundcloud.com/stream", "no_owner"),
    ("https://soundcloud.com/you/likes", "no_owner"),
    # Flickr
    ("https://www.flickr.com/photos/nasa/5123456789", "flickr:nasa"),
    ("https://www.flickr.com/photos/stewart/albums", "flickr:12037949754@n01"),  # alias → NSID
    ("https://flickr.com/photos/12345678@N00/5123456789/in/album-1", "flickr:12345678@n00"),
    ("https://www.flickr.com/people/nasa", "flickr:nasa"),
    ("https://m.flickr.com/photos/nasa", "flickr:nasa"),
    ("https://flic.kr/p/2oHrH5R", "flickr:nasa"),
    ("https://www.flickr.com/photos/tags/sunset", "no_owner"),
    ("https://www.flickr.com/explore", "no_owner"),
    ("https://www.flickr.com/groups/x", "no_owner"),
    ("https://www.flickr.com/", "no_owner"),
    # Twitch
    ("https://www.twitch.tv/shroud", "twitch:shroud"),
    ("https://www.twitch.tv/TwitchDev", "twitch:141981764"),  # a login settled to its id
    ("https://twitch.tv/Shroud/videos", "twitch:shroud"),
    ("https://m.twitch.tv/shroud", "twitch:shroud"),
    # Twitch and Reddit name a video's or post's owner only to a keyed API: nobody known.
    ("https://www.twitch.tv/videos/2005394471", "owner_unknown"),
    ("https://clips.twitch.tv/AwkwardHelplessSalamanderSwiftRage", "owner_unknown"),
    ("https://www.twitch.tv/directory/category/chess", "no_owner"),
    ("https://www.twitch.tv/settings/profile", "no_owner"),
    ("https://www.twitch.tv/", "no_owner"),
    # Vimeo
    ("https://vimeo.com/76979871", "vimeo:staff"),
    ("https://vimeo.com/76979871?share=copy", "vimeo:staff"),
    ("https://player.vimeo.com/video/76979871", "vimeo:staff"),
    ("https://vimeo.com/channels/staffpicks/76979871", "vimeo:staff"),
    ("https://vimeo.com/staff", "vimeo:staff"),
    ("https://vimeo.com/search?q=x", "search_page"),
    ("https://vimeo.com/", "no_owner"),
    ("https://vimeo.com/watch", "no_owner"),
    # YouTube
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://youtu.be/dQw4w9WgXcQ?si=Xyz&t=42", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://music.youtube.com/watch?v=dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    (
        "https://www.youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA",
        "youtube:UCX6OQ3DkcsbYNE6H8uQQuVA",
    ),
    (
        "https://www.youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA/videos",
        "youtube:UCX6OQ3DkcsbYNE6H8uQQuVA",
    ),
    ("https://www.youtube.com/@MrBeast", "youtube:UCX6OQ3DkcsbYNE6H8uQQuVA"),
    ("https://www.youtube.com/@MrBeast/shorts", "youtube:UCX6OQ3DkcsbYNE6H8uQQuVA"),
    ("https://www.youtube.com/@SomeoneUnknown", "youtube:@SomeoneUnknown"),
    ("https://www.youtube.com/c/pewdiepie", "youtube:UC-lHJZR3Gqxm24_Vd_AJ5Yw"),
    (
        "https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs",
        "youtube:UCuAXFkgsw1L7xaCfnd5JJOw",
    ),
    ("https://www.youtube.com/watch?v=unknownvid1", "owner_unknown"),
    ("https://www.youtube.com/", "no_owner"),
    ("https://www.youtube.com/results?search_query=x", "no_owner"),
    ("https://www.youtube.com/feed/subscriptions", "no_owner"),
    ("https://www.youtube.com/account", "no_owner"),
    ("https://www.youtube.com/watch", "no_owner"),
    # X / Twitter (resolution only)
    ("https://x.com/nasa", "x:nasa"),
    ("https://twitter.com/NASA/status/1234567890", "x:nasa"),
    ("https://mobile.twitter.com/nasa/status/1234567890?s=20&t=abc", "x:nasa"),
    ("https://www.twitter.com/nasa/", "x:nasa"),
    ("https://mobile.x.com/nasa/media", "x:nasa"),
    ("https://t.co/AbC123", "x:nasa"),
    # Shorteners lead anywhere: the owner is where the link ends (expanded by the worker).
    ("https://bit.ly/3xyzAbc", "youtube:UCuAXFkgsw1L7xaCfnd5JJOw"),
    ("https://buff.ly/4kDnA2", "web:nytimes.com"),
    ("https://lnkd.in/eNoSuch", "owner_unknown"),
    ("https://vimeo.com/channels/staffpicks", "no_owner"),
    ("https://tinyurl.com/", "web:tinyurl.com"),  # the shortener's own home page
    ("https://x.com/home", "no_owner"),
    ("https://twitter.com/explore", "no_owner"),
    ("https://x.com/i/flow/login", "no_owner"),
    ("https://x.com/settings/account", "no_owner"),
    ("https://x.com/search?q=flattr", "search_page"),
    ("https://x.com/notifications", "no_owner"),
    ("https://x.com/hashtag/python", "no_owner"),
    # Instagram (resolution only)
    ("https://www.instagram.com/natgeo/", "instagram:natgeo"),
    ("https://instagram.com/natgeo?igshid=abc", "instagram:natgeo"),
    ("https://www.instagram.com/stories/natgeo/123", "instagram:natgeo"),
    ("https://www.instagram.com/p/CxYz123/", "owner_unknown"),
    ("https://www.instagram.com/reel/CxYz123/", "owner_unknown"),
    ("https://www.instagram.com/explore/", "no_owner"),
    ("https://www.instagram.com/accounts/login/", "no_owner"),
    ("https://www.instagram.com/direct/inbox/", "no_owner"),
    # 500px, Medium, Reddit, Facebook (resolution only)
    ("https://500px.com/p/johndoe", "500px:johndoe"),
    ("https://500px.com/johndoe", "500px:johndoe"),
    ("https://500px.com/photo/12345/sunset", "owner_unknown"),
    ("https://500px.com/popular", "no_owner"),
    ("https://medium.com/@ev/welcome-to-medium-9e53ca408c48", "medium:ev"),
    ("https://medium.com/@ev", "medium:ev"),
    ("https://ev.medium.com/some-post-123", "medium:ev"),
    ("https://medium.com/the-story/a-post-1a2b", "medium:the-story"),
    ("https://medium.com/p/5f1a2b3c4d", "medium:ev"),
    ("https://medium.com/tag/python", "no_owner"),
    ("https://medium.com/me/settings", "no_owner"),
    ("https://www.reddit.com/user/spez", "reddit:spez"),
    ("https://old.reddit.com/u/spez/", "reddit:spez"),
    ("https://www.reddit.com/r/announcements/comments/1abcde/title/", "owner_unknown"),
    ("https://redd.it/1abcde", "owner_unknown"),
    ("https://www.reddit.com/r/python/", "no_owner"),
    ("https://www.reddit.com/r/python/top/", "no_owner"),
    ("https://www.reddit.com/", "no_owner"),
    ("https://www.reddit.com/settings", "no_owner"),
    ("https://www.facebook.com/NASA", "facebook:nasa"),
    ("https://m.facebook.com/NASA/posts/1", "facebook:nasa"),
    ("https://www.facebook.com/profile.php?id=100044", "facebook:100044"),
    ("https://fb.com/nasa", "facebook:nasa"),
    ("https://www.facebook.com/", "no_owner"),
    ("https://www.facebook.com/home.php", "no_owner"),
    ("https://www.facebook.com/groups/123", "no_owner"),
    ("https://www.facebook.com/marketplace", "no_owner"),
    ("https://www.facebook.com/login/", "no_owner"),
    # Websites: registrable domain from the public suffix list
    ("https://example.com/", "web:example.com"),
    ("https://www.example.com/article", "web:example.com"),
    ("https://blog.example.com/2024/01/post", "web:example.com"),
    ("https://a.b.c.example.com/x", "web:example.com"),
    ("https://news.bbc.co.uk/sport", "web:bbc.co.uk"),
    ("https://www.example.com.au/x", "web:example.com.au"),
    ("https://shop.example.co.jp/", "web:example.co.jp"),
    ("https://EXAMPLE.ORG/Path", "web:example.org"),
    ("https://example.org:8443/x", "web:example.org"),
    ("https://user:secret@example.org/x", "web:example.org"),
    ("https://example.org./x", "web:example.org"),
    ("https://bücher.de/katalog", "web:xn--bcher-kva.de"),
    ("https://xn--bcher-kva.de/katalog", "web:xn--bcher-kva.de"),
    ("https://пример.рф/", "web:xn--e1afmkfd.xn--p1ai"),
    ("https://alice.wordpress.com/2024/01/01/hello", "web:alice.wordpress.com"),
    ("https://bob.blogspot.com/", "web:bob.blogspot.com"),
    ("https://carol.substack.com/p/post", "web:carol.substack.com"),
    ("https://dave.netlify.app/", "web:dave.netlify.app"),
    ("https://project.readthedocs.io/en/latest/", "web:project.readthedocs.io"),
    # Declared and blocked
    ("https://www.paypal.com/myaccount", "blocked_domain"),
    ("https://secure.chase.com/", "blocked_domain"),
    ("https://www.nhs.uk/conditions", "blocked_domain"),
    # Not http(s), not a site
    ("ftp://example.com/file", "not_http"),
    ("mailto:ada@example.org", "not_http"),
    ("javascript:alert(1)", "not_http"),
    ("chrome://settings", "not_http"),
    ("file:///etc/passwd", "not_http"),
    ("about:blank", "not_http"),
    ("data:text/html,hi", "not_http"),
    ("https://192.168.1.10/admin", "no_registrable_domain"),
    ("https://[::1]/", "no_registrable_domain"),
    # IPv4 in the notations a browser accepts (WHATWG URL), full-width digits included.
    ("http://127.1/", "no_registrable_domain"),
    ("http://0177.0.0.1/", "no_registrable_domain"),
    ("http://0x7f.0.0.1/", "no_registrable_domain"),
    ("http://2130706433/", "no_registrable_domain"),
    ("http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", "no_registrable_domain"),
    ("http://localhost:8080/", "no_registrable_domain"),
    ("https://com/", "no_registrable_domain"),
    ("https://example.com:99999/", "invalid_url"),
    ("https:///nohost", "invalid_url"),
    ("https://exa mple.com/", "invalid_url"),
    ("not a url", "not_http"),
]


@pytest.mark.parametrize(("url", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_resolution(url, expected):
    result = resolve(url)
    got = result.recipient.key if result.flattrable else result.reason
    assert got == expected


def test_there_are_at_least_150_url_shapes():
    assert len(CASES) >= 150
    assert len({url for url, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (
            "HTTPS://Example.COM:443/a/b/?utm_source=x&utm_medium=y&b=2&a=1#frag",
            "https://example.com/a/b?a=1&b=2",
        ),
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com:8443/", "https://example.com:8443/"),
        ("https://user:pw@example.com/x", "https://example.com/x"),
        ("https://example.com/a?fbclid=1&gclid=2&mc_eid=3&p=keep", "https://example.com/a?p=keep"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com//double//slash/", "https://example.com/double/slash"),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", "https://youtube.com/watch?v=dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL1&index=2&pp=x",
            "https://youtube.com/watch?list=PL1&v=dQw4w9WgXcQ",
        ),
        ("https://mobile.twitter.com/nasa/status/1?s=20", "https://x.com/nasa/status/1"),
        (
            "https://www.facebook.com/profile.php?id=4&ref=bookmarks",
            "https://facebook.com/profile.php?id=4",
        ),
        ("https://bücher.de/ä", "https://xn--bcher-kva.de/%C3%A4"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_normalisation(raw, normalised):
    assert normalise(raw).url == normalised


def test_multi_author_hosts_and_platforms_are_flagged():
    assert normalise("https://alice.wordpress.com/x").multi_author
    assert normalise("https://github.com/octocat").multi_author
    assert not normalise("https://example.com/x").multi_author


def test_claimed_recipient_and_declared_site():
    directory = Directory(
        {
            "github:octocat": RecipientRecord(claimed_by="creator-1"),
            "web:declared.example": RecipientRecord(declared_user="creator-2"),
        }
    )
    claimed = resolve("https://github.com/octocat/x", directory)
    assert claimed.recipient.claimed and claimed.recipient.creator == "creator-1"
    declared = resolve("https://declared.example/post", directory)
    assert declared.recipient.key == "user:creator-2" and declared.recipient.claimed
    assert not resolve("https://github.com/someone-else", directory).recipient.claimed


def test_own_recipient_is_refused():
    directory = Directory({"github:octocat": RecipientRecord(claimed_by="me")})
    assert (
        resolve("https://github.com/octocat/x", directory, contributor="me").reason
        == "own_recipient"
    )
    assert resolve("https://github.com/octocat/x", directory, contributor="you").flattrable


def test_without_lookups_lookup_urls_are_owner_unknown_or_fall_back():
    results = resolve_many(
        ["https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/@MrBeast"],
        lookups=NoLookup(),
        directory=Directory(),
        blocked_domains=(),
    )
    assert results[0].reason == "owner_unknown"
    assert results[1].recipient.key == "youtube:@MrBeast"


def test_an_unanswered_lookup_makes_a_waiting_recipient_never_a_request():
    """The resolver never asks a platform: what is not answered yet waits for the lookup
    worker (its recipient key names the lookup), and the shape alone decides the rest."""

    class Unanswered:
        def answers(self, lookups):
            return {}

    results = resolve_many(
        ["https://youtu.be/dQw4w9WgXcQ", "https://bit.ly/3xyzAbc", "https://example.org/a"],
        lookups=Unanswered(),
        directory=Directory(),
        blocked_domains=(),
    )
    video, short, page = results
    assert video.flattrable and video.lookup == Lookup("youtube", "video", "dQw4w9WgXcQ")
    assert video.recipient.key == f"pending:{video.lookup.id}"
    assert short.lookup == Lookup("link", "expand", "https://bit.ly/3xyzAbc")
    assert page.lookup is None and page.recipient.key == "web:example.org"


def test_cached_lookup_asks_once_and_not_again_for_what_is_answered():
    inner = FakeLookup()
    cached = CachedLookup(inner)
    known = Lookup("youtube", "video", "dQw4w9WgXcQ")
    missing = Lookup("youtube", "video", "missing")
    for _ in range(3):
        assert cached.answers([known, missing]) == {
            known: "youtube:UCuAXFkgsw1L7xaCfnd5JJOw",
            missing: None,
        }
    assert inner.calls == 1


def test_prefetched_answers_what_was_read_ahead_and_asks_only_for_the_rest():
    inner = FakeLookup()
    answered = Lookup("youtube", "video", "dQw4w9WgXcQ")
    waiting = Lookup("page", "author", "https://new.example/post")  # no answer stored yet
    other = Lookup("vimeo", "video", "76979871")
    ahead = Prefetched(inner, {answered, waiting}, {answered: "youtube:UC-x"})
    assert ahead.answers([answered, waiting]) == {answered: "youtube:UC-x"}
    assert inner.calls == 0  # a lookup read ahead and not answered is not asked again
    assert ahead.answers([answered, other]) == {answered: "youtube:UC-x", other: "vimeo:staff"}
    assert inner.calls == 1


def test_answers_read_elsewhere_are_kept_by_the_cache():
    inner = FakeLookup()
    cached = CachedLookup(inner)
    found = Lookup("youtube", "video", "dQw4w9WgXcQ")
    nobody = Lookup("youtube", "video", "missing")
    cached.keep({found: "youtube:UC-x", nobody: None})
    assert cached.cached([found, nobody, Lookup("vimeo", "video", "1")]) == {
        found: "youtube:UC-x",
        nobody: None,
    }
    assert cached.answers([found, nobody]) == {found: "youtube:UC-x", nobody: None}
    assert inner.calls == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?sessiontoken=SECRET&p=123", "https://example.com/a?p=123"),
        ("https://example.com/a?sessionToken=SECRET&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?session_id=S&sid=S&PHPSESSID=S&p=x", "https://example.com/a?p=x"),
        ("https://example.com/a?apiKey=K&api_key=K&key=K&page=2", "https://example.com/a?page=2"),
        ("https://example.com/a?auth=A&access_token=T&code=C&state=S", "https://example.com/a"),
        ("https://example.com/a?password=P&passwd=P&pwd=P&secret=S", "https://example.com/a"),
        ("https://example.com/a?email=a%40b.c&user_email=x&mail=x", "https://example.com/a"),
        (
            "https://example.com/f?X-Amz-Signature=s&X-Amz-Credential=c&v=1",
            "https://example.com/f?v=1",
        ),
        (
            "https://example.com/?author=2&keyword=tea&p=9",
            "https://example.com/?author=2&keyword=tea&p=9",
        ),
    ],
)
def test_parameters_that_look_like_credentials_or_personal_data_are_dropped(url, expected):
    assert normalise(url).url == expected


def test_youtube_keeps_the_video_and_drops_the_rest():
    assert normalise("https://www.youtube.com/watch?v=dQw4w9WgXcQ&token=x").url == (
        "https://youtube.com/watch?v=dQw4w9WgXcQ"
    )

"""Feeds as publishers write them, in the formats their specifications describe (not
captured live: there is no internet here): RSS 2.0 with Podcasting 2.0's ``podcast:`` namespace
(``<podcast:funding url>``) and the Atom namespace's ``<atom:link rel="payment">``, and an
Atom 1.0 feed (RFC 4287) with ``<link rel="payment">`` on an entry, as Flattr documented its
auto-submit links in feeds. ``{site}`` is this service's address, ``{feed}`` the feed's."""

PODCAST_RSS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Tide Tables</title>
    <link>https://tidetables.example/</link>
    <description>A podcast about the sea.</description>
    <atom:link href="{feed}" rel="self" type="application/rss+xml"/>
    <podcast:funding url="https://patreon.example/tidetables">Support the show</podcast:funding>
    <podcast:funding url="{site}/u/tidecaster">Flattr us</podcast:funding>
    <itunes:author>Tide Caster</itunes:author>
    <item>
      <title>Episode 2: Neap tides</title>
      <link>https://tidetables.example/episodes/2</link>
      <guid isPermaLink="false">tide-2</guid>
      <enclosure url="https://media.podcdn.example/tide/ep2.mp3" length="31415926"
                 type="audio/mpeg"/>
      <pubDate>Mon, 07 Dec 2026 06:00:00 GMT</pubDate>
    </item>
    <item>
      <title>Episode 1: Spring tides</title>
      <link>https://tidetables.example/episodes/1</link>
      <guid isPermaLink="false">tide-1</guid>
      <enclosure url="https://media.podcdn.example/tide/ep1.mp3" length="27182818"
                 type="audio/mpeg"/>
      <pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>
"""

# An entry's payment link names a user of ours by the auto-submit URL's ``user_id``.
ATOM_PAYMENT = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Notes from the allotment</title>
  <id>urn:uuid:4f7b1d2e-1c0a-4c1e-9a55-1d1e4f4b7a10</id>
  <updated>2026-12-01T09:00:00Z</updated>
  <link rel="self" href="{feed}"/>
  <entry>
    <title>Winter beans</title>
    <id>urn:uuid:0b8a6a2c-5a1d-4a3f-8f0e-7b1c2d3e4f50</id>
    <updated>2026-12-01T09:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://writers.blogs.example/allotment/beans"/>
    <link rel="payment" type="text/html"
          href="https://flattr.com/submit/auto?user_id={user}&amp;url=https%3A%2F%2Fwriters.blogs.example%2Fallotment%2Fbeans"/>
    <summary>Sowing broad beans before the frost.</summary>
  </entry>
</feed>
"""

# Entity expansion ("billion laughs"): a DTD whose entities grow without bound.
LAUGHS = """\
<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "ha">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rss version="2.0"><channel><title>&d;</title></channel></rss>
"""

# An external entity: the parser must never read a file or an address for it.
EXTERNAL = """\
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>
"""


def page_linking(feed: str, title: str = "An episode") -> str:
    """A page's head that links its feed, as a blog or a podcast's site does."""
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{feed}">'
        "</head><body><p>Listen.</p></body></html>"
    )

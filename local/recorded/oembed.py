"""oEmbed answers of YouTube and Vimeo, a YouTube channel page's head and Bluesky's handle
resolution, as their
documentation describes them (oembed.com; YouTube's and Vimeo's oEmbed pages), not captured
live: there is no internet here. Only ``author_url`` is read; the rest is there so that the
reader is tested against the whole shape."""

YOUTUBE_VIDEO = {
    "title": "Rick Astley - Never Gonna Give You Up (Official Video)",
    "author_name": "Rick Astley",
    "author_url": "https://www.youtube.com/@RickAstleyYT",
    "type": "video",
    "height": 113,
    "width": 200,
    "version": "1.0",
    "provider_name": "YouTube",
    "provider_url": "https://www.youtube.com/",
    "thumbnail_height": 360,
    "thumbnail_width": 480,
    "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
    "html": '<iframe width="200" height="113" src="https://www.youtube.com/embed/dQw4w9WgXcQ'
    '?feature=oembed" frameborder="0" allowfullscreen title="Never Gonna Give You Up"></iframe>',
}

# Older channels without a handle: oEmbed names the channel by id.
YOUTUBE_VIDEO_OF_A_CHANNEL_ID = {
    **YOUTUBE_VIDEO,
    "author_url": "https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw",
}

YOUTUBE_CHANNEL_HEAD = (
    '<!DOCTYPE html><html lang="en"><head><title>Rick Astley - YouTube</title>'
    '<meta property="og:title" content="Rick Astley">'
    '<link rel="canonical" href="https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw">'
    '<meta itemprop="identifier" content="UCuAXFkgsw1L7xaCfnd5JJOw"></head><body>'
)

VIMEO_VIDEO = {
    "type": "video",
    "version": "1.0",
    "provider_name": "Vimeo",
    "provider_url": "https://vimeo.com/",
    "title": "The New Vimeo Player (You Know, For Videos)",
    "author_name": "Vimeo Staff",
    "author_url": "https://vimeo.com/staff",
    "is_plus": "0",
    "account_type": "enterprise",
    "html": '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" '
    'height="360" frameborder="0" allowfullscreen title="The New Vimeo Player"></iframe>',
    "width": 640,
    "height": 360,
    "duration": 62,
    "description": "It may look (mostly) the same on the surface, but under the hood...",
    "thumbnail_url": "https://i.vimeocdn.com/video/452001751-8216e0570b9a3e44c2c5ae0a0c2a5e15",
    "thumbnail_width": 640,
    "thumbnail_height": 360,
    "upload_date": "2013-10-15 14:08:29",
    "video_id": 76979871,
    "uri": "/videos/76979871",
}

# Bluesky's com.atproto.identity.resolveHandle (the AT Protocol's lexicon): a DID, or a 400.
BLUESKY_HANDLE = {"did": "did:plc:oky5czdrnfjpqslsw2a5iclo"}
BLUESKY_NO_HANDLE = {"error": "InvalidRequest", "message": "Unable to resolve handle"}

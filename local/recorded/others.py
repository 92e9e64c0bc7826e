"""GitLab, Twitch, Vimeo and YouTube response shapes, written from each platform's API
documentation (not captured live: there is no internet here)."""

GITLAB_USER = {"id": 1234, "username": "Sytses", "name": "Sid", "state": "active"}


def gitlab_project(project_id: int, full_path: str) -> dict:
    namespace, _, name = full_path.rpartition("/")
    return {
        "id": project_id,
        "name": name,
        "path_with_namespace": full_path,
        "web_url": f"https://gitlab.com/{full_path}",
        "namespace": {"id": project_id * 3, "full_path": namespace, "kind": "group"},
        "star_count": 10,
    }


TWITCH_USERS = {
    "data": [
        {
            "id": "141981764",
            "login": "twitchdev",
            "display_name": "TwitchDev",
            "type": "",
            "broadcaster_type": "partner",
        }
    ]
}
VIMEO_ME = {"uri": "/users/152184", "name": "Staff Picks", "link": "https://vimeo.com/staff"}


def youtube_liked(videos: list[tuple[str, str, str]], next_page: str | None = None) -> dict:
    """``videos.list?myRating=like`` (part=snippet): one page of liked videos, each with its
    channel; ``nextPageToken`` while more follow. ``videos``: (id, channel id, title)."""
    page: dict = {
        "kind": "youtube#videoListResponse",
        "etag": "Bo2SAwf3wOv6mjpTtYEbNRdLgEw",
        "pageInfo": {"totalResults": len(videos), "resultsPerPage": 50},
        "items": [
            {
                "kind": "youtube#video",
                "etag": f"e-{video_id}",
                "id": video_id,
                "snippet": {
                    "publishedAt": "2026-03-14T15:09:26Z",
                    "channelId": channel_id,
                    "title": title,
                    "channelTitle": "A channel",
                    "categoryId": "27",
                },
            }
            for video_id, channel_id, title in videos
        ],
    }
    if next_page:
        page["nextPageToken"] = next_page
    return page


YOUTUBE_CHANNELS = {
    "kind": "youtube#channelListResponse",
    "items": [
        {
            "kind": "youtube#channel",
            "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
            "snippet": {"title": "Google for Developers", "customUrl": "@googledevelopers"},
        }
    ],
}

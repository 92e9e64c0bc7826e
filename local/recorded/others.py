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

"""GitLab's snapshot-diff likes, and the ownership-only adapters, on recorded shapes."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from functions.core.platforms.base import NeedsReauth
from functions.core.platforms.gitlab import GitLab
from functions.core.platforms.twitch import Twitch
from functions.core.platforms.vimeo import Vimeo
from functions.core.platforms.youtube import YouTube
from local.recorded import others

GITLAB = "https://gitlab.com/api/v4"
STARRED = f"{GITLAB}/users/1234/starred_projects"


@responses.activate
def test_gitlab_first_poll_takes_a_snapshot_then_new_stars_are_likes():
    responses.get(f"{GITLAB}/user", json=others.GITLAB_USER)
    responses.get(STARRED, json=[others.gitlab_project(1, "gitlab-org/gitlab")])
    first = GitLab().likes(requests.Session(), cursor=None)
    assert first.likes == [] and json.loads(first.cursor) == [1]
    responses.replace(
        responses.GET,
        STARRED,
        json=[
            others.gitlab_project(2, "inkscape/inkscape"),
            others.gitlab_project(3, "fdroid/sub/client"),
            others.gitlab_project(1, "gitlab-org/gitlab"),
        ],
    )
    second = GitLab().likes(requests.Session(), cursor=first.cursor)
    assert [(like.item_id, like.owner_key) for like in second.likes] == [
        ("2", "gitlab:inkscape"),
        ("3", "gitlab:fdroid"),
    ]
    assert json.loads(second.cursor) == [1, 2, 3]


@responses.activate
def test_gitlab_self_hosted_instance(setenv):
    setenv(GITLAB_API_URL="https://git.example.org/api/v4")
    responses.get("https://git.example.org/api/v4/user", json=others.GITLAB_USER)
    assert GitLab().identity(requests.Session()).handle == "sytses"


@responses.activate
@pytest.mark.parametrize(
    ("adapter", "url", "body", "identity"),
    [
        (
            Twitch(),
            "https://api.twitch.tv/helix/users",
            others.TWITCH_USERS,
            ("141981764", "twitchdev"),
        ),
        (Vimeo(), "https://api.vimeo.com/me", others.VIMEO_ME, ("152184", "staff")),
        (
            YouTube(),
            "https://www.googleapis.com/youtube/v3/channels",
            others.YOUTUBE_CHANNELS,
            ("UC_x5XG1OV2P6uZZ5FSM9Ttw", "@googledevelopers"),
        ),
    ],
)
def test_identity_of_the_video_platforms(adapter, url, body, identity):
    from requests_oauthlib import OAuth2Session

    responses.get(url, json=body)
    # As in production: the session is our OAuth client's, with the user's token.
    session = OAuth2Session("our-client", token={"access_token": "t", "token_type": "Bearer"})
    found = adapter.identity(session)
    assert (found.stable_id, found.handle) == identity
    if adapter.tier == "ownership":
        assert adapter.likes(requests.Session(), cursor="c").likes == []  # costs no request
    assert len(responses.calls) == 1


@responses.activate
def test_ownership_only_401_needs_reauth():
    responses.get("https://api.vimeo.com/me", status=401, json={"error": "unauthorized"})
    with pytest.raises(NeedsReauth):
        Vimeo().identity(requests.Session())


def test_gitlab_sees_a_new_star_anywhere_in_a_long_list():
    """The list is ordered by project, not star time: a star on a recent project sits
    past the first thousand, and is a like all the same."""
    from urllib.parse import parse_qsl, urlsplit

    starred = [others.gitlab_project(n, f"group{n}/p") for n in range(1, 1_501)]

    def answer(request):
        page = int(dict(parse_qsl(urlsplit(request.url).query)).get("page", "1"))
        ordered = sorted(starred, key=lambda p: p["id"])
        headers = {}
        if page * 100 < len(ordered):
            headers["Link"] = f'<{STARRED}?per_page=100&page={page + 1}>; rel="next"'
        return 200, headers, json.dumps(ordered[(page - 1) * 100 : page * 100])

    with responses.RequestsMock() as mock:
        mock.get(f"{GITLAB}/user", json=others.GITLAB_USER)
        mock.add_callback(responses.GET, STARRED, callback=answer)
        first = GitLab().likes(requests.Session(), cursor=None)
        starred.append(others.gitlab_project(99_999, "newcomer/tool"))
        second = GitLab().likes(requests.Session(), cursor=first.cursor)
    assert [(like.item_id, like.owner_key) for like in second.likes] == [
        ("99999", "gitlab:newcomer")
    ]


VIDEOS = "https://www.googleapis.com/youtube/v3/videos"
CHANNEL_A, CHANNEL_B = "UC" + "a" * 22, "UC" + "b" * 22


def test_youtube_likes_are_new_liked_videos_once_a_day_each_to_its_channel(monkeypatch):
    """Issue 34, item 4: liked videos have no order, so the first poll keeps the list, a
    poll reads it at most daily, and only ids not seen before are likes (once ever). Shapes
    from YouTube's documentation (``local/recorded/others.youtube_liked``)."""
    from functions.common import clock

    clock.reset()
    with responses.RequestsMock() as mock:
        mock.get(VIDEOS, json=others.youtube_liked([("old1", CHANNEL_A, "Old")]))
        first = YouTube().likes(requests.Session(), cursor=None)
        assert first.likes == [] and len(mock.calls) == 1
        clock.advance(3600)
        assert YouTube().likes(requests.Session(), first.cursor).cursor == first.cursor
        assert len(mock.calls) == 1  # within the day: nothing asked
        clock.advance(86_400)
        mock.replace(
            responses.GET,
            VIDEOS,
            json=others.youtube_liked(
                [("new1", CHANNEL_B, "New"), ("old1", CHANNEL_A, "Old")], next_page="p2"
            ),
        )
        mock.get(VIDEOS, json=others.youtube_liked([("new2", CHANNEL_A, "Newer")]))
        second = YouTube().likes(requests.Session(), first.cursor)
        asked = [dict(parse_qsl(urlsplit(c.request.url).query)) for c in mock.calls[1:]]
    assert [(like.item_id, like.url, like.owner_key) for like in second.likes] == [
        ("new1", "https://www.youtube.com/watch?v=new1", f"youtube:{CHANNEL_B}"),
        ("new2", "https://www.youtube.com/watch?v=new2", f"youtube:{CHANNEL_A}"),
    ]
    assert asked[0] == {"part": "snippet", "myRating": "like", "maxResults": "50"}
    assert asked[1]["pageToken"] == "p2"
    assert set(json.loads(second.cursor)["ids"]) == {"old1", "new1", "new2"}


def test_a_youtube_read_that_fails_keeps_the_cursor_and_takes_no_snapshot():
    from functions.common import clock

    clock.reset()
    with responses.RequestsMock() as mock:
        mock.get(VIDEOS, status=403, json={"error": {"errors": [{"reason": "quotaExceeded"}]}})
        failed = YouTube().likes(requests.Session(), cursor=None)
    assert failed.likes == [] and failed.cursor is None  # the next poll is still the first

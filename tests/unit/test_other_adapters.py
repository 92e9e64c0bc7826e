"""GitLab's snapshot-diff likes, and the ownership-only adapters, on recorded shapes."""

from __future__ import annotations

import json

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
def test_ownership_only_identity(adapter, url, body, identity):
    from requests_oauthlib import OAuth2Session

    responses.get(url, json=body)
    # As in production: the session is our OAuth client's, with the user's token.
    session = OAuth2Session("our-client", token={"access_token": "t", "token_type": "Bearer"})
    found = adapter.identity(session)
    assert (found.stable_id, found.handle) == identity
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

"""Local stand-ins for the OAuth 2 platforms people connect besides GitHub (GitLab, Twitch,
Vimeo, YouTube, SoundCloud, Tumblr), each with its own OAuth flavour (PKCE or not, client
authentication with HTTP Basic or in the body, its token endpoint on its API host or on
another host) and its API answering in the shapes of ``local/recorded``, so each platform's
real adapter runs against it unchanged. Served under ``/_fake/<platform>``; the stack
points the adapters' ``<PLATFORM>_*_URL`` settings here (``environment_at``).

Control routes (``POST /_fake/<platform>/_control/likes`` with ``{"login", "items":
[{"url"}]}`` and the others of ``OAuth2Fake.control``) let a demo or a test like things as
one of the platform's users."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from functions.common import clock
from local.fake_bluesky import FakeBluesky
from local.fake_flickr import FakeFlickr
from local.fake_github import FakeGitHub
from local.fake_oauth2 import Answer, FakeUser, OAuth2Fake, PlatformFake, json_answer
from local.recorded import fediverse, others


def _owner_of(url: str) -> str:
    """The first path segment of ``url``: the account a liked item's page belongs to."""
    return urlsplit(url).path.strip("/").split("/", 1)[0] or "someone"


class FakeGitLab(OAuth2Fake):
    name, display = "gitlab", "GitLab"
    revoke_path = "/oauth/revoke"

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        return others.gitlab_project(number, urlsplit(str(item["url"])).path.strip("/"))

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        if route == "/users":  # public profiles by username, the published email with them
            found = self.state.users.get(dict(parse_qsl(query)).get("username", "").lower())
            if found is None:
                return json_answer(200, [])
            profile = {**others.GITLAB_USER, "id": found.id, "username": found.login}
            return json_answer(200, [{**profile, "public_email": found.email or ""}])
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(401, {"message": "401 Unauthorized"})
        if route == "/user":
            return json_answer(200, {**others.GITLAB_USER, "id": user.id, "username": user.login})
        if route == f"/users/{user.id}/starred_projects":
            return json_answer(200, user.likes)
        return json_answer(404, {"message": "404 Not Found"})


class FakeTwitch(OAuth2Fake):
    name, display = "twitch", "Twitch"
    authorize_path = "/oauth2/authorize"
    token_path = "/oauth2/token"  # noqa: S105 - a path
    revoke_path = "/oauth2/revoke"
    pkce = False  # Twitch's authorization code flow has none

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        user = self.state.bearer(headers)
        if user is None or headers.get("client-id") != self.state.client_id:
            return json_answer(401, {"error": "Unauthorized", "status": 401})
        if route == "/helix/users":
            shown = {**others.TWITCH_USERS["data"][0], "id": str(user.id)}
            return json_answer(
                200, {"data": [{**shown, "login": user.login.lower(), "display_name": user.login}]}
            )
        return json_answer(404, {"error": "Not Found", "status": 404})


class FakeVimeo(OAuth2Fake):
    name, display = "vimeo", "Vimeo"
    token_path = "/oauth/access_token"  # noqa: S105 - a path
    pkce = False  # Vimeo's client authenticates with HTTP Basic instead

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(
                401, {"error": "You must provide a valid authenticated access token."}
            )
        if route == "/tokens" and method == "DELETE":  # Vimeo's revocation: the token itself
            self.validator.revoke(headers.get("authorization", "").split(" ", 1)[-1])
            return 204, {}, b""
        if route == "/me":
            me = {**others.VIMEO_ME, "uri": f"/users/{user.id}", "name": user.login}
            return json_answer(200, {**me, "link": f"https://vimeo.com/{user.login.lower()}"})
        return json_answer(404, {"error": "The requested page couldn't be found."})


class FakeYouTube(OAuth2Fake):
    name, display = "youtube", "YouTube"
    authorize_path = "/o/oauth2/v2/auth"
    token_path = "/token"  # noqa: S105 - a path (on Google's own token host)
    revoke_path = "/revoke"
    default_login = "demo-channel"

    @classmethod
    def environment_at(cls, url: str) -> dict[str, str]:
        base = cls.base_at(url)  # Google's token and revocation endpoints are on their own host
        return {
            **super().environment_at(url),
            "YOUTUBE_TOKEN_URL": f"{base}/token",
            "YOUTUBE_REVOKE_URL": f"{base}/revoke",
        }

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        """A liked video (``{"url": "https://www.youtube.com/watch?v=<id>"}``, and its
        ``channel_id`` if given, else one made from the video's id), as ``videos.list``
        lists it."""
        url = urlsplit(str(item["url"]))
        video = dict(parse_qsl(url.query)).get("v") or url.path.rsplit("/", 1)[-1] or str(number)
        channel = str(item.get("channel_id") or f"UC{video[:22]:0<22}")
        (found,) = others.youtube_liked([(video, channel, str(item.get("title", video)))])["items"]
        return found

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
        asked = dict(parse_qsl(query))
        if route == "/youtube/v3/videos" and asked.get("myRating") == "like":
            return json_answer(200, {**others.youtube_liked([]), "items": user.likes})
        if route == "/youtube/v3/channels" and dict(parse_qsl(query)).get("mine") == "true":
            recorded: dict[str, Any] = json.loads(json.dumps(others.YOUTUBE_CHANNELS))
            channel = recorded["items"][0]
            channel["id"] = f"UC{user.id:022d}"
            channel["snippet"] = {"title": user.login, "customUrl": f"@{user.login.lower()}"}
            return json_answer(200, recorded)
        return json_answer(404, {"error": {"code": 404, "message": "Not Found"}})


class FakeSoundCloud(OAuth2Fake):
    name, display = "soundcloud", "SoundCloud"
    authorize_path = "/authorize"

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        url = str(item["url"])
        track = fediverse.soundcloud_track(number, _owner_of(url))
        return {**track, "permalink_url": url}

    def other(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        if route == "/sign-out" and method == "POST":  # SoundCloud's sign-out ends the session
            try:
                token = json.loads(body or b"{}").get("access_token", "")
            except ValueError:
                token = ""
            self.validator.revoke(str(token))
            return 200, {}, b""
        return super().other(method, route, query, headers, body)

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        if not headers.get("authorization", "").startswith("OAuth "):  # SoundCloud's own scheme
            return json_answer(401, {"code": 401, "message": "Unauthorized"})
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(401, {"code": 401, "message": "Unauthorized"})
        if route == "/me":
            urn = f"soundcloud:users:{user.id}"
            return json_answer(
                200,
                {
                    **fediverse.SOUNDCLOUD_ME,
                    "id": user.id,
                    "urn": urn,
                    "permalink": user.login,
                    "username": user.login,
                    "permalink_url": f"https://soundcloud.com/{user.login.lower()}",
                },
            )
        if route == "/me/likes/tracks":
            return json_answer(200, {"collection": user.likes, "next_href": None})
        return json_answer(404, {"code": 404, "message": "Not Found"})


class FakeTumblr(OAuth2Fake):
    name, display = "tumblr", "Tumblr"
    authorize_path = "/oauth2/authorize"
    token_path = "/api/v2/oauth2/token"  # noqa: S105 - on Tumblr's API host
    pkce = False

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        url = str(item["url"])
        host = urlsplit(url).hostname or ""
        blog = (
            host.removesuffix(".tumblr.com")
            if host.endswith(".tumblr.com") and host != "www.tumblr.com"
            else _owner_of(url)
        )
        post = fediverse.tumblr_post(str(number), blog, int(clock.now().timestamp()))
        return {**post, "post_url": url}

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(
                401, {"meta": {"status": 401, "msg": "Unauthorized"}, "response": []}
            )
        if route == "/v2/user/info":
            info = json.loads(json.dumps(fediverse.TUMBLR_USER_INFO))
            info["response"]["user"]["name"] = user.login
            info["response"]["user"]["blogs"] = [
                {"name": user.login, "uuid": f"t:{user.id}", "primary": True}
            ]
            return json_answer(200, info)
        if route == "/v2/user/likes":
            return json_answer(200, fediverse.tumblr_likes(*_window(user, dict(parse_qsl(query)))))
        return json_answer(404, {"meta": {"status": 404, "msg": "Not Found"}, "response": []})


class FakeMastodon(OAuth2Fake):
    """One Mastodon server, ``social.example`` (a name a person types on the creator page;
    ``KNOWN_SERVER_URLS`` points it here). Our app registers itself on it first
    (``POST /api/v1/apps``), as on any Mastodon server."""

    name, display = "mastodon", "Mastodon"
    revoke_path = "/oauth/revoke"
    server = "social.example"

    @classmethod
    def servers_at(cls, url: str) -> dict[str, str]:
        return {cls.server: cls.base_at(url)}

    @classmethod
    def environment_at(cls, url: str) -> dict[str, str]:
        return {}  # reached by its server's name, not by the platform's settings

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        url = str(item["url"])
        parts = urlsplit(url)
        username = parts.path.strip("/").split("/", 1)[0].removeprefix("@") or "someone"
        status = fediverse.mastodon_status(str(number), username, parts.hostname or self.server)
        return {**status, "url": url}

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        if route == "/v1/apps" and method == "POST":
            form = dict(parse_qsl(body.decode()))
            self.state.redirect_prefix = form.get("redirect_uris", self.state.redirect_prefix)
            app = {
                **fediverse.MASTODON_APP,
                "client_id": self.state.client_id,
                "client_secret": self.state.client_secret,
            }
            return json_answer(200, {**app, "redirect_uris": [self.state.redirect_prefix]})
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(401, {"error": "The access token is invalid"})
        if route == "/v1/accounts/verify_credentials":
            account = {**fediverse.MASTODON_ACCOUNT, "id": str(user.id), "username": user.login}
            home = f"https://{self.server}/@{user.login}"
            return json_answer(200, {**account, "acct": user.login, "url": home, "uri": home})
        if route == "/v1/favourites":
            return self._favourites(user, dict(parse_qsl(query)))
        return json_answer(404, {"error": "Record not found"})

    def _favourites(self, user: FakeUser, params: dict[str, str]) -> Answer:
        """Newest first; ``min_id`` asks for those just after it; the "prev" link's
        ``min_id`` is the newest one given (where the next poll starts)."""
        limit = int(params.get("limit", 20))
        after = int(params.get("min_id", 0))
        newer = [s for s in user.likes if int(s["id"]) > after]
        page = newer[-limit:]  # the ones just after ``min_id``
        if not page:
            return json_answer(200, [])
        links = fediverse.mastodon_links(self.server, page[-1]["id"], page[0]["id"])
        links = links.replace(f"https://{self.server}", self.base_url)
        return json_answer(200, page, {"Link": links})


def _window(user: FakeUser, params: dict[str, str]) -> list[dict[str, Any]]:
    """Tumblr's ``after``/``before`` paging by like time, twenty at a time."""
    posts = user.likes
    if "after" in params:
        posts = [p for p in posts if int(p["liked_timestamp"]) > int(params["after"])]
    if "before" in params:
        posts = [p for p in posts if int(p["liked_timestamp"]) < int(params["before"])]
    return posts[:20]


FAKES: tuple[type[OAuth2Fake], ...] = (
    FakeGitLab,
    FakeTwitch,
    FakeVimeo,
    FakeYouTube,
    FakeSoundCloud,
    FakeTumblr,
    FakeMastodon,
)
EVERY: tuple[type[PlatformFake], ...] = (FakeGitHub, *FAKES, FakeFlickr, FakeBluesky)

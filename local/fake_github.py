"""A local stand-in for GitHub (``local/fake_oauth2.py``: oauthlib's provider, PKCE
required, a consent page): its API answers in GitHub's shapes, so the real GitHub adapter
runs against it unchanged.

Served by the local stack under ``/_fake/github``; the stack points ``GITHUB_WEB_URL`` and
``GITHUB_API_URL`` at it. ``/_fake/github/_control/*`` lets a demo or a test act as a
GitHub user (``stars``: star repositories; ``profile``: publish an email), revoke tokens and
impose a rate limit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from functions.common import clock
from local.fake_oauth2 import Answer, FakeUser, OAuth2Fake, json_answer

PREFIX = "/_fake/github"


class FakeGitHub(OAuth2Fake):
    name = "github"
    display = "GitHub"
    authorize_path = "/login/oauth/authorize"
    token_path = "/login/oauth/access_token"  # noqa: S105 - a path, not a secret
    default_login = "octocat"

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str
    ) -> None:
        super().__init__(base_url, client_id, client_secret, redirect_prefix)

    @property
    def web_url(self) -> str:
        return self.base_url

    @property
    def api_url(self) -> str:
        return self.base_url + "/api"

    def control(self, action: str, payload: dict[str, Any]) -> Answer:
        if action == "stars":  # GitHub's word for its likes: repositories ``owner/name``
            items = [{"url": f"https://github.com/{repo}"} for repo in payload.get("repos", [])]
            answer = super().control("likes", {"login": payload["login"], "items": items})
            user = self.state.user(str(payload["login"]))
            return json_answer(answer[0], {"stars": len(user.likes)})
        return super().control(action, payload)

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        owner, _, name = str(item["url"]).removeprefix("https://github.com/").partition("/")
        return {
            "starred_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "repo": {
                "id": number,
                "name": name,
                "full_name": f"{owner}/{name}",
                "html_url": f"https://github.com/{owner}/{name}",
                "owner": {
                    "login": owner,
                    "id": self.state.user(owner).id,  # one id per account
                    "type": "User",
                },
            },
        }

    def api(
        self, method: str, route: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        if method != "GET":
            return json_answer(404, {"message": "Not Found"})
        if route.startswith("/users/"):  # public profiles need no token
            wanted = route.removeprefix("/users/").strip("/").lower()
            if wanted not in self.state.users:
                return json_answer(404, {"message": "Not Found"})
            return json_answer(200, _profile(self.state.users[wanted]))
        account = route.removeprefix("/user/").strip("/")
        if route.startswith("/user/") and account.isdigit():  # a public profile by id
            by_id = {str(u.id): u for u in self.state.users.values()}
            if account not in by_id:
                return json_answer(404, {"message": "Not Found"})
            return json_answer(200, _profile(by_id[account]))
        user = self.state.bearer(headers)
        if user is None:
            return json_answer(401, {"message": "Bad credentials"})
        if route == "/user":
            return json_answer(200, {"login": user.login, "id": user.id, "type": "User"})
        if route == "/user/starred":
            params = dict(parse_qsl(query))
            per_page = int(params.get("per_page", 30))
            page = int(params.get("page", 1))
            stars = user.likes[(page - 1) * per_page : page * per_page]
            link = {}
            if page * per_page < len(user.likes):
                nxt = urlencode({**params, "page": page + 1})
                link = {"Link": f'<{self.api_url}/user/starred?{nxt}>; rel="next"'}
            return json_answer(200, stars, link)
        return json_answer(404, {"message": "Not Found"})


def _profile(user: FakeUser) -> dict[str, Any]:
    return {"login": user.login, "id": user.id, "email": user.email}

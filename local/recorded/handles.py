"""Answers that settle a handle to its account's id, as each platform's documentation
describes them, not captured live (there is no internet here): GitHub's ``GET
/users/{login}`` (docs.github.com, "Get a user"), Mastodon's WebFinger (RFC 7033, as
docs.joinmastodon.org/spec/webfinger shows it) and ``GET /api/v1/accounts/lookup``,
Twitch's client-credentials token and Helix ``GET /users`` (dev.twitch.tv), Flickr's
``flickr.urls.lookupUser`` (flickr.com/services/api). Only the id is read; the rest is
there so that the readers are tested against the whole shape."""

from local.recorded import others

GITHUB_USER = {
    "login": "octocat",
    "id": 583231,
    "node_id": "MDQ6VXNlcjU4MzIzMQ==",
    "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
    "html_url": "https://github.com/octocat",
    "type": "User",
    "site_admin": False,
    "name": "The Octocat",
    "company": "@github",
    "blog": "https://github.blog",
    "location": "San Francisco",
    "email": None,
    "public_repos": 8,
    "followers": 20000,
    "created_at": "2011-01-25T18:44:36Z",
}
GITHUB_NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest/users/users#get-a-user",
    "status": "404",
}


def webfinger(user: str, domain: str, server: str) -> dict[str, object]:
    return {
        "subject": f"acct:{user}@{domain}",
        "aliases": [f"https://{server}/@{user}", f"https://{server}/users/{user}"],
        "links": [
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": f"https://{server}/@{user}",
            },
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": f"https://{server}/users/{user}",
            },
            {
                "rel": "http://ostatus.org/schema/1.0/subscribe",
                "template": f"https://{server}/authorize_interaction?uri={{uri}}",
            },
        ],
    }


def mastodon_account(account_id: str, user: str, server: str) -> dict[str, object]:
    return {
        "id": account_id,
        "username": user,
        "acct": user,
        "display_name": user.title(),
        "locked": False,
        "bot": False,
        "created_at": "2016-03-16T00:00:00.000Z",
        "note": "<p>Hello</p>",
        "url": f"https://{server}/@{user}",
        "uri": f"https://{server}/users/{user}",
        "followers_count": 10,
        "following_count": 5,
        "statuses_count": 100,
    }


MASTODON_NOT_FOUND = {"error": "Record not found"}

TWITCH_TOKEN = {
    "access_token": "jostpf5q0uzmxmkba9iyug38kjtgh",
    "expires_in": 5011271,
    "token_type": "bearer",
}
TWITCH_USERS = others.TWITCH_USERS  # Helix users: the identity's shape, asked by login
TWITCH_NO_USERS: dict[str, object] = {"data": []}

FLICKR_USER = {
    "user": {"id": "12037949754@N01", "username": {"_content": "Stewart"}},
    "stat": "ok",
}
FLICKR_NO_USER = {"stat": "fail", "code": 1, "message": "User not found"}

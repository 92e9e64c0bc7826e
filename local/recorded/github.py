"""GitHub response shapes, written from GitHub's REST documentation (not captured live:
there is no internet here). Only the fields the adapter reads, plus a few neighbours."""

USER = {
    "login": "Octocat",
    "id": 583231,
    "node_id": "MDQ6VXNlcjU4MzIzMQ==",
    "html_url": "https://github.com/octocat",
    "type": "User",
    "name": "The Octocat",
    "email": None,
}


def star(repo_id: int, owner: str, name: str, starred_at: str) -> dict:
    return {
        "starred_at": starred_at,
        "repo": {
            "id": repo_id,
            "name": name,
            "full_name": f"{owner}/{name}",
            "html_url": f"https://github.com/{owner}/{name}",
            "owner": {"login": owner, "id": repo_id * 10, "type": "User"},
            "private": False,
        },
    }


PAGE_1 = [
    star(3, "Torvalds", "linux", "2026-11-20T10:00:00Z"),
    star(2, "python", "cpython", "2026-11-19T09:00:00Z"),
]
PAGE_2 = [star(1, "psf", "requests", "2026-11-01T08:00:00Z")]
NEXT_LINK = (
    '<https://api.github.com/user/starred?page=2>; rel="next", '
    '<https://api.github.com/user/starred?page=2>; rel="last"'
)
UNAUTHORIZED = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
RATE_LIMITED = {
    "message": "API rate limit exceeded",
    "documentation_url": "https://docs.github.com/rest",
}

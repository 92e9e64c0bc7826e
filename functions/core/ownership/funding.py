"""A repository's own word on who is paid for it: its ``FUNDING.yml`` (GitHub's format:
``.github/FUNDING.yml``, ``FUNDING.yml`` or ``docs/FUNDING.yml``) and its project's
``funding.json`` (FLOSS/fund's manifest), read before the path rule (``rules.md``, "Who owns
a URL"). Only accounts of platforms this service knows, and pages of this service, count;
the first such account in the file's order is the repository's recipient. Pure: the files
are fetched elsewhere (``lookups.funding_owner``: SSRF-safe, 64 KB at most, once a
repository a day)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from functions.core.ownership.urls import Page

FUNDING_YML = (".github/FUNDING.yml", "FUNDING.yml", "docs/FUNDING.yml")  # GitHub's order
FUNDING_JSON = "funding.json"
MAX_BYTES = 64 * 1024
# GitHub's reserved first segments that are not an owner (a repository is /owner/repo).
NOT_OWNERS = frozenset({"orgs", "users", "sponsors", "topics", "collections", "apps"})


@dataclass(frozen=True)
class Repository:
    platform: str  # github or gitlab
    path: str  # owner/repo (GitLab: group/subgroup/project)

    def raw_url(self, file: str) -> str:
        """Where the file is read from the repository's default branch."""
        if self.platform == "github":
            return f"https://raw.githubusercontent.com/{self.path}/HEAD/{file}"
        return f"https://gitlab.com/{self.path}/-/raw/HEAD/{file}"

    @property
    def url(self) -> str:
        host = "github.com" if self.platform == "github" else "gitlab.com"
        return f"https://{host}/{self.path}"


def repository_of(page: Page) -> Repository | None:
    """The repository a GitHub or GitLab page belongs to, if it is one's (its files, its
    issues, its releases: everything under ``/owner/repo``)."""
    if page.platform is None or page.nobody or page.platform.name not in ("github", "gitlab"):
        return None
    parts = urlsplit(page.url)
    if parts.hostname not in ("github.com", "gitlab.com"):
        return None  # a self-hosted GitLab: its files are not read
    segments = [s for s in parts.path.split("/") if s]
    if page.platform.name == "gitlab":
        if "-" in segments:
            segments = segments[: segments.index("-")]
        segments = segments[:2] if len(segments) >= 2 else []
    elif len(segments) < 2 or segments[0] in NOT_OWNERS:
        return None
    if len(segments) < 2 or segments[0] == "users":
        return None
    return Repository(page.platform.name, "/".join(segments[:2]))


def named_in_funding_yml(text: str) -> list[str]:
    """The accounts a FUNDING.yml names, in its order, as profile URLs: ``github`` logins and
    ``custom`` links (the other keys are platforms this service does not know)."""
    import yaml  # PyYAML, its safe loader (no objects, no tags): loaded where a file is read

    try:
        found = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    if not isinstance(found, dict):
        return []
    named = []
    for key, value in found.items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item.strip():
                continue
            if key == "github":
                named.append(f"https://github.com/{item.strip()}")
            elif key == "custom":
                named.append(item.strip())
    return named


def named_in_funding_json(text: str) -> list[str]:
    """The links a funding.json's channels give as their address, in its order."""
    try:
        found = json.loads(text)
    except ValueError:
        return []
    funding = found.get("funding") if isinstance(found, dict) else None
    channels = funding.get("channels") if isinstance(funding, dict) else None
    named = []
    for channel in channels if isinstance(channels, list) else []:
        address = channel.get("address") if isinstance(channel, dict) else None
        if isinstance(address, str) and address.strip().startswith(("https://", "http://")):
            named.append(address.strip())
    return named


def our_page(url: str, public_url: str) -> tuple[str, str] | None:
    """A page of this service a file names: ``("username", name)`` for ``/u/<name>``,
    ``("recipient", key)`` for ``/r?key=<key>``; None for any other address."""
    parts, ours = urlsplit(url), urlsplit(public_url)
    if not ours.hostname or (parts.hostname or "").lower() != ours.hostname.lower():
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0] == "u":
        return "username", segments[1]
    if segments in (["r"], ["receiver"]):
        key = parse_qs(parts.query).get("key")
        return ("recipient", key[-1]) if key else None
    return None

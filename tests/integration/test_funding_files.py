"""A repository's funding file names who its flattrs go to (issue 34, item 3; rules.md
"Who owns a URL"): ``FUNDING.yml`` (``.github/``, the root or ``docs/``), else the project's
``funding.json``; the first account of a platform we know, or a page of ours, wins; else the
repository's owner. Read once a repository a day by the lookup worker, never in a report's
path; a file too big or malformed names nobody; money already waiting stays where it is.

The files are the recorded shapes of ``local/recorded/funding.py``, served with ``responses``
from hosts a stub resolver maps to public addresses (no internet is reached)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from functions.common import clock
from functions.common.settings import settings
from local.queues import drain
from local.recorded import funding as recorded
from tests.conftest import call
from tests.integration.net_helpers import public_web
from tests.integration.track_helpers import explicit

RAW = "https://raw.githubusercontent.com"
HOSTS = {"raw.githubusercontent.com": "185.199.108.133", "gitlab.com": "172.65.251.78"}
REPO = "https://github.com/ferris-org/ferris-lib"


@pytest.fixture
def web(aws, setenv, monkeypatch) -> Iterator[responses.RequestsMock]:
    setenv(FUNDING_FILES="on", OWNER_LOOKUPS="on")
    with public_web(monkeypatch, HOSTS) as mock:
        yield mock


def serve(web: responses.RequestsMock, files: dict[str, str], repo: str = "ferris-org/ferris-lib"):
    """The repository's files; every other one is GitHub's 404."""
    for name in ("FUNDING.yml", ".github/FUNDING.yml", "docs/FUNDING.yml", "funding.json"):
        body = files.get(name)
        web.get(f"{RAW}/{repo}/HEAD/{name}", body=body or "404: Not Found",
                status=200 if body is not None else 404)  # fmt: skip


def settled(url: str, user: str = "user-1") -> str:
    """The recipient of ``user``'s flattr of ``url``, after the lookup worker ran."""
    made = explicit(url, user=user)
    assert made.status == 201, made.raw
    assert made.json["recipient"]["platform"] == "pending"  # waits, never fetched inline
    drain(settings().owner_lookups_queue_url, "track", "events_handler")
    items = call("GET", "/v1/flattrs", user=user).json["items"]
    return next(f["recipient"]["key"] for f in items if f["url"] == url)


def test_the_first_known_account_of_a_funding_yml_is_paid(web):
    serve(web, {".github/FUNDING.yml": recorded.FUNDING_YML_SEVERAL})
    assert settled(REPO + "/issues/7") == "github:ferris-maintainer"
    # Read once a day: the repository's other pages go there at once, nothing read again.
    calls = len(web.calls)
    again = explicit(REPO + "/releases", user="user-2")
    assert again.json["recipient"]["key"] == "github:ferris-maintainer"
    assert len(web.calls) == calls


def test_a_custom_link_to_a_creators_page_of_ours_pays_that_creator(web):
    assert call("PATCH", "/v1/me", {"username": "ferris"}, user="creator-1").status == 200
    text = recorded.FUNDING_YML_OUR_PAGE.format(site=settings().public_url)
    serve(web, {"FUNDING.yml": text})
    assert settled(REPO) == "user:creator-1"


def test_a_funding_json_channel_names_the_account(web):
    serve(web, {"funding.json": recorded.FUNDING_JSON}, repo="crab-org/tiny-parser")
    assert settled("https://github.com/crab-org/tiny-parser/blob/main/README.md") == (
        "github:ada-crab"
    )


@pytest.mark.parametrize(
    "text",
    [
        "patreon: someone\nko_fi: someone\n",  # only platforms we do not know
        "github: [unclosed\n",  # not YAML
        "- a list\n- not a mapping\n",
        "github: " + "x" * (70 * 1024),  # bigger than any funding file written by hand
        "a: &a [*a, *a]\ngithub: *a\n",  # an alias loop names nobody
    ],
)
def test_a_file_that_names_nobody_we_know_leaves_the_repository_to_its_owner(web, text):
    serve(web, {".github/FUNDING.yml": text})
    assert settled(REPO) == "github:ferris-org"


def test_no_file_at_all_leaves_the_repository_to_its_owner(web):
    serve(web, {})
    assert settled(REPO) == "github:ferris-org"


def test_a_gitlab_projects_file_is_read_from_gitlab(web):
    web.get(
        "https://gitlab.com/crab-group/parser/-/raw/HEAD/.github/FUNDING.yml",
        body="github: ada-crab\n",
    )
    for name in ("FUNDING.yml", "docs/FUNDING.yml", "funding.json"):
        web.get(f"https://gitlab.com/crab-group/parser/-/raw/HEAD/{name}", status=404)
    assert settled("https://gitlab.com/crab-group/parser/-/issues/3") == "github:ada-crab"


def test_money_already_waiting_for_the_owner_stays_there(web, setenv):
    setenv(FUNDING_FILES="off")
    before = explicit(REPO, user="user-1")
    assert before.json["recipient"]["key"] == "github:ferris-org"
    setenv(FUNDING_FILES="on")
    serve(web, {".github/FUNDING.yml": recorded.FUNDING_YML_SEVERAL})
    clock.advance(60)
    assert settled(REPO + "/pulls", user="user-2") == "github:ferris-maintainer"
    items = call("GET", "/v1/flattrs", user="user-1").json["items"]
    assert [f["recipient"]["key"] for f in items] == ["github:ferris-org"]

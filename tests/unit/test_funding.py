"""Funding files read as plain functions (issue 34, item 3): which pages are a repository's,
what a FUNDING.yml and a funding.json name, and which addresses are pages of ours. The
files are the recorded shapes of ``local/recorded/funding.py``."""

from __future__ import annotations

import pytest

from functions.core.ownership.funding import (
    Repository,
    named_in_funding_json,
    named_in_funding_yml,
    our_page,
    repository_of,
)
from functions.core.ownership.resolve import FUNDING, lookup_of
from functions.core.ownership.urls import normalise
from local.recorded import funding as recorded

SITE = "https://flattr.example"


@pytest.mark.parametrize(
    ("url", "repository"),
    [
        ("https://github.com/rust-lang/cargo", ("github", "rust-lang/cargo")),
        ("https://github.com/rust-lang/cargo/issues/12", ("github", "rust-lang/cargo")),
        ("https://github.com/rust-lang", None),  # an account, not a repository
        ("https://github.com/orgs/rust-lang/people", None),
        ("https://github.com/sponsors/someone/dashboard", None),
        ("https://github.com/settings/profile", None),
        ("https://gitlab.com/group/project", ("gitlab", "group/project")),
        ("https://gitlab.com/group/project/-/issues/3", ("gitlab", "group/project")),
        ("https://gitlab.com/group", None),
        ("https://gitlab.com/users/someone/starred", None),
        ("https://blog.example.org/group/project", None),
    ],
)
def test_a_page_belongs_to_a_repository_or_not(url, repository):
    found = repository_of(normalise(url))
    assert (None if found is None else (found.platform, found.path)) == repository


def test_a_repository_waits_for_its_funding_file_only_when_asked_to():
    page = normalise("https://github.com/rust-lang/cargo/pulls")
    assert lookup_of(page, handles=False, funding=True).platform == FUNDING
    assert lookup_of(page, handles=False, funding=False) is None


def test_raw_files_are_read_from_the_default_branch():
    assert Repository("github", "a/b").raw_url(".github/FUNDING.yml") == (
        "https://raw.githubusercontent.com/a/b/HEAD/.github/FUNDING.yml"
    )
    assert Repository("gitlab", "g/p").raw_url("funding.json") == (
        "https://gitlab.com/g/p/-/raw/HEAD/funding.json"
    )


def test_a_funding_yml_names_github_logins_then_custom_links_in_its_order():
    assert named_in_funding_yml(recorded.FUNDING_YML_SEVERAL) == [
        "https://github.com/ferris-maintainer",
        "https://github.com/second-maintainer",
        "https://www.paypal.me/ferrisworks",
        "ferrisworks.example",
    ]
    ours = recorded.FUNDING_YML_OUR_PAGE.format(site=SITE)
    assert named_in_funding_yml(ours) == ["https://ferrisworks.example/donate", f"{SITE}/u/ferris"]


@pytest.mark.parametrize(
    "text", ["", "github: [x", "- a\n- b\n", "7", "!!python/object:os.system x"]
)
def test_what_is_not_a_funding_yml_names_nobody(text):
    assert named_in_funding_yml(text) == []


def test_a_funding_json_names_its_channels_links():
    assert named_in_funding_json(recorded.FUNDING_JSON) == [
        "https://paypal.example/ada",
        "https://github.com/sponsors/ada-crab",
    ]
    assert named_in_funding_json("[1, 2]") == [] and named_in_funding_json("{") == []


@pytest.mark.parametrize(
    ("url", "found"),
    [
        (f"{SITE}/u/ferris", ("username", "ferris")),
        (f"{SITE}/r?key=github:ferris", ("recipient", "github:ferris")),
        (f"{SITE}/receiver?key=web:ferris.example", ("recipient", "web:ferris.example")),
        (f"{SITE}/dashboard", None),
        ("https://elsewhere.example/u/ferris", None),
    ],
)
def test_pages_of_ours_are_told_apart(url, found):
    assert our_page(url, SITE) == found

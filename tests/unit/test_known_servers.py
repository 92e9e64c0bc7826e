"""Servers an operator names (``KNOWN_SERVER_URLS``: the local stack's fake Mastodon and
Bluesky) are reached at their configured URL and trusted as configuration is; every other
server a person types stays behind the SSRF guard."""

from __future__ import annotations

import pytest

from functions.common import safe_http
from functions.common.errors import Invalid
from functions.core.platforms.apps import check_instance
from functions.core.platforms.registry import CONNECTABLE

FAKE = "http://127.0.0.1:9/_fake/mastodon"


def test_a_named_server_is_reached_where_the_operator_says(setenv):
    setenv(KNOWN_SERVER_URLS=f'{{"Social.Example": "{FAKE}/"}}')
    named = CONNECTABLE["mastodon"].at("social.example")
    assert (named.web_url, named.api_url) == (FAKE, FAKE)
    assert not named.user_named_hosts
    assert check_instance(" social.example ") == "social.example"


def test_every_other_server_stays_guarded(setenv, monkeypatch):
    setenv(KNOWN_SERVER_URLS=f'{{"social.example": "{FAKE}"}}')
    other = CONNECTABLE["mastodon"].at("mastodon.social")
    assert other.api_url == "https://mastodon.social" and other.user_named_hosts
    monkeypatch.setattr(safe_http, "RESOLVER", lambda *a, **k: [(2, 1, 6, "", ("127.0.0.1", 443))])
    with pytest.raises(Invalid, match="private address"):
        check_instance("sneaky.example.org")


def test_a_malformed_setting_is_refused_at_start(setenv):
    from functions.common.settings import settings

    setenv(KNOWN_SERVER_URLS='["social.example"]')
    with pytest.raises(ValueError, match="KNOWN_SERVER_URLS"):
        settings()


def test_a_guarded_request_to_a_named_server_goes_where_configured(setenv):
    from functions.common.safe_http import _known_server

    setenv(KNOWN_SERVER_URLS=f'{{"bsky.example": "{FAKE}"}}')
    assert _known_server("https://bsky.example/xrpc/x?repo=did:plc:a") == (
        f"{FAKE}/xrpc/x?repo=did:plc:a"
    )
    assert _known_server("https://BSKY.example") == f"{FAKE}/"
    assert _known_server("http://bsky.example/x") is None  # only as it would be reached
    assert _known_server("https://bsky.example:8443/x") is None
    assert _known_server("https://other.example/x") is None  # checked by the guard
    assert _known_server(f"{FAKE}/oauth/par") == f"{FAKE}/oauth/par"  # already mapped
    assert _known_server(f"{FAKE}-evil/x") is None  # not under the configured base


def test_the_local_web_takes_every_other_host_when_named(setenv):
    from functions.common.safe_http import _known_server, check_url

    web = "http://127.0.0.1:9/_fake/web"
    setenv(KNOWN_SERVER_URLS=f'{{"social.example": "{FAKE}", "*": "{web}"}}')
    assert _known_server("https://social.example/x") == f"{FAKE}/x"  # a named one first
    assert _known_server("https://Blog.Example.org/p?q=1") == f"{web}/blog.example.org/p?q=1"
    assert _known_server("https://127.0.0.1/") is None  # not a host name: still checked
    check_url("https://blog.example.org/")  # allowed: it goes to the local web
    with pytest.raises(Invalid):
        check_instance("*")  # not a server anyone can type


def test_without_the_setting_every_url_is_checked(setenv, monkeypatch):
    from functions.common.safe_http import Refused, check_url

    setenv(KNOWN_SERVER_URLS="")
    monkeypatch.setattr(safe_http, "RESOLVER", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.5", 443))])
    with pytest.raises(Refused, match="private address"):
        check_url("https://blog.example.org/")

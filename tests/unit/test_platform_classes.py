"""One class per platform: its URL rules, OAuth client, endpoints and answers in one
file; the connect flow chosen by the base class; no HTTP library loaded by the track
Lambda, which reads every platform's URL rules and never connects anyone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from functions.core.platforms.base import Connectable
from functions.core.platforms.flows import AtprotoPlatform, OAuth1Platform, OAuth2Platform
from functions.core.platforms.registry import BY_NAME, CONNECTABLE, PLATFORMS

ROOT = Path(__file__).resolve().parents[2]
FLOWS = (OAuth2Platform, OAuth1Platform, AtprotoPlatform)


def test_each_platform_is_one_class_in_its_own_module():
    modules = [type(platform).__module__ for platform in PLATFORMS]
    assert len(set(modules)) == len(modules)
    for platform in PLATFORMS:
        assert type(platform).__module__.startswith("functions.core.platforms.")
        assert platform.sites, platform.name  # its URL rules live in its class
        assert BY_NAME[platform.name] is platform


def test_every_connectable_platform_speaks_exactly_one_flow():
    for platform in CONNECTABLE.values():
        assert isinstance(platform, Connectable)
        assert sum(isinstance(platform, flow) for flow in FLOWS) == 1, platform.name
    assert isinstance(CONNECTABLE["flickr"], OAuth1Platform)
    assert isinstance(CONNECTABLE["bluesky"], AtprotoPlatform)
    assert isinstance(CONNECTABLE["github"], OAuth2Platform)


def test_the_flow_code_switches_on_no_platform():
    flow_code = (ROOT / "functions/connections/oauth.py").read_text()
    for name in [*CONNECTABLE, "isinstance", ".flow"]:
        assert name not in flow_code.lower(), name


def test_the_track_lambda_loads_no_http_or_oauth_library():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, functions.track.handler; "
            "print(' '.join(m for m in ('requests', 'oauthlib', 'requests_oauthlib', "
            "'requests_oauth2client', 'jwskate') if m in sys.modules))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert loaded.stdout.strip() == ""

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
from functions.core.platforms.sites import Pattern

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


def _printed_by_a_fresh_interpreter(code: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return run.stdout.strip()


def test_the_track_lambda_loads_no_http_or_oauth_library():
    loaded = _printed_by_a_fresh_interpreter(
        "import sys; from functions.track.handler import lambda_handler; "
        "print(' '.join(m for m in ('requests', 'oauthlib', 'requests_oauthlib', "
        "'requests_oauth2client', 'jwskate') if m in sys.modules))"
    )
    assert loaded == ""


def _patterns() -> list[Pattern]:
    return [
        pattern
        for platform in PLATFORMS
        for site in platform.sites
        for pattern in (site.nobody, *(rule.pattern for rule in site.rules))
    ]


def test_every_url_rule_is_a_valid_expression_though_compiled_at_its_first_match():
    # Compiled lazily (a cold start compiles only the rules its requests use): an invalid
    # expression must fail here, not in a reader's request.
    patterns = _patterns()
    assert len(patterns) > 50
    for pattern in patterns:
        pattern.match("/a/b")  # compiles it: re.error on a bad rule
    assert CONNECTABLE["github"].sites[0].nobody.match("/search") is not None
    assert CONNECTABLE["github"].sites[0].nobody.match("/Settings/profile") is not None  # any case
    assert CONNECTABLE["github"].sites[0].nobody.match("/alice") is None


def test_importing_the_platforms_compiles_no_url_rule():
    compiled = _printed_by_a_fresh_interpreter(
        "import functions.core.platforms.registry as r; "
        "print(sum(p._compiled is not None for pl in r.PLATFORMS for s in pl.sites "
        "for p in (s.nobody, *(x.pattern for x in s.rules))))"
    )
    assert compiled == "0"

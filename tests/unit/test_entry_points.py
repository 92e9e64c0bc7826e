"""Every Lambda's entry point is the handler it names, built when asked for
(``common/handler.lazy_handlers``): a module-level name that shadowed it (the
``job_handler`` factory imported under its own name, say) would hand the runtime the
wrong function, and no route or job test of another entry point would notice."""

from __future__ import annotations

import importlib

import pytest

from bench.cold import entry_points


def test_every_deployed_lambda_is_listed():
    found = entry_points()
    assert ("track", "events_handler") in found and ("payout", "job_handler") in found
    assert len(found) >= 14


@pytest.mark.parametrize(("domain", "entry"), entry_points())
def test_each_entry_point_is_a_handler_built_by_our_factories(aws, domain, entry):
    module = importlib.import_module(f"functions.{domain}.handler")
    handler = getattr(module, entry)
    assert callable(handler)
    assert hasattr(handler, "needs"), f"{domain}.{entry} is not a built handler"
    assert getattr(module, entry) is handler  # built once, kept

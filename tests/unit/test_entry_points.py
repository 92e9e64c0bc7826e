"""Every Lambda's entry point is the handler it names, built when asked for
(``common/entry.lazy_handlers``): a module-level name that shadowed it (the
``job_handler`` factory imported under its own name, say) would hand the runtime the
wrong function, and no route or job test of another entry point would notice. The first
build of a process, its cold start, runs with the cycle collector paused and freezes what
it made (``common/entry.cold_start``): asserted in fresh interpreters, as a Lambda starts."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cold import DEPLOYED, entry_points

ROOT = Path(__file__).resolve().parents[2]


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


def _fresh_interpreter(code: str) -> list[str]:
    """What ``code`` prints, run as a Lambda's runtime runs its init: a new interpreter
    with the deployed settings."""
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **DEPLOYED},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return run.stdout.split()


COUNTING = (  # the collections from here on
    "import gc, functions.common.entry; runs = []; "
    "gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == 'start' else 0); "
)


def test_a_handler_module_loads_nothing_until_its_entry_point_is_asked_for():
    loaded = _fresh_interpreter(
        "import sys, functions.track.handler; "
        "print(*(m in sys.modules for m in ('boto3', 'pydantic', 'aws_lambda_powertools')))"
    )
    assert loaded == ["False", "False", "False"]


def test_the_cold_start_builds_with_the_collector_paused_and_freezes_what_it_made():
    printed = _fresh_interpreter(
        COUNTING + "from functions.track.handler import lambda_handler; "
        "print(len(runs), gc.isenabled(), gc.get_freeze_count() > 50_000)"
    )
    assert printed == ["0", "True", "True"]  # no collection; on again; boto3 and all frozen
    # The same imports without the pause: the collector runs, again and again.
    unpaused = _fresh_interpreter(
        COUNTING + "import functions.track.routes, functions.common.handler; print(len(runs))"
    )
    assert int(unpaused[0]) > 5


def test_a_failed_cold_start_freezes_nothing_and_a_warm_build_is_not_paused():
    printed = _fresh_interpreter(
        "import gc; from functions.common.entry import cold_start\n"
        "def fail(): raise RuntimeError('a setting missing')\n"
        "try: cold_start(fail)\n"
        "except RuntimeError: print(gc.isenabled(), gc.get_freeze_count())\n"
        "cold_start(lambda: print)\n"
        "cold_start(lambda: print(gc.isenabled()) or print)\n"
    )
    assert printed == ["True", "0", "True"]


def test_an_entry_point_asked_for_by_many_threads_at_once_is_built_once():
    # The local gateway serves requests in threads: the first requests of a stack ask for
    # a handler together, and each build imports the domain's modules (once two builds ran
    # side by side, one could meet a module the other was still importing).
    printed = _fresh_interpreter(
        "import threading, functions.track.handler as module\n"
        "barrier, found = threading.Barrier(16), []\n"
        "def ask(): barrier.wait(); found.append(id(module.lambda_handler))\n"
        "threads = [threading.Thread(target=ask) for _ in range(16)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(found), len(set(found)))\n"
    )
    assert printed == ["16", "1"]

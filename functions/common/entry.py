"""What a Lambda's runtime meets first: each domain's ``handler`` module imports only this,
and builds each entry point, importing what it serves, when the runtime asks for it.

The first entry point a process builds is its cold start: boto3, pydantic, Powertools and
our modules leave some hundred thousand long-lived objects, and the cycle collector, run
again and again while they are made, walks them all each time it reaches its oldest
generation (a sixth of the track API's init: docs/benchmarks.md, cold starts). So that build
runs with the collector paused, and what it made is then frozen (``gc.freeze``: moved
where no collection looks again, which also spares every later full collection the walk);
the collector is on again for the requests.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
# One build at a time in a process: a Lambda asks for its handler once, but the local
# gateway serves requests in threads, and two builds side by side import the same modules.
_BUILDING = threading.Lock()


def lazy_handlers(**builders: Callable[[], LambdaHandler]) -> Callable[[str], LambdaHandler]:
    """A handler module's ``__getattr__`` (PEP 562) that builds each of its entry points
    when first asked for: a Lambda's runtime asks for its own handler at its cold start
    (so the settings it needs are still checked then), and builds, and imports, nothing
    that another Lambda of the same domain serves (the API does not load the jobs)."""
    built: dict[str, LambdaHandler] = {}

    def get(name: str) -> LambdaHandler:
        if name not in builders:
            raise AttributeError(name)
        if name not in built:
            with _BUILDING:
                if name not in built:  # another thread may have built it while we waited
                    built[name] = cold_start(builders[name])
        return built[name]

    return get


def cold_start(build: Callable[[], LambdaHandler]) -> LambdaHandler:
    """``build()``; the first build of the process with the cycle collector paused and
    what it made frozen after. A build that fails (a setting missing) freezes nothing."""
    if gc.get_freeze_count():  # an earlier build froze the heap: this process is warm
        return build()
    collecting = gc.isenabled()
    gc.disable()
    try:
        handler = build()
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return handler

"""The local stack as ``make run`` starts it, in a subprocess on a port of its own: for the
HTTP tests (``tests/e2e``) and the load test (``bench/load.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_OUTPUT: dict[int, Any] = {}


def start_stack(port: int, **more: str) -> subprocess.Popen[bytes]:
    """The local stack as ``make run`` starts it, with ``more`` environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PORT"] = str(port)
    env.update(more)
    # Its output goes to a file, not a pipe nobody reads: a full pipe would block the stack.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open while the stack runs
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _OUTPUT[process.pid] = log
    return process


def stack_output(process: subprocess.Popen[bytes]) -> str:
    """What the stack printed so far."""
    log = _OUTPUT[process.pid]
    log.seek(0)
    return str(log.read().decode("utf-8", "replace"))


def wait_healthy(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Until ``GET /v1/health`` answers 200 (the stack's exit or a minute: an error)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited: {stack_output(process)}")
        try:
            health = f"{base}/v1/health"  # the stack this process started, on loopback
            with urllib.request.urlopen(health, timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError("the local stack did not come up")


def stop_stack(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired as late:
        process.send_signal(signal.SIGUSR1)  # its threads' stacks, into its output
        time.sleep(1)
        process.kill()
        process.wait()
        raise RuntimeError(
            f"the local stack did not stop within 20 s of Ctrl-C:\n{stack_output(process)[-8000:]}"
        ) from late

"""The local stack stops on Ctrl-C whichever of its threads the signal reaches (a fresh-clone
``make test`` failed in a teardown: the stack's main thread still waited 20 s after the
SIGINT, its stacks printed, ``test_hardening_http``). The kernel hands a process's signal to
any thread that does not block it; Python runs the handler only when the main thread runs
bytecode again, which a wait without a timeout never does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The signal is sent to a thread that is not the main one, as the kernel may choose.
SCRIPT = """
import signal, threading
from local.stack import wait_for_stop
stopped = threading.Event()
signal.signal(signal.SIGINT, lambda *_: stopped.set())
threading.Timer(0.3, lambda: signal.pthread_kill(threading.get_ident(), signal.SIGINT)).start()
wait_for_stop(stopped)
print("stopped")
"""


def test_a_ctrl_c_that_reaches_another_thread_stops_the_stack():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"

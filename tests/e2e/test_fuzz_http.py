"""schemathesis generates requests from openapi.json for every operation and sends them to
the local stack: whatever it sends, no answer is a server error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Client

# Its own group: it has its own stack (this module's), and its three minutes run beside the
# other journeys instead of after them on the same worker.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzz")]
ROOT = Path(__file__).resolve().parents[2]


# Three minutes on 2 cores (its own run is bounded at ten): more than the suite's 300 s a test.
@pytest.mark.timeout(900)
def test_no_generated_request_gets_a_server_error(stack: Client, tmp_path):
    _, token = stack.sign_in("fuzz@example.org")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            str(ROOT / "openapi.json"),
            "--url",
            stack.base,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "20261122",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "13/13" in done.stdout or "Tested:" in done.stdout

"""Benchmark of the website: ``python -m bench.site`` (after ``make site``).

(a) JavaScript and CSS bytes a page ships, compressed as CloudFront compresses them (gzip and
    Brotli where the client accepts it; gzip here, the larger), against the budget of 100 KB
    for the dashboard. Every page loads the same bundle, so the figure is the same for each;
    it is printed per page so that a future split of the bundle shows.
(b) Lighthouse (npm, on the local Chromium) performance and accessibility scores of public
    pages served by the local stack, as a fraction of the best score (100).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import report_line

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
BUDGET_BYTES = 100 * 1024
PAGES = ("/", "/dashboard", "/history", "/creator", "/catalogue", "/stats", "/flattr")
LIGHTHOUSE_PAGES = ("/", "/stats", "/catalogue")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def shipped_files() -> list[Path]:
    """The scripts and style sheets ``index.html`` loads (every page is that shell)."""
    shell = (DIST / "index.html").read_text()
    names = re.findall(r'(?:src|href)="/([^"]+\.(?:js|css))"', shell)
    return [DIST / name for name in names]


def compressed_bytes(files: list[Path]) -> int:
    return sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in files)


def start_stack() -> tuple[subprocess.Popen[bytes], str]:
    from local.stack import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {"PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the local stack did not start")


def lighthouse(url: str) -> dict[str, float]:
    binary = ROOT / "web" / "node_modules" / ".bin" / "lighthouse"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                f"--chrome-path={CHROMIUM}",
                "--chrome-flags=--headless=new --no-sandbox",
                "--only-categories=performance,accessibility",
                "--output=json",
                f"--output-path={report}",
                "--quiet",
            ],
            check=True,
            timeout=180,
        )
        categories = json.loads(report.read_text())["categories"]
    return {name: float(found["score"]) for name, found in categories.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-lighthouse", action="store_true", help="only the bytes")
    args = parser.parse_args()
    files = shipped_files()
    shipped = compressed_bytes(files)
    print(f"site: {', '.join(p.name for p in files)} (gzip -9), budget {BUDGET_BYTES} bytes")
    for page in PAGES:
        print(
            report_line(
                f"JS+CSS shipped {page}",
                shipped / 1024,
                BUDGET_BYTES / 1024,
                "KB",
                shipped / BUDGET_BYTES,
            )
        )
    if args.no_lighthouse:
        return
    process, base = start_stack()
    try:
        for page in LIGHTHOUSE_PAGES:
            scores = lighthouse(base + page)
            for name, score in sorted(scores.items()):
                print(report_line(f"lighthouse {name} {page}", score * 100, 100, "of 100", score))
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()

"""Benchmark of the website: ``python -m bench.site`` (after ``make site``).

(a) JavaScript and CSS bytes a page ships, compressed as CloudFront compresses them (gzip and
    Brotli where the client accepts it; gzip here, the larger), against the budget of 100 KB
    for the dashboard. Every page loads the same bundle, so the figure is the same for each;
    it is printed per page so that a future split of the bundle shows.
(b) Lighthouse (npm, on the local Chromium) performance, accessibility and best-practices
    scores of pages served by the local stack, as a fraction of the best score (100): public
    pages, and signed-in ones with the session cookie a real sign-in set (the code flow with
    PKCE against the local sign-in, ended at ``POST /v1/session``).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import report_line

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
BUDGET_BYTES = 100 * 1024
PAGES = ("/", "/dashboard", "/history", "/creator", "/catalogue", "/stats", "/flattr")
LIGHTHOUSE_PAGES = ("/", "/stats", "/catalogue")
SIGNED_IN_PAGES = ("/dashboard", "/history", "/creator", "/money", "/account")
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def session_cookie(base: str, email: str) -> str:
    """Sign in as a browser does (authorize with PKCE, the code to ``/v1/session``): the
    ``Cookie`` header that keeps that session."""
    config = json.loads(urllib.request.urlopen(base + "/config.json", timeout=10).read())
    verifier = base64.urlsafe_b64encode(os.urandom(48)).rstrip(b"=").decode()
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect = f"{base}/signed-in"
    form = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config["client_id"],
            "redirect_uri": redirect,
            "scope": "openid email",
            "state": "bench",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "email": email,
        }
    ).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(f"{config['authority']}/oauth2/authorize", data=form, timeout=10)
        raise RuntimeError("the sign-in did not redirect")
    except urllib.error.HTTPError as redirected:
        location = redirected.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    started = urllib.request.Request(
        base + "/v1/session",
        data=json.dumps(
            {"code": code, "code_verifier": verifier, "redirect_uri": redirect}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(started, timeout=10) as response:
        cookie = response.headers["Set-Cookie"]
    return cookie.split(";", 1)[0]


def lighthouse(url: str, cookie: str | None = None) -> dict[str, float]:
    binary = ROOT / "web" / "node_modules" / ".bin" / "lighthouse"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                f"--chrome-path={CHROMIUM}",
                "--chrome-flags=--headless=new --no-sandbox",
                "--only-categories=performance,accessibility,best-practices",
                *([f"--extra-headers={json.dumps({'Cookie': cookie})}"] if cookie else []),
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
        cookie = session_cookie(base, "bench-site@example.org")
        pages = [(p, None) for p in LIGHTHOUSE_PAGES] + [(p, cookie) for p in SIGNED_IN_PAGES]
        for page, signed_in in pages:
            scores = lighthouse(base + page, signed_in)
            for name, score in sorted(scores.items()):
                print(report_line(f"lighthouse {name} {page}", score * 100, 100, "of 100", score))
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()

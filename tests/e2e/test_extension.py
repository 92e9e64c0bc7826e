"""Our browser extension (extension/, Manifest V3) loaded unpacked in Debian's Chromium
(headless, where its service worker runs and fetches), against a local stack whose
attention thresholds are a tenth of the rules' (ATTENTION_THRESHOLD_PERCENT=10: the first
flattr after 5 s instead of 50 s). The reading page is served on loopback under a public-
looking name (the extension never counts localhost or IP addresses), mapped with
Chromium's --host-resolver-rules."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect, sync_playwright

from tests.e2e.conftest import Client, running_stack
from tests.e2e.readers import EURO_AREA
from tests.e2e.test_website import CHROMIUM, SHOTS, sign_in_here

ROOT = Path(__file__).resolve().parents[2]
READING_HOST = "reading.example.org"
ESSAY = (
    "<!doctype html><html lang=en><head><title>An essay</title></head><body><main>"
    + ("<p>" + "Words worth reading slowly. " * 40 + "</p>") * 30
    + "</main></body></html>"
)


@pytest.fixture(scope="module")
def quick_stack() -> Iterator[Client]:
    with running_stack(ATTENTION_THRESHOLD_PERCENT="10") as client:
        yield client


class _Essay(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = ESSAY.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def reading_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Essay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{READING_HOST}:{server.server_address[1]}/essay"
    server.shutdown()


@contextmanager
def chromium_with_extension(
    site: str, tmp_path: Path, granted: str = ""
) -> Iterator[BrowserContext]:
    """Chromium with the extension built for the service at ``site``, loaded unpacked;
    ``granted``: optional permissions it has from the start (nobody can click a prompt)."""
    out = tmp_path / "build"
    subprocess.run(
        ["node", "build.mjs"],
        cwd=ROOT / "extension",
        # Reports batched for 20 s, not two minutes, so that a test's reading is sent soon.
        env={
            **os.environ,
            "SITE": site,
            "OUT": str(out),
            "GRANTED": granted,
            "FLUSH_AFTER_SECONDS": "20",
        },
        check=True,
        capture_output=True,
    )
    unpacked = str(out / "chromium")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            extra_http_headers=EURO_AREA,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                f"--disable-extensions-except={unpacked}",
                f"--load-extension={unpacked}",
                f"--host-resolver-rules=MAP {READING_HOST} 127.0.0.1",
            ],
        )
        yield context
        context.close()


@pytest.fixture
def extension(quick_stack: Client, tmp_path: Path) -> Iterator[BrowserContext]:
    with chromium_with_extension(quick_stack.base, tmp_path) as context:
        yield context


def flattrs_of(stack: Client, token: str) -> list[dict[str, Any]]:
    return stack.request("GET", "/v1/flattrs", token=token).json["items"]


def test_sign_in_through_the_site_then_reading_makes_a_flattr(
    quick_stack: Client, reading_page: str, extension: BrowserContext
):
    worker = service_worker(extension)
    assert worker.url.startswith("chrome-extension://")
    page = extension.new_page()
    page.goto(quick_stack.base + "/oauth/ext")
    sign_in_here(page, "extension-reader@example.org")
    expect(page.locator("#ext-status")).to_have_text(
        "The extension is signed in. You can close this page."
    )
    _, token = quick_stack.sign_in("extension-reader@example.org")
    assert flattrs_of(quick_stack, token) == []

    page.goto(reading_page)
    deadline = time.monotonic() + 40
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not found:
        for step in range(4):  # a reader: the mouse moves, the page scrolls
            page.mouse.move(200 + step * 40, 300 + step * 20)
            page.mouse.wheel(0, 120)
            page.wait_for_timeout(1100)
        found = [f for f in flattrs_of(quick_stack, token) if READING_HOST in f["url"]]
    state = (
        "async () => [await chrome.storage.session.get(null), await chrome.storage.local.get(null)]"
    )
    assert found, (
        f"no flattr after 40 s of reading; the extension's state: {worker.evaluate(state)}"
    )
    assert found[0]["source"] == "attention"
    page.screenshot(path=str(SHOTS / "extension-reading.png"))

    # Read on past the last threshold: the service answers that the page is done for the
    # day, and the extension stops reporting it (docs/scale.md: requests per flattr).
    done_pages = "async () => (await chrome.storage.local.get('done')).done || {}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not worker.evaluate(done_pages):
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(1100)
    done = worker.evaluate(done_pages)
    assert [url for url in done if READING_HOST in url], done
    assert all(entry["kind"] == "text" for entry in done.values())
    made = [f for f in flattrs_of(quick_stack, token) if READING_HOST in f["url"]]
    assert len(made) == 5  # every text flattr of the page-day


def service_worker(context: BrowserContext) -> Any:
    """The extension's service worker (started with the browser, or soon after)."""
    found = context.service_workers
    return found[0] if found else context.wait_for_event("serviceworker")


def extension_id(context: BrowserContext) -> str:
    return str(service_worker(context).url.split("/")[2])


def test_flattr_now_from_the_popup(
    quick_stack: Client, reading_page: str, extension: BrowserContext
):
    """Paused everywhere first, so that no reading time moves the figures: the popup names
    the receiver and the seconds to the next flattr (thresholds at a tenth: 5, 9, 13 s),
    "Flattr now" gives one and moves the page-day to the first threshold."""
    page = extension.new_page()
    page.goto(quick_stack.base + "/oauth/ext")
    sign_in_here(page, "popup-user@example.org")
    expect(page.locator("#ext-status")).to_contain_text("signed in")
    popup = extension.new_page()
    popup_url = f"chrome-extension://{extension_id(extension)}/popup.html"
    popup.goto(popup_url)
    popup.check("#pause")
    expect(popup.locator("#pause")).to_be_checked()
    page.goto(reading_page)
    popup.goto(popup_url)
    expect(popup.locator("#receiver")).to_have_text(
        "Goes to example.org (held until they claim it)."
    )
    today = popup.locator("#attention-today")
    expect(today).to_have_text("Attention today on this page: 0 s. Next flattr after 5 s more.")
    popup.click("#flattr-now")
    expect(popup.locator("#flattr-status")).to_have_text("Flattred.")
    expect(today).to_have_text("Attention today on this page: 5 s. Next flattr after 4 s more.")
    expect(popup.locator("#month")).to_contain_text("This month: 1 flattr, budget €5.00.")
    # Issue 31, item 2: no balance, so the popup says the flattr goes unfunded.
    expect(popup.locator("#short")).to_have_text(
        "Your balance is empty: this flattr goes unfunded unless you top up. Top up"
    )
    popup.screenshot(path=str(SHOTS / "extension-popup.png"))
    _, token = quick_stack.sign_in("popup-user@example.org")
    (made,) = flattrs_of(quick_stack, token)
    assert made["source"] == "button" and READING_HOST in made["url"]
    # A search is never flattred (issue 29): the popup says so and offers no button.
    page.goto(reading_page.replace("/essay", "/search?q=something+private"))
    popup.goto(popup_url)
    expect(popup.locator("#receiver")).to_have_text(
        "A search is yours alone: it is never counted or flattred."
    )
    expect(popup.locator("#flattr-now")).to_have_count(0)
    popup.uncheck("#pause")


class Proxy:
    """The stack behind a switch: while ``down``, every connection is refused, as when the
    service (or the network) is gone."""

    def __init__(self, target: str) -> None:
        import urllib.request

        proxy = self
        self.down = False

        class Forward(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                if proxy.down:
                    self.close_connection = True
                    self.connection.close()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                request = urllib.request.Request(
                    target + self.path,
                    data=self.rfile.read(length) if length else None,
                    method=self.command,
                    headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, headers, body = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, headers, body = error.code, error.headers, error.read()
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_the_outbox_survives_the_worker_stopped_while_offline(
    quick_stack: Client, reading_page: str, tmp_path: Path
):
    """Reports made while the service is unreachable wait in the outbox; the service worker
    is stopped (as MV3 stops it); once the service is back, everything arrives."""
    proxy = Proxy(quick_stack.base)
    user, token = quick_stack.sign_in("offline-reader@example.org")
    device = quick_stack.request("POST", "/v1/me/devices", {"name": "offline"}, token=token)
    with chromium_with_extension(proxy.url, tmp_path) as context:
        worker = service_worker(context)
        worker.evaluate(f"() => chrome.storage.local.set({{token: {device.json['token']!r}}})")
        proxy.down = True
        page = context.new_page()
        page.goto(reading_page)
        for step in range(10):
            page.mouse.move(100 + step * 10, 200)
            page.mouse.wheel(0, 100)
            page.wait_for_timeout(1000)
        # Sent now (as on signing in), while the service is unreachable: it fails, and waits.
        extension_page = context.new_page()
        extension_page.goto(f"chrome-extension://{extension_id(context)}/popup.html")
        waiting = extension_page.evaluate("() => chrome.runtime.sendMessage({type: 'flush'})")
        extension_page.close()
        assert waiting["items"] and waiting["failures"] >= 1, waiting
        assert flattrs_of(quick_stack, token) == []
        cdp = context.new_cdp_session(page)
        cdp.send("ServiceWorker.enable")
        cdp.send("ServiceWorker.stopAllWorkers")  # as Chromium stops an idle MV3 worker
        proxy.down = False
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not found:
            page.mouse.move(300, 300)
            page.mouse.wheel(0, 50)  # inputs wake the worker; its backoff decides when it sends
            page.wait_for_timeout(1500)
            found = [f for f in flattrs_of(quick_stack, token) if READING_HOST in f["url"]]
        assert found, "the reports made offline did not arrive"
    proxy.server.shutdown()
    assert user


def test_visits_are_sent_only_after_the_person_said_yes(
    quick_stack: Client, reading_page: str, tmp_path: Path
):
    """The popup's switch turns visits on (the build has ``history`` granted already, as if
    the person had answered the browser's prompt with yes, which no test can click); then a
    page read is sent as a visit too, with the seconds stayed on it."""
    _, token = quick_stack.sign_in("visiting-reader@example.org")
    device = quick_stack.request("POST", "/v1/me/devices", {"name": "visits"}, token=token)

    def visits_stored() -> list[str]:
        activity = quick_stack.request("GET", "/v1/me/export", token=token).json["activity"]
        return [a["key"] for a in activity if a["key"].startswith("vis#")]

    with chromium_with_extension(quick_stack.base, tmp_path, granted="history") as context:
        worker = service_worker(context)
        worker.evaluate(f"() => chrome.storage.local.set({{token: {device.json['token']!r}}})")
        page = context.new_page()
        page.goto(reading_page + "?before-consent")
        popup = context.new_page()
        popup.goto(f"chrome-extension://{extension_id(context)}/popup.html")
        popup.wait_for_timeout(500)
        assert popup.evaluate("() => chrome.runtime.sendMessage({type: 'flush'})")
        assert visits_stored() == []  # no visit before the yes
        popup.check("#visits")
        expect(popup.locator("#visits")).to_be_checked()
        popup.close()
        page.goto(reading_page + "?after-consent")
        for step in range(6):
            page.mouse.move(100 + step * 10, 200)
            page.mouse.wheel(0, 100)
            page.wait_for_timeout(1000)
        waiting = "async () => (await chrome.storage.local.get('visitsOutbox')).visitsOutbox"
        before = worker.evaluate(waiting)
        popup = context.new_page()
        popup.goto(f"chrome-extension://{extension_id(context)}/popup.html")
        popup.evaluate("() => chrome.runtime.sendMessage({type: 'flush'})")
        (visit,) = before["items"]
        assert visit["url"] == reading_page + "?after-consent", before
        today = worker.evaluate("async () => (await chrome.storage.local.get('today')).today")
        assert today["pages"][visit["url"]] - visit["base"] >= 4  # its dwell, as sent
        assert worker.evaluate(waiting)["items"] == []
    assert len(visits_stored()) == 1

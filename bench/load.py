"""Load test: ``python -m bench.load`` (``make load``), not part of ``make test``.

Simulated browser extensions report attention against the local stack (one it starts on a
free loopback port, or ``--url`` of a running ``make run``) for a bounded time and number
of requests, then stop by themselves. Each contributor has several devices, and its devices
read the same pages on the same day, so the server adds up one page-day from several
devices (their requests come together; the local gateway has a function's invocations
take turns, as one Lambda environment would). Besides the batched reports (``POST
/v1/attention``, as the extension's outbox sends them) the devices do what the popup does
(``GET /v1/resolve``, ``GET /v1/attention``, ``GET /v1/me/balance``) and now and then press
"Flattr now" on a page of its own (``POST /v1/flattrs``).

Printed: p50 and p99 latency per route, the answers by status, and the check that no
report was lost: for every (contributor, page), the seconds the server counted today
equal the seconds its devices sent and had accepted. A 503 is resent after its
Retry-After with the same event ids, as the extension does (so it cannot count twice), and
is counted apart. The local emulator serialises requests, so the latencies are the local
stack's, not AWS's: the run is for finding errors and lost data. Threads stand in for the
devices (the standard library's HTTP client; the emulator, not the client, is the limit).
Exits non-zero on any 5xx other than a 503, or any second lost.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

PAGES_PER_CONTRIBUTOR = 6
REPORTS_PER_BATCH = 8
MAX_RESENDS = 5


@dataclass
class Tally:
    """What the devices saw, shared between their threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    sent: Counter[tuple[str, str]] = field(default_factory=Counter)  # (token, url) -> s
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            self.statuses[(route, status)] += 1


def call(
    base: str, method: str, path: str, token: str, body: Any = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, dict(error.headers), json.loads(raw) if raw else None


def timed(
    tally: Tally, base: str, route: str, method: str, path: str, token: str, body: Any = None
) -> tuple[int, Any]:
    """One request, resent after Retry-After while it answers 503 (the same body: the
    same event ids)."""
    for _ in range(MAX_RESENDS):
        start = time.perf_counter()
        status, headers, answer = call(base, method, path, token, body)
        tally.note(route, status, time.perf_counter() - start)
        if status != 503:
            return status, answer
        time.sleep(float(headers.get("Retry-After", "1")))
    return status, answer


def pages_of(contributor: int) -> list[str]:
    return [f"https://blog{contributor}.example.org/post-{p}" for p in range(PAGES_PER_CONTRIBUTOR)]


def device(
    tally: Tally, base: str, token: str, contributor: int, name: str, stop: float, budget: int
) -> None:
    """One extension: batches of reports on its contributor's pages, and the popup."""
    chance = random.Random(f"{contributor}-{name}")
    pages = pages_of(contributor)
    while time.monotonic() < stop:
        with tally.lock:
            if tally.requests >= budget:
                return
            tally.requests += 1
        roll = chance.random()
        page = chance.choice(pages)
        if roll < 0.75:
            report(tally, base, token, name, chance, pages)
        elif roll < 0.85:
            timed(
                tally, base, "GET /v1/attention", "GET", f"/v1/attention?url={quote(page)}", token
            )
        elif roll < 0.93:
            timed(tally, base, "GET /v1/resolve", "GET", f"/v1/resolve?url={quote(page)}", token)
        elif roll < 0.98:
            timed(tally, base, "GET /v1/me/balance", "GET", "/v1/me/balance", token)
        else:  # "Flattr now" on a page no report names (it moves that page-day's count)
            body = {
                "event_id": str(uuid.uuid4()),
                "url": f"https://pressed{contributor}.example.org/{name}",
            }
            timed(tally, base, "POST /v1/flattrs", "POST", "/v1/flattrs", token, body)


def report(
    tally: Tally, base: str, token: str, name: str, chance: random.Random, pages: list[str]
) -> None:
    now = datetime.now(UTC).isoformat()
    reports: list[dict[str, Any]] = [
        {
            "event_id": str(uuid.uuid4()),
            "url": chance.choice(pages),
            "kind": "text",
            "active_seconds": chance.randint(1, 15),
            "at": now,
        }
        for _ in range(REPORTS_PER_BATCH)
    ]
    body = {"device_id": name, "reports": reports}
    status, answer = timed(tally, base, "POST /v1/attention", "POST", "/v1/attention", token, body)
    if status != 200:
        return
    refused = {r["event_id"] for r in answer["rejected"]}
    with tally.lock:
        for r in reports:
            if r["event_id"] not in refused:
                tally.sent[(token, r["url"])] += r["active_seconds"]


def sign_in(base: str, contributors: int) -> list[str]:
    tokens = []
    for n in range(contributors):
        request = urllib.request.Request(
            f"{base}/_local/users",
            data=json.dumps({"email": f"load-{n}-{uuid.uuid4().hex[:6]}@example.org"}).encode(),
            method="POST",
        )
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as answer:
            tokens.append(json.loads(answer.read())["token"])
    return tokens


def lost_seconds(tally: Tally, base: str) -> list[str]:
    """Every (contributor, page) whose count today differs from what its devices sent."""
    wrong = []
    for (token, url), sent in sorted(tally.sent.items()):
        status, _, today = call(base, "GET", f"/v1/attention?url={quote(url)}", token)
        counted = today["seconds"] if status == 200 else None
        if counted != sent:
            wrong.append(f"{url}: sent {sent} s, counted {counted}")
    return wrong


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(tally: Tally, elapsed: float, lost: list[str]) -> bool:
    print(f"{tally.requests} requests in {elapsed:.1f} s (the local stack's latencies, not AWS's)")
    print(f"{'route':<22} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for route, times in sorted(tally.latencies.items()):
        statuses = ", ".join(
            f"{status}: {count}"
            for (r, status), count in sorted(tally.statuses.items())
            if r == route
        )
        print(
            f"{route:<22} {len(times):>6} {statistics.median(times) * 1000:>8.0f} "
            f"{percentile(times, 0.99) * 1000:>8.0f}  {statuses}"
        )
    server_errors = sum(c for (_, s), c in tally.statuses.items() if s >= 500 and s != 503)
    busy = sum(c for (_, s), c in tally.statuses.items() if s == 503)
    seconds = sum(tally.sent.values())
    print(f"5xx (503 apart): {server_errors}; 503 resent after Retry-After: {busy}")
    print(
        f"seconds sent and accepted: {seconds} over {len(tally.sent)} page-days; "
        f"lost or extra: {len(lost)}"
    )
    for line in lost[:10]:
        print(f"  {line}")
    return server_errors == 0 and not lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running local stack (default: start one)")
    parser.add_argument("--contributors", type=int, default=6)
    parser.add_argument("--devices", type=int, default=3, help="per contributor")
    parser.add_argument("--seconds", type=float, default=60.0, help="at most this long")
    parser.add_argument("--requests", type=int, default=1500, help="at most this many")
    args = parser.parse_args()
    with ExitStack() as running:
        base = args.url or running.enter_context(own_stack())
        tokens = sign_in(base, args.contributors)
        tally = Tally()
        start = time.monotonic()
        stop = start + args.seconds
        with ThreadPoolExecutor(args.contributors * args.devices) as pool:
            jobs = [
                pool.submit(device, tally, base, token, n, f"device-{n}-{d}", stop, args.requests)
                for n, token in enumerate(tokens)
                for d in range(args.devices)
            ]
            for job in jobs:
                job.result()
        elapsed = time.monotonic() - start
        ok = summary(tally, elapsed, lost_seconds(tally, base))
    sys.exit(0 if ok else 1)


@contextmanager
def own_stack() -> Iterator[str]:
    """A local stack of the load test's own, on a free loopback port, stopped at the end."""
    from local.process import start_stack, stop_stack, wait_healthy
    from local.stack import free_port

    port = free_port()
    process = start_stack(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        stop_stack(process)


if __name__ == "__main__":
    main()

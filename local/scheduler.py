"""Fires the scheduled jobs on their schedules, measured on the stack's clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.common import clock
from functions.deployment import JOBS, Job

log = logging.getLogger("local.scheduler")


class Scheduler:
    def __init__(self, run_job: Callable[[Job, dict[str, Any]], Any], tick: float = 1.0) -> None:
        self._run_job = run_job
        self._tick = tick
        self._stop = threading.Event()
        self._last: datetime = clock.now()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def fire_due(self) -> list[tuple[str, datetime]]:
        """Run every job whose fire time passed since the last check, in time order."""
        with self._lock:
            now = clock.now()
            due = []
            for job in JOBS:
                times = job.schedule.fire_times(self._last, now)
                due += [(when, job) for when in job.missed_runs(times)]
            due.sort(key=lambda item: item[0])
            self._last = now
            fired = []
            for when, job in due:
                try:
                    self._run_job(job, {"job": job.name, "scheduled_at": when.isoformat()})
                except Exception:
                    log.exception("scheduled job %s failed", job.name)
                fired.append((job.name, when))
            return fired

    def _loop(self) -> None:
        while not self._stop.wait(self._tick):
            self.fire_due()

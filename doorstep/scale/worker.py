"""Latency through the real worker: `manage.py run_worker` started as its own process against the same database.

The lone-worker alert (SAF-3) travels: visit deadline passes -> the next periodic sweep is enqueued by the
scheduler (every DOORSTEP_SWEEP_SECONDS, checked every second) -> a task worker picks it up (it polls every
second) -> the sweep's check writes the manager's notification. Until visits exist (issue 5) the benchmark
measures the part every time-based rule shares: how often the sweep really runs, and how long from its
enqueueing to its end. The worst case for an alert is one interval plus that delay.
"""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

SWEEP_TASK = "doorstep.escalations.tasks.sweep"


class WorkerProcess:
    """`manage.py run_worker` in a process of its own, stopped (by its own id) on leaving."""

    def __init__(self, env: dict | None = None):
        self.env = {**os.environ, **(env or {})}
        self.process = None

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker"], env=self.env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return False


def sweep_pickup(context=None, *, sweeps: int = 2, timeout: float | None = None) -> dict:
    from django_tasks_db.models import DBTaskResult

    from doorstep.core.schedule import SWEEP_SECONDS

    timeout = timeout or SWEEP_SECONDS * sweeps + 60
    since = timezone.now() - timedelta(seconds=1)
    with WorkerProcess() as worker:
        deadline = time.monotonic() + timeout
        finished = []
        while time.monotonic() < deadline:
            finished = list(DBTaskResult.objects.filter(task_path=SWEEP_TASK, enqueued_at__gte=since,
                                                        finished_at__isnull=False).order_by("enqueued_at"))
            if len(finished) >= sweeps:
                break
            time.sleep(0.5)
        if len(finished) < 2:
            raise RuntimeError(f"The worker finished {len(finished)} sweep(s) in {timeout:.0f} s:\n"
                               + worker.output())
    gaps = [(b.enqueued_at - a.enqueued_at).total_seconds() for a, b in zip(finished, finished[1:])]
    pickups = [(r.started_at - r.enqueued_at).total_seconds() for r in finished]
    runs = [(r.finished_at - r.started_at).total_seconds() for r in finished]
    interval = max(gaps)
    # The scheduler looks for due jobs once a second, so a job may be enqueued up to a second late.
    worst = interval + 1.0 + max(pickups) + max(runs)
    return {"sweep_seconds_setting": SWEEP_SECONDS, "sweeps": len(finished), "interval_s": round(interval, 2),
            "pickup_s": round(max(pickups), 3), "run_s": round(max(runs), 3),
            "typical_s": round(interval / 2 + 0.5 + statistics.median(pickups) + statistics.median(runs), 2),
            "worst_s": round(worst, 2)}


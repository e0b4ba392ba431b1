"""Latency through the real worker: `manage.py run_worker` started as its own process against the same database.

- `sweep_pickup`: how often the general sweep really runs, and how long from its enqueueing to its end: the worst
  delay of a deadline that only the sweep acts on is one interval plus that.
- `lone_worker_chain` (SAF-3): since issue 16 each alarm is queued for its own due moment on the `alarms` queue
  (the sweeps are the safety net); this measures due moment -> the line manager's notification row.
- `pdf_export` (issue 15): asking for the chronology's PDF -> the worker has it ready.
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
from django.db import models
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



def _worker_ready(seconds: float = 6.0) -> None:
    """Give the worker time to start its loops and settle into its schedule before the first deadline."""
    time.sleep(seconds)


BENCH_VISIT = "Bench: the lone-worker chain"  # the visit's own purpose field (a person's words), not an audit purpose


def lone_worker_chain(context=None, *, visits: int = 6, spread: float = 1.3, lead: float = 4.0,
                      timeout: float = 90.0) -> dict:
    """SAF-3 through the real worker: visits in progress whose line-manager step falls due at moments spread over a
    sweep interval, each queued for its moment as `visits.services._schedule` does (issue 16); the seconds from
    each due moment to the manager's notification row. Every row made is deleted afterwards."""
    from doorstep.agencies.models import Professional
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.families.models import Involvement
    from doorstep.notifications.models import Notification
    from doorstep.visits.models import ChainStep, Visit, VisitStatus
    from doorstep.visits.tasks import alarm_due

    # One visit in progress per worker at most: a worker each, each with a family their agency is involved with.
    workers = list(Professional.objects.filter(role="practitioner", is_active=True, line_manager__isnull=False,
                                               line_manager__is_active=True)
                   .exclude(visits__status=VisitStatus.IN_PROGRESS).order_by("id")[:visits])
    families = {w.pk: Involvement.objects.filter(agency_id=w.agency_id, ended_on__isnull=True)
                .order_by("id").values_list("family_id", flat=True).first() for w in workers}
    made: list[int] = []
    keys: dict[int, str] = {}
    try:
        with WorkerProcess() as process:
            _worker_ready()
            start = timezone.now()
            due_at = {}
            for n, worker in enumerate(workers):
                due = start + timedelta(seconds=lead + n * spread)
                visit = Visit.objects.create(
                    family_id=families[worker.pk], worker=worker, agency_id=worker.agency_id, planned_start=start,
                    planned_minutes=30, at_home=False, venue="Bench", purpose=BENCH_VISIT,
                    contingency="Bench", status=VisitStatus.IN_PROGRESS, started_at=start, expected_back=due,
                    chain=[{"step": ChainStep.LINE_MANAGER, "minutes": 0}], next_step=0, next_alert_at=due)
                made.append(visit.pk)
                keys[visit.pk] = f"visit:{visit.pk}:r{visit.alarm_round}:{ChainStep.LINE_MANAGER}"
                due_at[visit.pk] = due
                alarm_due.using(run_after=due).enqueue(visit.pk)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                told = dict(Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key")
                            .annotate(first=models.Min("created_at")).order_by())
                if len(told) == len(workers):
                    break
                time.sleep(0.25)
            else:
                raise RuntimeError(f"{len(told)} of {len(workers)} lone-worker alerts in {timeout:.0f} s:\n"
                                   + process.output())
        delays = sorted((told[keys[pk]] - due_at[pk]).total_seconds() for pk in made)
        return {"visits": len(workers), "median_s": round(statistics.median(delays), 2), "min_s": round(delays[0], 2),
                "worst_s": round(delays[-1], 2), "delays_s": [round(d, 2) for d in delays]}
    finally:
        Notification.objects.filter(dedupe_key__in=keys.values()).delete()
        ChronologyEntry.objects.filter(source_type="visits.Visit", source_id__in=[str(pk) for pk in made]).delete()
        Visit.objects.filter(pk__in=made).delete()


def pdf_export(context, *, repeat: int = 3, timeout: float = 120.0) -> dict:
    """Issue 15: the largest family's chronology as a PDF, asked for as the page does (a POST, committed), made by
    the real worker: seconds from asking to ready (the row's own times), each of `repeat` times. The exports and
    their notifications are deleted afterwards."""
    from doorstep.chronology.models import ChronologyExport, ExportState
    from doorstep.notifications.models import Notification

    from .bench import client_for
    from .measures import Subject

    subject = Subject(**context["subjects"][0])
    client = client_for(subject)
    asked, made = [], []
    try:
        with WorkerProcess() as process:
            _worker_ready()
            for _ in range(repeat):
                t = time.perf_counter()
                response = client.post(f"/chronology/families/{subject.family_id}/chronology.pdf")
                post_s = time.perf_counter() - t
                if response.status_code != 302:
                    raise RuntimeError(f"Asking for the PDF answered {response.status_code}")
                export_id = int(response["Location"].rstrip("/").split("/")[-1])
                made.append(export_id)
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    export = ChronologyExport.objects.defer("content").get(pk=export_id)
                    if export.state in (ExportState.READY, ExportState.FAILED):
                        break
                    time.sleep(0.1)
                if export.state != ExportState.READY:
                    raise RuntimeError(f"The PDF was not ready in {timeout:.0f} s ({export.state} {export.error}):\n"
                                       + process.output())
                asked.append({"ready_s": round((export.ready_at - export.created_at).total_seconds(), 2),
                              "queue_s": round((export.started_at - export.created_at).total_seconds(), 2),
                              "post_ms": round(post_s * 1000, 1), "entries": export.total, "pages": export.pages})
    finally:
        for export in ChronologyExport.objects.filter(pk__in=made).defer("content"):
            Notification.objects.filter(recipient_id=export.requested_by_id,
                                        link=f"/chronology/families/{export.family_id}/exports/{export.pk}/").delete()
        ChronologyExport.objects.filter(pk__in=made).delete()
    ready = sorted(a["ready_s"] for a in asked)
    return {"repeat": repeat, "median_s": statistics.median(ready), "worst_s": ready[-1], "runs": asked}

"""Worker heartbeats: written by `manage.py run_worker`, read by the web process (issue 16).

SAF-3 and every protocol deadline depend on a worker running. Each worker process keeps one `WorkerHeartbeat` row
fresh; when the newest is older than `max_age_seconds`, nobody is watching the alarms.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from importlib import metadata

from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat

log = logging.getLogger("doorstep.worker")

# Rows of workers not seen for this long are deleted, so the table holds the recent processes only.
FORGET_AFTER = timedelta(days=7)


def doorstep_version() -> str:
    try:
        return metadata.version("doorstep")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return ""


# --- selectors (read by the web process) ---

def heartbeat_latest() -> WorkerHeartbeat | None:
    """The most recently seen worker, or None when no worker has ever run."""
    return WorkerHeartbeat.objects.order_by("-last_seen").first()


def monitoring_is_running(max_age_seconds: int = 60) -> bool:
    """True while some worker has written its heartbeat within the last `max_age_seconds`."""
    since = timezone.now() - timedelta(seconds=max_age_seconds)
    return WorkerHeartbeat.objects.filter(last_seen__gte=since, stopped_at__isnull=True).exists()


# --- services (called by the worker) ---

def heartbeat_start(*, host: str | None = None, pid: int | None = None) -> WorkerHeartbeat:
    """Record that this worker process started; returns its row, to be refreshed by `heartbeat_beat`."""
    now = timezone.now()
    WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()
    return WorkerHeartbeat.objects.create(
        host=(host or socket.gethostname())[:255], pid=pid if pid is not None else os.getpid(),
        version=doorstep_version(), started_at=now, last_seen=now)


def heartbeat_beat(*, heartbeat_id: int, tasks_done: int = 0, sweep_finished_at: datetime | None = None) -> None:
    """Refresh a worker's row: it is alive now, has finished `tasks_done` more tasks, maybe a sweep."""
    changes = {"last_seen": timezone.now()}
    if tasks_done:
        changes["tasks_done"] = F("tasks_done") + tasks_done
    if sweep_finished_at is not None:
        changes["last_sweep_finished_at"] = sweep_finished_at
    WorkerHeartbeat.objects.filter(pk=heartbeat_id).update(**changes)


def heartbeat_stop(*, heartbeat_id: int) -> None:
    """A worker stopping cleanly says so, so that its absence shows at once rather than after max_age."""
    now = timezone.now()
    WorkerHeartbeat.objects.filter(pk=heartbeat_id).update(last_seen=now, stopped_at=now)


class HeartbeatRecorder:
    """The worker's heartbeat thread: counts the tasks this process finishes and writes them every `every` seconds.

    A sweep is one of the periodic jobs of core/schedule.py finishing without an error; its time is recorded as
    `last_sweep_finished_at`. A database error is logged and the beat tried again on the next tick.
    """

    def __init__(self, *, every: float, stop: threading.Event, outage=None):
        from .schedule import SCHEDULE

        self.every = every
        self.outage = outage  # core.worker.Outage: logs a database outage once for the whole process
        self._stop = stop
        self._lock = threading.Lock()
        self._tasks_done = 0
        self._sweep_finished_at: datetime | None = None
        self._sweep_paths = {path for _name, _every, path in SCHEDULE}
        self.heartbeat_id: int | None = None
        self._thread = threading.Thread(target=self._run, name="doorstep-heartbeat", daemon=True)

    def task_finished(self, sender=None, task_result=None, **kwargs) -> None:
        from django_tasks import TaskResultStatus

        with self._lock:
            self._tasks_done += 1
            if (task_result is not None and task_result.status == TaskResultStatus.SUCCESSFUL
                    and task_result.task.module_path in self._sweep_paths):
                self._sweep_finished_at = timezone.now()

    def start(self) -> None:
        from django_tasks.signals import task_finished

        task_finished.connect(self.task_finished, dispatch_uid=f"doorstep-heartbeat-{id(self)}")
        self._thread.start()

    def stop(self) -> None:
        from django_tasks.signals import task_finished

        task_finished.disconnect(dispatch_uid=f"doorstep-heartbeat-{id(self)}")
        self._stop.set()
        self._thread.join(timeout=self.every + 5)
        if self.heartbeat_id is not None:
            try:
                self.beat()
                heartbeat_stop(heartbeat_id=self.heartbeat_id)
            except Exception:  # noqa: BLE001  (stopping anyway; the row then simply ages)
                log.warning("Could not record the worker's stop", exc_info=True)
            finally:
                connection.close()

    def beat(self) -> None:
        if self.heartbeat_id is None:
            self.heartbeat_id = heartbeat_start().pk
        with self._lock:
            done, self._tasks_done = self._tasks_done, 0
            swept, self._sweep_finished_at = self._sweep_finished_at, None
        try:
            heartbeat_beat(heartbeat_id=self.heartbeat_id, tasks_done=done, sweep_finished_at=swept)
        except Exception:
            with self._lock:  # not written: count them on the next beat
                self._tasks_done += done
                self._sweep_finished_at = self._sweep_finished_at or swept
            raise

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
                if self.outage is not None:
                    self.outage.ok()
            except Exception as exc:  # noqa: BLE001  (the database may be briefly unavailable; try again)
                if self.outage is not None:
                    self.outage.failed("heartbeat", exc)
                else:
                    log.warning("Worker heartbeat not recorded: %s", exc)
                try:
                    connection.close()
                except Exception:  # noqa: BLE001
                    connection.connection = None
            finally:
                close_old_connections()
            self._stop.wait(self.every)

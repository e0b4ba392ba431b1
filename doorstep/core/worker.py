"""The inside of `manage.py run_worker` (issue 16): a worker that does not die, and alarms that never wait.

One process runs several loops, each in its own thread, each with its own database connection:

- **alarms**: the django-tasks queue `alarms` only: the lone-working alarm sweep (SAF-3), overdue escalations and the
  tasks scheduled for an alarm's or a deadline's due moment. Nothing else runs in it, so no e-mail can delay an alarm.
- **email** (`DOORSTEP_EMAIL_THREADS`, default 4): the queue `email`, e-mails in parallel, each with the short
  `EMAIL_TIMEOUT`, so a slow or hanging mail server holds only these threads.
- **general**: every other queue (the escalation sweep, the catch-up jobs).
- the **scheduler** (core/schedule.py) and the **heartbeat** (core/heartbeat.py).

Losing the database (a dropped connection, a PostgreSQL restart) never ends a loop: the broken connection is closed,
the loop waits (0.5 s, doubling to 5 s) and reconnects; the outage is logged once when it starts and once when it
ends. The process ends only on SIGTERM or SIGINT (a second signal ends it at once).
"""

import logging
import signal
import sys
import threading
import time

from django.db import DatabaseError, InterfaceError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

log = logging.getLogger("doorstep.worker")

ALARMS_QUEUE = "alarms"
EMAIL_QUEUE = "email"
DEFAULT_QUEUE = "default"
QUEUES = [DEFAULT_QUEUE, ALARMS_QUEUE, EMAIL_QUEUE]

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 5.0


class Outage:
    """One record of "the database is unavailable", shared by every loop of the process: logged once per outage."""

    def __init__(self):
        self._lock = threading.Lock()
        self.since: float | None = None

    def failed(self, where: str, exc: BaseException) -> None:
        with self._lock:
            if self.since is None:
                self.since = time.monotonic()
                log.error("Database unavailable (%s: %s: %s); the worker keeps retrying", where,
                          type(exc).__name__, exc)

    def ok(self) -> None:
        if self.since is None:
            return
        with self._lock:
            if self.since is not None:
                log.warning("Database available again after %.1f s", time.monotonic() - self.since)
                self.since = None


def close_broken_connection() -> None:
    """Drop this thread's connection whatever state it is in; the next query opens a new one."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001  (a connection that cannot even close is simply discarded)
        connection.connection = None
    connection.in_atomic_block = False
    connection.needs_rollback = False
    connection.atomic_blocks = []
    connection.savepoint_ids = []


class QueueLoop(Worker):
    """django-tasks-db's worker loop for some queues, made to survive the database going away."""

    def __init__(self, *, name: str, queue_names: list[str], stop: threading.Event, outage: Outage,
                 interval: float = 0.5, excluded_queue_names: list[str] | None = None):
        super().__init__(queue_names=queue_names, interval=interval, batch=False, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id=f"{name}-{get_random_string(16)}"[:64],
                         excluded_queue_names=excluded_queue_names or [])
        self.name = name
        self.stop_event = stop
        self.outage = outage

    def _claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
            except DatabaseError as exc:
                if is_locked_database_exception(exc):  # SQLite busy: try again shortly
                    return None
                raise

    def run(self) -> None:
        backoff = BACKOFF_FIRST
        while not self.stop_event.is_set():
            try:
                close_old_connections()
                task_result = self._claim()
                self.outage.ok()
                backoff = BACKOFF_FIRST
                if task_result is not None:
                    self.run_task(task_result)
                    close_old_connections()
                    continue
            except (DatabaseError, InterfaceError) as exc:
                self.outage.failed(self.name, exc)
                close_broken_connection()
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            except Exception:  # noqa: BLE001  (a bug in one task must not end the loop)
                log.exception("%s: unexpected error in the task loop", self.name)
                close_broken_connection()
            self.stop_event.wait(self.interval)


def periodic(*, name: str, every: float, stop: threading.Event, outage: Outage, call) -> threading.Thread:
    """A thread that calls `call()` every `every` seconds until stopped, surviving database outages."""

    def loop():
        while not stop.is_set():
            try:
                call()
                outage.ok()
            except (DatabaseError, InterfaceError) as exc:
                outage.failed(name, exc)
                close_broken_connection()
            except Exception:  # noqa: BLE001
                log.exception("%s failed", name)
            finally:
                close_old_connections()
            stop.wait(every)

    return threading.Thread(target=loop, name=f"doorstep-{name}", daemon=True)


class WorkerProcess:
    """Every loop of one worker process; `run()` returns when a signal asks it to stop."""

    def __init__(self, *, tick: float = 1.0, email_threads: int = 4, heartbeat_every: float = 5.0):
        from .heartbeat import HeartbeatRecorder
        from .scheduler import schedule_enqueue_due

        self.stop = threading.Event()
        self.outage = Outage()
        self.loops = [
            QueueLoop(name="alarms", queue_names=[ALARMS_QUEUE], stop=self.stop, outage=self.outage, interval=0.25),
            *[QueueLoop(name=f"email-{n}", queue_names=[EMAIL_QUEUE], stop=self.stop, outage=self.outage)
              for n in range(1, max(email_threads, 1) + 1)],
            QueueLoop(name="general", queue_names=["*"], excluded_queue_names=[ALARMS_QUEUE, EMAIL_QUEUE],
                      stop=self.stop, outage=self.outage),
        ]
        self.threads = [threading.Thread(target=loop.run, name=f"doorstep-{loop.name}", daemon=True)
                        for loop in self.loops]
        self.threads.append(periodic(name="scheduler", every=tick, stop=self.stop, outage=self.outage,
                                     call=schedule_enqueue_due))
        self.recorder = HeartbeatRecorder(every=heartbeat_every, stop=self.stop, outage=self.outage)

    def _signal(self, signum, frame) -> None:
        if self.stop.is_set():
            log.warning("Received %s again: stopping now", signal.strsignal(signum))
            sys.exit(1)
        log.warning("Received %s: finishing the tasks in hand, then stopping", signal.strsignal(signum))
        self.stop.set()

    def run(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._signal)
        self.recorder.start()
        for thread in self.threads:
            thread.start()
        try:
            while not self.stop.is_set():
                self.stop.wait(1)
                for loop, thread in zip(self.loops, self.threads, strict=False):
                    if not thread.is_alive() and not self.stop.is_set():  # never expected; restart it anyway
                        log.error("The %s loop ended; starting it again", loop.name)
                        replacement = threading.Thread(target=loop.run, name=thread.name, daemon=True)
                        self.threads[self.threads.index(thread)] = replacement
                        replacement.start()
        finally:
            self.stop.set()
            for thread in self.threads:
                thread.join(timeout=30)
            self.recorder.stop()

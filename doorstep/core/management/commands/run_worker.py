import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

log = logging.getLogger("doorstep.worker")


class Command(BaseCommand):
    help = ("Run a Doorstep worker: the django-tasks database worker, plus the scheduler that enqueues the periodic "
            "jobs of doorstep/core/schedule.py. Start as many as you like: they never run a job twice.")

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="How often the scheduler looks for due jobs.")
        parser.add_argument("--heartbeat", type=float, default=None,
                            help="How often the worker records that it is alive (default: DOORSTEP_HEARTBEAT_SECONDS).")

    def handle(self, *args, tick: float, heartbeat: float | None, **options):
        from django.conf import settings

        from doorstep.core.heartbeat import HeartbeatRecorder
        from doorstep.core.scheduler import schedule_enqueue_due

        stop = threading.Event()
        recorder = HeartbeatRecorder(every=heartbeat or settings.DOORSTEP_HEARTBEAT_SECONDS, stop=stop)

        def scheduler():
            while not stop.is_set():
                try:
                    schedule_enqueue_due()
                except Exception as exc:  # noqa: BLE001  (the database may be briefly unavailable; try again)
                    self.stderr.write(f"scheduler: {exc}")
                finally:
                    close_old_connections()
                stop.wait(tick)

        recorder.start()
        thread = threading.Thread(target=scheduler, name="doorstep-scheduler", daemon=True)
        thread.start()
        self.stdout.write("Doorstep worker started: scheduler, heartbeat and task worker.")
        try:
            call_command("db_worker", "--no-reload", "--interval", "1", "--no-startup-delay", "--queue-name", "*")
        finally:
            stop.set()
            recorder.stop()
            time.sleep(0)


from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Run a Doorstep worker: alarms on their own thread, e-mails in a bounded pool, every other task, the "
            "scheduler of doorstep/core/schedule.py and a heartbeat (doorstep/core/worker.py). Start as many as you "
            "like: they never run a job twice. It survives database outages and stops only on SIGTERM or SIGINT.")

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=1.0, help="How often the scheduler looks for due jobs.")
        parser.add_argument("--heartbeat", type=float, default=None,
                            help="How often the worker records that it is alive (default: DOORSTEP_HEARTBEAT_SECONDS).")
        parser.add_argument("--email-threads", type=int, default=None,
                            help="How many e-mails are sent at once (default: DOORSTEP_EMAIL_THREADS).")

    def handle(self, *args, tick: float, heartbeat: float | None, email_threads: int | None, **options):
        from doorstep.core.worker import WorkerProcess

        # Issue 16: a production worker on a SQLite file of its own would watch nobody's alarms.
        if settings.PRODUCTION and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            raise CommandError("DATABASE_URL must be set when DOORSTEP_ENV=production: the worker will not fall back "
                               "to a SQLite file.")
        process = WorkerProcess(tick=tick, email_threads=email_threads or settings.DOORSTEP_EMAIL_THREADS,
                                heartbeat_every=heartbeat or settings.DOORSTEP_HEARTBEAT_SECONDS)
        self.stdout.write("Doorstep worker started: alarms, e-mail pool, general tasks, scheduler and heartbeat.")
        self.stdout.flush()
        process.run()
        self.stdout.write("Doorstep worker stopped.")

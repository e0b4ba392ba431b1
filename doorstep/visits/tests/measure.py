"""Measure the time from a visit's deadline to its first alert, with the demo worker's schedule (SAF-3).

    .venv/bin/python -m doorstep.visits.tests.measure [--visits 8] [--spread 7]

Makes a scratch SQLite database, starts visits whose deadlines fall every `spread` seconds (so they land at every
phase of the sweep), runs `manage.py run_worker` exactly as `make demo` does (DOORSTEP_SWEEP_SECONDS and
DOORSTEP_VISIT_SWEEP_SECONDS at their defaults unless set), and reports, per visit, the seconds from the deadline to
the first alert's notification row (what the person sees in Doorstep; the e-mail is queued on the same commit).
"""

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SETUP = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from datetime import timedelta
from django.utils import timezone
from doorstep.testing.factories import ProfessionalFactory
from doorstep.testing.world import build_world
from doorstep.visits import services
from doorstep.visits.models import Visit
from doorstep.visits.tests.helpers import plan
world = build_world()
count, spread, lead = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
start = timezone.now() + timedelta(seconds=lead)
for n in range(count):
    worker = ProfessionalFactory(username=f"measure{n}", agency=world.users["involved_practitioner"].agency,
                                 line_manager=world.users["involved_manager"])
    visit = services.visit_start(visit=plan(world, by=worker), by=worker, contact_number="07700 900123", minutes=5)
    deadline = start + timedelta(seconds=n * spread)
    Visit.objects.filter(pk=visit.pk).update(expected_back=deadline, next_alert_at=deadline)
    print(visit.pk, deadline.isoformat())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=8)
    parser.add_argument("--spread", type=float, default=7.0, help="seconds between deadlines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "measure.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}",
               "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        run = lambda *a: subprocess.run([sys.executable, *a], cwd=ROOT, env=env, check=True,  # noqa: E731
                                        capture_output=True, text=True).stdout
        run("manage.py", "migrate", "-v0")
        worker = subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(5)  # the worker is up and has settled into its schedule before the first deadline
            lines = run("-c", SETUP, str(args.visits), str(args.spread), "15").split("\n")
            deadlines = {int(v): datetime.fromisoformat(d) for v, d in (line.split() for line in lines if line)}
            end = max(deadlines.values())
            while datetime.now(UTC) < end or len(_first_alerts(path)) < len(deadlines):
                time.sleep(1)
                if (datetime.now(UTC) - end).total_seconds() > 120:
                    break
            first = _first_alerts(path)
        finally:
            worker.kill()
            worker.wait()
    interval = os.environ.get("DOORSTEP_VISIT_SWEEP_SECONDS", "10")
    delays = sorted((first[v] - d).total_seconds() for v, d in deadlines.items() if v in first)
    print(f"visit-alarms job every {interval} s (general sweep every "
          f"{os.environ.get('DOORSTEP_SWEEP_SECONDS', '20')} s); {len(delays)} of {len(deadlines)} alerted")
    print("seconds from deadline to first alert: " + ", ".join(f"{d:.1f}" for d in delays))
    print(f"min {delays[0]:.1f} s, median {statistics.median(delays):.1f} s, max {delays[-1]:.1f} s")


def _first_alerts(path: Path) -> dict:
    with sqlite3.connect(path, timeout=20) as db:
        rows = db.execute("SELECT v.id, MIN(n.created_at) FROM visits_visit v JOIN notifications_notification n "
                          "ON n.dedupe_key = 'visit:' || v.id || ':r1:reminder' GROUP BY v.id").fetchall()
    return {pk: datetime.fromisoformat(at).replace(tzinfo=UTC) for pk, at in rows}


if __name__ == "__main__":
    main()

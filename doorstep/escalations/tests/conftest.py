"""A database that separate worker processes can share, on whichever backend the suite runs.

PostgreSQL: the test database itself (tests using it are marked `django_db(transaction=True)`, so what the processes
commit is real and is flushed afterwards). SQLite: the suite's database lives in memory, so the processes share a
file copied from the test database as migrated (doorstep/testing/databases.py).
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from doorstep.testing.clock import python_on_clock
from doorstep.testing.databases import migrated_sqlite

ROOT = Path(settings.BASE_DIR)


def _env(url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT),
               DOORSTEP_DEBUG="0", LOG_LEVEL="CRITICAL")
    env.update({k: str(v) for k, v in extra.items()})
    return env


@dataclass
class WorkerDB:
    url: str

    def env(self, **extra) -> dict:
        return _env(self.url, **extra)

    def popen(self, *args: str, **extra) -> subprocess.Popen:
        return subprocess.Popen(python_on_clock(*args), cwd=ROOT, env=self.env(**extra), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)

    def procs(self, *args: str, **extra) -> subprocess.Popen:
        return self.popen("-m", "doorstep.escalations.tests.procs", *args, **extra)

    def run(self, *args: str, timeout: float = 120, **extra) -> dict | None:
        done = subprocess.run(python_on_clock("-m", "doorstep.escalations.tests.procs", *args), cwd=ROOT,
                              env=self.env(**extra), capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else None


@pytest.fixture(scope="session")
def _sqlite_template(request, tmp_path_factory):
    if migrated := migrated_sqlite(request.config):
        return migrated  # the test database as migrated, copied at the start of the session
    path = tmp_path_factory.mktemp("workerdb") / "template.sqlite3"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(f"sqlite:///{path}"),
                   check=True, timeout=300)
    return path


@pytest.fixture
def worker_db(request, tmp_path) -> WorkerDB:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return WorkerDB(f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}")
    path = tmp_path / "shared.sqlite3"
    shutil.copy(request.getfixturevalue("_sqlite_template"), path)
    return WorkerDB(f"sqlite:///{path}")

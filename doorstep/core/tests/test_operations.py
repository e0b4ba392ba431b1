"""Issue 17, proven on real PostgreSQL servers of our own (pgcluster.py), never the shared one: backup and restore
of the demo region's agencies, staff and families, a streaming read replica, and a slice of the suite through
PgBouncer in transaction mode.

Marked `operations`: `make test` runs them once (`make test-operations`), not in each of its two passes.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import pgcluster

pytestmark = pytest.mark.operations

ROOT = Path(__file__).resolve().parents[3]
# A slice of the suite that takes row locks, advisory locks (the audit chain), queues tasks and sends e-mail: what a
# transaction-mode pool could break.
PGBOUNCER_SLICE = [
    "doorstep/audit/tests/test_chain.py",
    "doorstep/visits/tests/test_scheduled.py",
    "doorstep/notifications/tests/test_email.py",
    "doorstep/core/tests/test_health.py",
]


# What these tests need of the demo region: its agencies, staff and families, with their involvements and audit trail
# (about 350 audit rows). The families' histories (contacts, markers, meetings, escalations ...) take as long again
# to load and add nothing that a backup, a replica or a pool treats differently.
LOAD_FAMILIES = """
from django.db import transaction
from doorstep.agencies import demo as agencies
from doorstep.core.demo import DemoRegion
from doorstep.families import demo as families
region = DemoRegion()
with transaction.atomic():
    agencies.load(region)
    families.load(region)
"""


def manage(database_url: str, *args: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, **env}
    environment.pop("DATABASE_REPLICA_URL", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def servers():
    root = pgcluster.scratch_directory("doorstep-ops-")
    started = []
    try:
        primary = pgcluster.primary(root / "clusters")
        started.append(primary)
        primary.sql("CREATE DATABASE doorstep_empty")
        result = manage(primary.url("doorstep_empty"), "migrate", "-v0")
        assert result.returncode == 0, result.stderr[-3000:]
        # The slice through PgBouncer gets an empty copy; the demo region's families go into another.
        # FILE_COPY: the copies are made on disk, not written through the WAL a page at a time.
        primary.sql("CREATE DATABASE test_doorstep TEMPLATE doorstep_empty STRATEGY FILE_COPY")
        primary.sql("CREATE DATABASE doorstep TEMPLATE doorstep_empty STRATEGY FILE_COPY")
        result = manage(primary.url("doorstep"), "shell", "-c", LOAD_FAMILIES)
        assert result.returncode == 0, result.stderr[-3000:]
        yield {"root": root, "primary": primary, "started": started}
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _row_counts(cluster, database: str) -> dict[str, int]:
    tables = cluster.sql("SELECT string_agg(quote_ident(tablename), ',' ORDER BY tablename) FROM pg_tables "
                         "WHERE schemaname = 'public'", database).split(",")
    counts = cluster.sql(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables), database)
    return {line.split("|")[0]: int(line.split("|")[1]) for line in counts.splitlines()}


def test_a_backup_of_the_demo_families_restores_with_the_same_rows_and_an_intact_audit_chain(servers):
    """docs/operations.md, "Back up" and "Restore", exactly as written there."""
    primary, root = servers["primary"], servers["root"]
    dump = root / "doorstep.dump"
    bin_ = pgcluster.pg_bin()
    subprocess.run([str(bin_ / "pg_dump"), "--format=custom", "--file", str(dump), primary.url("doorstep")],
                   check=True, capture_output=True)
    primary.sql("CREATE DATABASE doorstep_restored")
    subprocess.run([str(bin_ / "pg_restore"), "--exit-on-error", "--no-owner", "--dbname",
                    primary.url("doorstep_restored"), str(dump)], check=True, capture_output=True)

    before, after = _row_counts(primary, "doorstep"), _row_counts(primary, "doorstep_restored")
    assert before["audit_auditevent"] > 100 and before["families_family"] == 40
    assert after == before
    original = manage(primary.url("doorstep"), "audit_verify")
    restored = manage(primary.url("doorstep_restored"), "audit_verify")
    assert original.returncode == 0 and restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout.startswith("OK") and restored.stdout == original.stdout  # the same rows and the same head
    # The restored copy keeps the protection of the audit table (its triggers came with it).
    refused = subprocess.run([str(bin_ / "psql"), primary.url("doorstep_restored"), "-Xqc",
                              "DELETE FROM audit_auditevent WHERE id = (SELECT min(id) FROM audit_auditevent)"],
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "audit" in refused.stderr.lower()


def test_pages_that_only_read_use_a_streaming_replica_and_fall_back_to_the_primary(servers):
    replica = pgcluster.replica(servers["primary"], servers["root"] / "clusters")
    servers["started"].append(replica)
    env = {**os.environ, "DATABASE_URL": servers["primary"].url("doorstep"),
           "DATABASE_REPLICA_URL": replica.url("doorstep"), "DATABASE_REPLICA_MAX_LAG_SECONDS": "2",
           "DATABASE_REPLICA_CHECK_SECONDS": "0", "REPLICA_DIRECTORY": str(replica.directory)}
    result = subprocess.run([sys.executable, "-m", "doorstep.core.tests.replica_scenario"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert "replica scenario: passed" in result.stdout


def test_a_slice_of_the_suite_passes_through_pgbouncer_in_transaction_mode(servers):
    bouncer = pgcluster.pgbouncer(servers["primary"], servers["root"])
    servers["started"].append(bouncer)
    env = {**os.environ, "DATABASE_URL": bouncer.url("doorstep"), "DATABASE_PGBOUNCER": "1"}
    env.pop("DATABASE_REPLICA_URL", None)
    # --reuse-db: the test database (an empty copy made above) is kept, so Django never drops it through the pool.
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "--reuse-db", "-m", "not operations",
                             *PGBOUNCER_SLICE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    tail = result.stdout[-3000:]
    print(tail)
    assert result.returncode == 0, tail + result.stderr[-2000:]
    assert " passed" in tail and "failed" not in tail and "error" not in tail.lower()
    # The pool really was in between: PgBouncer's admin console lists the test database's pool.
    pools = subprocess.run([str(pgcluster.pg_bin() / "psql"), bouncer.url("pgbouncer"), "-XtAc", "SHOW POOLS"],
                           capture_output=True, text=True)
    assert "test_doorstep" in pools.stdout and "transaction" in pools.stdout, pools.stdout + pools.stderr

"""Read replicas against a real streaming replica (issue 17), run by test_operations.py in its own process:
    DATABASE_URL=<primary> DATABASE_REPLICA_URL=<replica> REPLICA_DIRECTORY=<its data directory> \
        python -m doorstep.core.tests.replica_scenario
with the demo region loaded on the primary. Exits non-zero with the failed assertion."""

import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import django


@contextmanager
def counting():
    from django.db import connections

    counts = {"default": [], "replica": []}

    def wrapper(alias):
        def run(execute, sql, params, many, context):
            counts[alias].append(sql)
            return execute(sql, params, many, context)
        return run

    with ExitStack() as stack:
        for alias in counts:
            stack.enter_context(connections[alias].execute_wrapper(wrapper(alias)))
        yield counts


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def caught_up(replicas):
    """Commit a transaction on the primary, then wait until the replica has replayed it. The replica's lag is
    "now minus the last replayed commit" whenever WAL is waiting, so after an idle spell any WAL that arrives
    (autovacuum, our own audit rows) makes it look as old as that spell; a fresh commit keeps the measure honest
    and the scenario from depending on what else the primary writes (CI failure, 2026-12-06)."""
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")
    wait_until(lambda: replicas.replica_lag_seconds() == 0)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from doorstep.agencies.models import Professional
    from doorstep.audit.models import AuditEvent
    from doorstep.core import replicas
    from doorstep.core.tests.pgcluster import Cluster
    from doorstep.families.models import Family
    from doorstep.notifications.models import Notification, NotificationKind

    assert "replica" in settings.DATABASES and settings.DATABASE_REPLICA_CHECK_SECONDS == 0
    replica = Cluster(Path(os.environ["REPLICA_DIRECTORY"]), int(settings.DATABASES["replica"]["PORT"]))
    worker = Professional.objects.get(username="health.practitioner")
    family = Family.objects.get(name__startswith="Evans")
    caught_up(replicas)

    client = Client()
    client.force_login(worker)
    audit_before = AuditEvent.objects.count()
    with counting() as queries:
        response = client.get(f"/families/{family.pk}/")
    assert response.status_code == 200, response.status_code
    assert "Evans" in response.content.decode()
    family_reads = [q for q in queries["replica"] if 'FROM "families_family"' in q]
    assert family_reads, "the case file read the family from the replica"
    assert not [q for q in queries["default"] if q.startswith("SELECT") and 'FROM "families_family"' in q], \
        "no family read on the primary"
    assert not [q for q in queries["replica"] if 'FROM "django_session"' in q], "the session is read on the primary"
    assert AuditEvent.objects.count() > audit_before, "the read left its audit row on the primary"
    print("  ok  the case file reads from the replica; its audit row goes to the primary")

    # A page that is not listed reads from the primary.
    with counting() as queries:
        assert client.get("/notifications/").status_code == 200
    assert not queries["replica"], queries["replica"][:3]
    print("  ok  pages not listed read from the primary")

    # Read-your-writes: in a request that has written, every later read goes to the primary.
    with replicas.request_scope(replica_allowed=True), counting() as queries:
        Family.objects.get(pk=family.pk)
        assert len(queries["replica"]) == 2  # the lag check and the read
        Notification.objects.create(recipient=worker, kind=NotificationKind.GENERAL, message="written")
        Family.objects.get(pk=family.pk)
        Notification.objects.filter(recipient=worker, message="written").get()
    assert len(queries["replica"]) == 2, queries["replica"]
    print("  ok  after a write, the request reads from the primary")

    # The replica falls behind: reads go to the primary until it catches up.
    replica.sql("SELECT pg_wal_replay_pause()")
    Notification.objects.create(recipient=worker, kind=NotificationKind.GENERAL, message="while paused")
    time.sleep(settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 0.5)
    lag = replicas.replica_lag_seconds()
    assert lag is not None and lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS, lag
    with counting() as queries:
        assert client.get(f"/families/{family.pk}/").status_code == 200
    assert not [q for q in queries["replica"] if "families_family" in q]
    assert [q for q in queries["default"] if 'FROM "families_family"' in q]
    print(f"  ok  a replica {lag:.1f} s behind is not used")
    replica.sql("SELECT pg_wal_replay_resume()")
    caught_up(replicas)
    with counting() as queries:
        assert client.get(f"/families/{family.pk}/").status_code == 200
    assert [q for q in queries["replica"] if 'FROM "families_family"' in q]
    print("  ok  caught up, it is used again")

    # The replica is down: the pages still work, from the primary.
    connections["replica"].close()
    replica.stop()
    with counting() as queries:
        response = client.get(f"/families/{family.pk}/")
    assert response.status_code == 200 and "Evans" in response.content.decode()
    assert [q for q in queries["default"] if 'FROM "families_family"' in q]
    print("  ok  with the replica down, reads fall back to the primary")
    replica.start()
    print("replica scenario: passed")


if __name__ == "__main__":
    main()

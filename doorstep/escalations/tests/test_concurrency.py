"""Two workers sweeping the same due rows at the same moment never duplicate an escalation or a notification.

Real processes against a real shared database: on PostgreSQL the sweep's claims are `select_for_update(skip_locked=
True)`; on SQLite each write transaction is exclusive. Both runs assert the same property.
"""

import json

import pytest
from django.db import connection

# Real worker processes on the test's clock, which runs (issue 12).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock(tick=True)]

FAMILIES = 40
OVERDUE = 15


def _both(worker_db, command: str, barrier) -> list[dict]:
    workers = [worker_db.procs(command, str(barrier)) for _ in range(2)]
    results = []
    for w in workers:
        out, err = w.communicate(timeout=240)
        assert w.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _assert_no_duplicates(report: dict) -> None:
    assert report["duplicate_keys"] == 0
    assert report["duplicate_active_keys"] == 0
    assert report["duplicate_notifications"] == 0
    assert report["raised_events_per_escalation"] == [1]
    assert report["overdue_events_per_escalation"] == [1]


def test_two_workers_sweeping_the_same_due_rows_never_duplicate(worker_db, tmp_path):
    worker_db.run("seed", str(FAMILIES), str(OVERDUE))
    results = _both(worker_db, "sweep", tmp_path)
    print("work split between the two workers:", [r["work"] for r in results])
    report = worker_db.run("report")
    _assert_no_duplicates(report)
    # Every family's 4th defaulted visit raised ESC-1 once, and ESC-3 for the health agency once.
    assert report["by_rule"]["ESC-1"] == FAMILIES and report["by_rule"]["ESC-3"] == FAMILIES
    assert report["overdue_escalated"] >= OVERDUE
    # The rows were shared between the workers, not done twice. (On PostgreSQL both claim rows side by side with
    # SKIP LOCKED; SQLite serialises writers, and one may take every row before the other gets the lock.)
    assert sum(r["work"] for r in results) >= FAMILIES + OVERDUE
    if connection.vendor == "postgresql":
        assert all(r["work"] > 0 for r in results)
    # ESC-1 notifies the worker and their manager once each; ESC-3 the worker and manager once each.
    assert report["notifications"] == report["escalations"] * 2 - OVERDUE + report["overdue_escalated"] * 2


def test_two_workers_evaluating_the_same_families_at_once_never_duplicate(worker_db, tmp_path):
    worker_db.run("seed", str(FAMILIES), "0")
    _both(worker_db, "evaluate_all", tmp_path)
    report = worker_db.run("report")
    _assert_no_duplicates(report | {"overdue_events_per_escalation": [1]})
    assert report["by_rule"] == {"ESC-1": FAMILIES, "ESC-3": FAMILIES}
    assert report["notifications"] == 4 * FAMILIES

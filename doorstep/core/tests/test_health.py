"""Issue 17: /healthz and /readyz for load balancers and monitoring: JSON, 200 or 503, cheap, no family data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorstep.core import health
from doorstep.core.heartbeat import heartbeat_start, heartbeat_stop
from doorstep.notifications.models import EmailState, Notification, NotificationKind


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no database access is allowed in this test: any query would fail it
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_is_503_without_a_worker_and_200_with_a_fresh_heartbeat(client, time_machine):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert body["checks"]["worker"]["ok"] is False

    beat = heartbeat_start(host="worker-1", pid=1)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"

    # 60 s without a heartbeat: the alarms are not watched (SAF-3), the instance is not ready.
    time_machine.shift(timedelta(seconds=61))
    assert client.get("/readyz").status_code == 503
    heartbeat_start(host="worker-2", pid=2)
    assert client.get("/readyz").status_code == 200
    heartbeat_stop(heartbeat_id=beat.pk)
    assert client.get("/readyz").status_code == 200  # the other worker still runs


def test_readyz_is_503_when_an_email_waits_longer_than_the_stuck_threshold(world, client, time_machine):
    heartbeat_start(host="worker-1", pid=1)
    recipient = world.users["involved_practitioner"]
    note = Notification.objects.create(recipient=recipient, kind=NotificationKind.GENERAL, message="Hello",
                                       email_state=EmailState.CREATED, email_next_attempt_at=timezone.now())
    # A retry waiting for its moment is not late.
    Notification.objects.create(recipient=recipient, kind=NotificationKind.GENERAL, message="Later",
                                email_state=EmailState.CREATED,
                                email_next_attempt_at=timezone.now() + timedelta(hours=1))
    assert client.get("/readyz").status_code == 200
    time_machine.shift(timedelta(seconds=30))
    heartbeat_start(host="worker-1", pid=1)
    body = client.get("/readyz").json()
    assert body["checks"]["email"]["ok"] is True and body["checks"]["email"]["oldest_waiting_seconds"] == 30.0

    time_machine.shift(timedelta(seconds=300))
    heartbeat_start(host="worker-1", pid=1)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["email"]["ok"] is False
    assert response.json()["checks"]["worker"]["ok"] is True

    Notification.objects.filter(pk=note.pk).update(email_state=EmailState.SENT)
    assert client.get("/readyz").status_code == 200


def test_readyz_takes_at_most_three_queries_and_says_nothing_about_families(world, client):
    heartbeat_start(host="worker-1", pid=1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert len(queries) <= 3, [q["sql"] for q in queries]
    text = response.content.decode()
    assert world.family.name not in text and "Testing" not in text
    assert set(response.json()["checks"]) == {"database", "migrations", "worker", "email"}


@pytest.mark.django_db
def test_readyz_counts_migrations_the_database_has_not_applied(client):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = '0001_initial'")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": 1}
    assert health.migrations_unapplied() == ["core.0001_initial"]

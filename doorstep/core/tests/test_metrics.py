"""Issue 17: /metrics in Prometheus' text format, behind a bearer token; the worker's state read from the database."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from doorstep.core.heartbeat import heartbeat_start
from doorstep.notifications.models import EmailState, Notification, NotificationKind
from doorstep.visits.models import VisitAlert
from doorstep.visits.scheduled import visit_alarm_sweep
from doorstep.visits.tests.helpers import started

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.DOORSTEP_METRICS_TOKEN = TOKEN

    def scrape() -> dict[str, list]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        samples: dict[str, list] = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append((sample.labels, sample.value))
        return samples

    return scrape


def value(samples, name, **labels):
    return next(v for got, v in samples[name] if all(got.get(k) == w for k, w in labels.items()))


@pytest.mark.django_db
def test_metrics_need_the_bearer_token(client, settings):
    settings.DOORSTEP_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404
    settings.DOORSTEP_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics")["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_requests_latency_and_queries_by_view(world, client, scrape):
    before = scrape()
    client.force_login(world.users["involved_practitioner"])
    assert client.get(f"/families/{world.family.pk}/").status_code == 200
    after = scrape()
    key = {"view": "families:detail", "method": "GET", "status": "200"}
    old = next((v for got, v in before.get("doorstep_http_requests_total", []) if got == key), 0)
    assert value(after, "doorstep_http_requests_total", **key) == old + 1
    assert value(after, "doorstep_http_request_duration_seconds_count", view="families:detail") >= 1
    assert value(after, "doorstep_db_queries_total", view="families:detail", database="default") > 0
    # The scrape itself is not counted as traffic.
    assert not [got for got, _v in after["doorstep_http_requests_total"] if got["view"] == "metrics"]


@pytest.mark.clock("2026-11-24 14:00")
def test_lone_working_alarm_latency_after_a_visit_goes_overdue(world, scrape, time_machine):
    """Done when: /metrics shows the alarm latency after a visit goes overdue (SAF-3)."""
    started(world, minutes=30)
    time_machine.shift(timedelta(minutes=30, seconds=4))  # the sweep runs 4 s after the reminder was due
    assert visit_alarm_sweep(now=timezone.now()) == 1
    alert = VisitAlert.objects.get()
    assert (alert.fired_at - alert.due_at) == timedelta(seconds=4)
    samples = scrape()
    step = alert.step
    assert value(samples, "doorstep_lone_working_alert_latency_seconds_count", step=step) == 1
    assert value(samples, "doorstep_lone_working_alert_latency_seconds_sum", step=step) == 4.0
    assert value(samples, "doorstep_lone_working_alert_latency_seconds_bucket", step=step, le="1.0") == 0
    assert value(samples, "doorstep_lone_working_alert_latency_seconds_bucket", step=step, le="5.0") == 1


def test_queue_emails_and_workers_from_the_database(world, scrape, time_machine):
    from doorstep.notifications.tasks import deliver_email

    recipient = world.users["involved_practitioner"]
    Notification.objects.create(recipient=recipient, kind=NotificationKind.GENERAL, message="a",
                                email_state=EmailState.SENT, email_sent_at=timezone.now())
    Notification.objects.create(recipient=recipient, kind=NotificationKind.GENERAL, message="b",
                                email_state=EmailState.FAILED)
    stuck = Notification.objects.create(recipient=recipient, kind=NotificationKind.GENERAL, message="c",
                                        email_state=EmailState.SENDING, email_claimed_at=timezone.now())
    deliver_email.enqueue(stuck.pk)
    time_machine.shift(timedelta(seconds=400))
    samples = scrape()
    assert value(samples, "doorstep_email_outbox", outbox="notifications", state="sent") == 1
    assert value(samples, "doorstep_email_outbox", outbox="notifications", state="failed") == 1
    assert value(samples, "doorstep_email_outbox_stuck", outbox="notifications") == 1
    assert value(samples, "doorstep_task_queue_depth") == 1
    assert value(samples, "doorstep_task_queue_oldest_due_seconds") == pytest.approx(400, abs=1)
    assert value(samples, "doorstep_workers_running") == 0
    assert value(samples, "doorstep_worker_heartbeat_age_seconds") == -1
    assert value(samples, "doorstep_sweep_runs_last_hour", job="escalation-sweep") == 0

    heartbeat_start(host="w", pid=1)
    time_machine.shift(timedelta(seconds=5))
    samples = scrape()
    assert value(samples, "doorstep_workers_running") == 1
    assert value(samples, "doorstep_worker_heartbeat_age_seconds") == pytest.approx(5, abs=0.5)


def test_sweep_durations_and_failures_by_job(world, scrape, time_machine):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    common = {"args_kwargs": {"args": [], "kwargs": {}}, "backend_name": "default", "queue_name": "default",
              "run_after": now, "task_path": "doorstep.escalations.tasks.sweep"}
    DBTaskResult.objects.create(status=TaskResultStatus.SUCCESSFUL, started_at=now - timedelta(seconds=3),
                                finished_at=now - timedelta(seconds=1), **common)
    DBTaskResult.objects.create(status=TaskResultStatus.FAILED, started_at=now - timedelta(seconds=6),
                                finished_at=now, exception_class_path="builtins.ValueError", **common)
    time_machine.shift(timedelta(seconds=1))
    samples = scrape()
    assert value(samples, "doorstep_sweep_runs_last_hour", job="escalation-sweep") == 2
    assert value(samples, "doorstep_sweep_failures_last_hour", job="escalation-sweep") == 1
    assert value(samples, "doorstep_sweep_duration_max_seconds", job="escalation-sweep") == 6.0
    assert value(samples, "doorstep_sweep_duration_mean_seconds", job="escalation-sweep") == 4.0
    assert value(samples, "doorstep_sweep_failures_last_hour", job="visit-alarms") == 0

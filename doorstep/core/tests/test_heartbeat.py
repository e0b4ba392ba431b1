"""Issue 16: each worker records a heartbeat; the web process knows when nobody is watching the alarms (SAF-3)."""

import threading
from datetime import timedelta

import pytest
from django_tasks import TaskResultStatus

from doorstep.core.heartbeat import (
    HeartbeatRecorder, heartbeat_beat, heartbeat_latest, heartbeat_start, heartbeat_stop, monitoring_is_running,
)
from doorstep.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_no_worker_ever_means_monitoring_is_not_running():
    assert heartbeat_latest() is None
    assert monitoring_is_running() is False


def test_a_fresh_heartbeat_means_running_until_it_is_a_minute_old(time_machine):
    beat = heartbeat_start(host="worker-1", pid=4242)
    assert monitoring_is_running() is True
    assert heartbeat_latest() == beat
    assert (beat.host, beat.pid, beat.tasks_done) == ("worker-1", 4242, 0)

    time_machine.shift(timedelta(seconds=59))
    assert monitoring_is_running() is True
    time_machine.shift(timedelta(seconds=2))
    assert monitoring_is_running() is False
    assert monitoring_is_running(max_age_seconds=120) is True

    heartbeat_beat(heartbeat_id=beat.pk, tasks_done=3)
    assert monitoring_is_running() is True


def test_beats_add_tasks_and_record_the_last_sweep(time_machine):
    beat = heartbeat_start(host="worker-1", pid=1)
    time_machine.shift(timedelta(seconds=5))
    from django.utils import timezone

    now = timezone.now()
    heartbeat_beat(heartbeat_id=beat.pk, tasks_done=2, sweep_finished_at=now)
    heartbeat_beat(heartbeat_id=beat.pk, tasks_done=5)
    beat.refresh_from_db()
    assert (beat.tasks_done, beat.last_sweep_finished_at, beat.last_seen) == (7, now, now)


def test_a_worker_that_stops_cleanly_stops_monitoring_at_once():
    beat = heartbeat_start(host="worker-1", pid=1)
    heartbeat_stop(heartbeat_id=beat.pk)
    assert monitoring_is_running() is False
    assert heartbeat_latest().stopped_at is not None


def test_the_newest_worker_is_the_latest(time_machine):
    heartbeat_start(host="old", pid=1)
    time_machine.shift(timedelta(seconds=10))
    newer = heartbeat_start(host="new", pid=2)
    assert heartbeat_latest() == newer


def test_the_recorder_counts_finished_tasks_and_sweeps():
    class Task:
        module_path = "doorstep.visits.tasks.alarm_sweep"

    class Result:
        status = TaskResultStatus.SUCCESSFUL
        task = Task()

    class Other(Result):
        task = type("T", (), {"module_path": "doorstep.notifications.tasks.deliver_email"})()

    recorder = HeartbeatRecorder(every=5, stop=threading.Event())
    recorder.task_finished(task_result=Other())
    recorder.beat()
    row = WorkerHeartbeat.objects.get()
    assert (row.tasks_done, row.last_sweep_finished_at) == (1, None)
    recorder.task_finished(task_result=Result())
    recorder.task_finished(task_result=Other())
    recorder.beat()
    row.refresh_from_db()
    assert row.tasks_done == 3
    assert row.last_sweep_finished_at is not None

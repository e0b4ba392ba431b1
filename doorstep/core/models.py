from django.db import models


class ScheduledJob(models.Model):
    """When each periodic job (core/schedule.py) is next due; the row is the lock between several workers."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every few seconds (issue 16: "when nobody is watching the alarms").

    SAF-3's lone-working alarms and every protocol deadline are raised only while a worker runs; the web process reads
    the newest `last_seen` (core/heartbeat.py) to warn people when none does.
    """

    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    version = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    last_sweep_finished_at = models.DateTimeField(null=True, blank=True)
    tasks_done = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "pid", "started_at"], name="worker_heartbeat_unique_process")]

    def __str__(self):
        return f"{self.host}:{self.pid}"


class SweepCheck(models.Model):
    """The state of one sweep check (core/sweep.py, issue 14 "one sweep loop"): when it last ran, and its failure.

    A check that raises is recorded here with its name, the other checks still run, and it is not tried again until
    `retry_at` (a pause that grows with each failure in a row)."""

    name = models.CharField(max_length=200, primary_key=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.IntegerField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class SweepFailure(models.Model):
    """One due item that a sweep check failed to act on: recorded, paused with a growing back-off, and tried again;
    the row is removed once the item succeeds (core/sweep.py)."""

    check_name = models.CharField(max_length=200)
    item_id = models.BigIntegerField()
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_failed_at = models.DateTimeField()
    retry_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["check_name", "item_id"], name="sweep_failure_once_per_item")]
        indexes = [models.Index(fields=["check_name", "retry_at"], name="sweep_failure_paused")]

    def __str__(self):
        return f"{self.check_name} #{self.item_id}"

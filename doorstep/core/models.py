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

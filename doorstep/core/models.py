from django.db import models


class ScheduledJob(models.Model):
    """When each periodic job (core/schedule.py) is next due; the row is the lock between several workers."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledJob
from .schedule import SCHEDULE

log = logging.getLogger(__name__)


def schedule_enqueue_due(*, now=None) -> list[str]:
    """Enqueue every periodic job that is due, once, however many workers call this at the same moment."""
    now = now or timezone.now()
    enqueued = []
    for name, every, path in SCHEDULE:
        ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            job = ScheduledJob.objects.select_for_update(skip_locked=True).filter(name=name, next_run_at__lte=now).first()
            if job is None:
                continue
            job.next_run_at = now + timedelta(seconds=every)
            job.last_run_at = now
            try:
                import_string(path).enqueue()
                job.last_error = ""
                enqueued.append(name)
            except Exception as exc:  # noqa: BLE001  (recorded on the row, and tried again next period)
                log.exception("Could not enqueue %s", name)
                job.last_error = f"{type(exc).__name__}: {exc}"
            job.save()
    return enqueued

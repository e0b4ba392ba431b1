from django.utils import timezone
from django_tasks import task

from .scheduled import visit_alarm_due, visit_alarm_sweep


@task(queue_name="alarms")
def alarm_sweep() -> int:
    """The lone-worker sweep on its own schedule (doorstep/core/schedule.py) and queue, so that nothing delays it."""
    return visit_alarm_sweep(now=timezone.now())


@task(queue_name="alarms")
def alarm_due(visit_id: int) -> int:
    """Issue 16: queued for the moment a visit's next alarm is due (SAF-3); the sweep is the safety net."""
    return visit_alarm_due(visit_id=visit_id, now=timezone.now())

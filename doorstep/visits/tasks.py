from django.utils import timezone
from django_tasks import task

from .scheduled import visit_alarm_sweep


@task()
def alarm_sweep() -> int:
    """The lone-worker sweep on its own schedule (doorstep/core/schedule.py), so that nothing delays it."""
    return visit_alarm_sweep(now=timezone.now())

from django.utils import timezone
from django_tasks import task

from .evaluate import sweep_run


@task()
def sweep() -> dict:
    """The periodic sweep for time-based rules (declared in doorstep/core/schedule.py)."""
    return sweep_run(now=timezone.now())

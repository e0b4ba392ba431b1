from django.utils import timezone
from django_tasks import task

from .evaluate import sweep_run
from .scheduled import escalation_overdue_due, escalations_overdue_run


@task()
def sweep() -> dict:
    """The periodic sweep for time-based rules (declared in doorstep/core/schedule.py)."""
    return sweep_run(now=timezone.now())


@task(queue_name="alarms")
def overdue_sweep() -> int:
    """Overdue actions on the time-critical queue (issue 16), so that no slow check or e-mail delays them."""
    return escalations_overdue_run(now=timezone.now())


@task(queue_name="alarms")
def overdue_due(escalation_id: int) -> int:
    """Queued for the moment an action's deadline passes (issue 16); the sweeps are the safety net."""
    return escalation_overdue_due(escalation_id=escalation_id, now=timezone.now())

from django.utils import timezone
from django_tasks import task

from .scheduled import oversight_nightly


@task()
def nightly() -> int:
    """OVR-1: the nightly drift signals and visit discrepancies (core/schedule.py "oversight-nightly")."""
    return oversight_nightly(now=timezone.now())

from django.utils import timezone
from django_tasks import task

from .scheduled import retention_nightly


@task()
def nightly() -> int:
    """Issue 20: the nightly retention review (core/schedule.py "retention-nightly")."""
    return retention_nightly(now=timezone.now())

"""The nightly retention review (issue 20): every family's retention worked out once a day by the worker, so that
records managers see the families past retention each morning. Declared in the one schedule (core/schedule.py,
"retention-nightly").

A family is due when it has not been reviewed since the start of today (local time) and is not erased. Each family is
claimed with select_for_update(skip_locked=True) and reviewed in its own transaction (core.sweep.sweep_each), so
several workers share the work, a second run the same day does nothing, and a family that fails is recorded with a
growing pause while the others go on. Three queries per family (services.retention_facts).
"""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from doorstep.core.sweep import sweep_each
from doorstep.families.models import Family

from .models import RetentionReview
from .services import family_retention_review

CHECK = "retention.nightly"
BATCH = 500


def _start_of_day(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def families_due(*, now: datetime):
    done = RetentionReview.objects.filter(Q(computed_at__gte=_start_of_day(now)) | Q(erased_at__isnull=False))
    return Family.objects.exclude(pk__in=done.values("family_id")).order_by("id")


def retention_nightly(*, now: datetime, limit: int = BATCH) -> int:
    """Review every family due, up to `limit` in this run (the job runs again until none is due)."""
    return sweep_each(check=CHECK, due=lambda: families_due(now=now),
                      act=lambda family: family_retention_review(family=family, now=now), now=now, limit=limit)

"""The nightly oversight job (OVR-1, issue 19): every family's drift signals and visit discrepancies, recomputed once
a day by the worker. Declared in the one schedule (core/schedule.py, "oversight-nightly").

A family is due when it has not been computed since the start of today (local time). Each family is claimed with
select_for_update(skip_locked=True) and computed in its own transaction (core.sweep.sweep_each), so several workers
share the work, a second run the same day does nothing, and a family that fails is recorded with a growing pause
while the others go on. The work per family is bounded (facts.py: a fixed number of queries, at most MAX_CONTACTS
contacts compared).
"""

from datetime import datetime, time

from django.utils import timezone

from doorstep.core.sweep import sweep_each
from doorstep.families.models import Family

from .models import OversightCheck
from .services import family_oversight_compute

CHECK = "oversight.nightly"
BATCH = 500


def _start_of_day(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def families_due(*, now: datetime):
    computed = OversightCheck.objects.filter(computed_at__gte=_start_of_day(now)).values("family_id")
    return Family.objects.exclude(pk__in=computed).order_by("id")


def oversight_nightly(*, now: datetime, limit: int = BATCH) -> int:
    """Compute every family due, up to `limit` in this run (the job runs again until none is due)."""
    return sweep_each(check=CHECK, due=lambda: families_due(now=now),
                      act=lambda family: family_oversight_compute(family=family, now=now), now=now, limit=limit)

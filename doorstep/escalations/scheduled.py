"""The escalation engine's periodic work, run by the sweep (tasks.sweep, declared in doorstep/core/schedule.py).

Each check claims due rows with `select_for_update(skip_locked=True)`, one item per transaction, so several workers
sweeping at once share the work and never do one item twice; a failure is recorded on the row and tried again later.
With nothing due, each check is one indexed query.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction

from doorstep.families.models import Family

from doorstep.core.sweep import sweep_each

from .evaluate import family_evaluate
from .models import ACTIVE_STATES, Escalation, FamilyCheck
from .services import escalation_escalate_overdue

log = logging.getLogger(__name__)

# How many items one sweep takes on, per check: the rest wait for the next sweep (every DOORSTEP_SWEEP_SECONDS, 20 by default).
BATCH = 300
# Families never evaluated yet (e.g. opened before the engine ran) get a due row, this many per sweep.
NEW_FAMILIES_BATCH = 2000


def family_checks_create_missing(*, now: datetime) -> int:
    missing = list(
        Family.objects.filter(closed_at__isnull=True)
        .exclude(pk__in=FamilyCheck.objects.values("family_id"))
        .values_list("pk", flat=True)[:NEW_FAMILIES_BATCH]
    )
    if missing:
        FamilyCheck.objects.bulk_create([FamilyCheck(family_id=pk, due_at=now) for pk in missing],
                                        ignore_conflicts=True)
    return len(missing)


def family_checks_run(*, now: datetime, limit: int = BATCH) -> int:
    """Evaluate every family that is due (a child about to pass the not-seen period, the nightly look)."""
    family_checks_create_missing(now=now)
    done = 0
    while done < limit:
        with transaction.atomic():
            check = (FamilyCheck.objects.select_for_update(skip_locked=True)
                     .filter(due_at__lte=now).order_by("due_at").first())
            if check is None:
                break
            try:
                with transaction.atomic():
                    family_evaluate(family=Family.objects.get(pk=check.family_id))
            except Exception as exc:  # noqa: BLE001  (recorded on the row and tried again, with a growing pause)
                log.exception("Evaluating family %s failed", check.family_id)
                check.failures = min(check.failures + 1, 30)
                check.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                check.due_at = now + timedelta(minutes=min(2 ** check.failures, 24 * 60))
                check.save(update_fields=["failures", "last_error", "due_at"])
            else:
                # An evaluator that does not reschedule (none should) must not make the family due for ever.
                FamilyCheck.objects.filter(pk=check.pk, due_at__lte=now).update(due_at=now + timedelta(days=1))
        done += 1
    return done


def _overdue(now: datetime):
    return (Escalation.objects.filter(state__in=ACTIVE_STATES, deadline__lt=now, overdue_escalated_at__isnull=True)
            .order_by("deadline", "id"))


def escalations_overdue_run(*, now: datetime, limit: int = BATCH) -> int:
    """Escalate each overdue action to the owner's line manager, once (ORG-3); one that fails is recorded and
    paused, and the others still escalate (issue 14)."""
    return sweep_each(check="escalations.overdue", due=lambda: _overdue(now),
                      act=lambda escalation: escalation_escalate_overdue(escalation=escalation, now=now),
                      now=now, limit=limit)


def escalation_overdue_due(*, escalation_id: int, now: datetime) -> int:
    """Issue 16: queued for the moment an action becomes overdue, so it is escalated then, not at the next sweep."""
    return sweep_each(check="escalations.overdue", due=lambda: _overdue(now).filter(pk=escalation_id), now=now,
                      act=lambda escalation: escalation_escalate_overdue(escalation=escalation, now=now), limit=1)

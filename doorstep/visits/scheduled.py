"""The lone-worker sweep (SAF-3): fires every step of the chain that is due, for every visit in progress.

Registered in doorstep.escalations.evaluate.SWEEP_CHECKS (the worker's periodic sweep, every DOORSTEP_SWEEP_SECONDS)
and scheduled on its own, faster, in doorstep/core/schedule.py ("visit-alarms", every DOORSTEP_VISIT_SWEEP_SECONDS,
default 10): a step must fire within 60 seconds of its time, and the general sweep's other checks must never be able
to delay it.

Rows first: what is due is `Visit.next_alert_at`, in the database, so a worker or web-server restart loses nothing;
the next sweep after a restart fires whatever fell due meanwhile, once. Each visit is claimed with
select_for_update(skip_locked=True), one per transaction, so two sweepers never work on the same visit; and a
`VisitAlert` is unique per visit, round and step, so even a sweeper that somehow got past the claim could not alert
twice. A failure to fire is recorded on the visit (`alarm_error`) and tried again at the next sweep.
"""

import logging

from django.db import transaction

from .models import Visit, VisitStatus
from .services import visit_alarm_fire_due

log = logging.getLogger(__name__)
BATCH = 200


def _due(now):
    return Visit.objects.filter(status=VisitStatus.IN_PROGRESS, next_alert_at__lte=now)


def visit_alarm_due(*, visit_id: int, now) -> int:
    """Fire what is due for one visit, in its own transaction; returns how many alerts fired."""
    try:
        with transaction.atomic():
            visit = _due(now).select_for_update(skip_locked=True).filter(pk=visit_id).first()
            if visit is None:  # another sweeper has it, or the worker checked in meanwhile
                return 0
            return len(visit_alarm_fire_due(visit=visit, now=now))
    except Exception as exc:  # noqa: BLE001  (recorded on the row; the next sweep tries again)
        log.exception("Could not fire the lone-worker alarm for visit %s", visit_id)
        Visit.objects.filter(pk=visit_id).update(alarm_error=f"{type(exc).__name__}: {exc}"[:2000])
        return 0


def visit_alarm_sweep(*, now) -> int:
    """Returns how many alerts fired."""
    return sum(visit_alarm_due(visit_id=pk, now=now)
               for pk in list(_due(now).order_by("next_alert_at", "id").values_list("pk", flat=True)[:BATCH]))

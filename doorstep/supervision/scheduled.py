"""The supervision app's periodic work (STYLE.md: each job beside its domain in scheduled.py), registered in
core/extensions.py SWEEP_CHECKS and run by the worker's periodic sweep."""

from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from doorstep.agencies.models import Agency, Professional
from doorstep.core.sweep import sweep_each
from doorstep.core.workingdays import end_of_day
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.models import ACTIVE_STATES, Escalation

from . import conf, rules
from .models import SessionState, SupervisionSession
from .services import OVERDUE_BATCH, SUPERVISED_ROLES, overdue_key, supervision_due_date


def _overdue_raised(worker_id: int, due: date):
    """SUP-4's action for this overdue period: open, or raised since the supervision fell due (then closed by the
    manager: not raised again until the next supervision falls due)."""
    return Escalation.objects.filter(key=overdue_key(worker_id)).filter(
        Q(state__in=ACTIVE_STATES) | Q(created_at__gt=end_of_day(due)))


def supervision_overdue_sweep(*, now: datetime, limit: int = OVERDUE_BATCH) -> int:
    """The sweep check (SUP-4, 004 §6.2): a worker whose supervision is overdue becomes a tracked action for their
    line manager. Raised once for each overdue period: if the manager closes it, it is not raised again until
    the next supervision falls due.

    Like every sweep (core/sweep.py): each worker is claimed with select_for_update(skip_locked=True) and handled in
    its own transaction, where "already raised?" is asked again under the claim, so two workers sweeping at once
    never raise it twice; a failure is recorded for that worker and the others still go."""
    today = timezone.localdate(now)
    # Issue 21: each worker's interval is their agency's partnership's (conf.py), the settings read once.
    partnership_of = conf.staff_partnerships(Agency.objects.values_list("pk", flat=True))
    staff = conf.staff_settings(partnership_of=partnership_of)
    interval_of = {agency_id: chosen["SUP-4"][1]["interval_days"] for agency_id, chosen in staff.items()}
    by_interval: dict[int, list[int]] = {}
    for agency_id, days in interval_of.items():
        if agency_id is not None:
            by_interval.setdefault(days, []).append(agency_id)
    late = Q(pk__in=[])
    for interval_days, agencies in by_interval.items():
        interval = timedelta(days=interval_days)
        late |= Q(agency_id__in=agencies) & (
            Q(last_held__lt=today - interval)
            # Never supervised: due `interval` days after the day they joined, overdue from the day after.
            | Q(last_held__isnull=True, date_joined__lt=timezone.make_aware(datetime.combine(today - interval,
                                                                                             time.min))))
    last_held = SupervisionSession.objects.filter(
        supervisee=OuterRef("pk"), state=SessionState.HELD).order_by("-held_on").values("held_on")[:1]
    overdue = (
        Professional.objects.filter(is_active=True, line_manager__isnull=False, agency__isnull=False,
                                    role__in=SUPERVISED_ROLES)
        .annotate(last_held=Subquery(last_held))
        .filter(late)
        .values_list("pk", "last_held", "date_joined", "agency_id")
    )
    periods = {pk: (last, supervision_due_date(last_held=last, joined=joined, interval_days=interval_of[agency_id]))
               for pk, last, joined, agency_id in overdue}
    # Those already raised for this period (one query), so that the claims below are only for work to do.
    for key, state, created_at in (Escalation.objects.filter(key__in=[overdue_key(pk) for pk in periods])
                                   .values_list("key", "state", "created_at")):
        pk = int(key.rpartition(":")[2])
        if pk in periods and (state in ACTIVE_STATES or created_at > end_of_day(periods[pk][1])):
            del periods[pk]
    if not periods:
        return 0
    handled: set[int] = set()
    raised = 0

    def act(worker: Professional) -> None:
        nonlocal raised
        handled.add(worker.pk)
        last, due = periods[worker.pk]
        if _overdue_raised(worker.pk, due).exists():  # raised by another sweep before this one claimed the worker
            return
        applied = rule_apply(rule_id="SUP-4", partnership_id=partnership_of[worker.agency_id],
                             facts=rules.SupervisionFacts(
            worker_id=worker.pk, worker_name=worker.get_full_name() or worker.username,
            line_manager_id=worker.line_manager_id, last_held=last, due=due, today=today))
        raised += sum(1 for _e, created in applied.escalations.values() if created)

    sweep_each(check="supervision.overdue", now=now, limit=limit, act=act,
               due=lambda: Professional.objects.filter(pk__in=periods).exclude(pk__in=handled).order_by("pk"))
    return raised


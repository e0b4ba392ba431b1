"""Reads of supervision. The rule (P-4, SUP-1) lives here:

- a supervision record, with the worker's reflections, is seen only by the worker, the manager who recorded it and
  the worker's current line manager; anyone else gets a 404, and the refusal is audited;
- supervision decisions are family data: seen by whoever may see the family (`family_get_for`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import family_get_for
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.families.models import Involvement

from . import oversight
from . import conf
from .models import (
    CaseDiscussion,
    SessionState,
    SupervisionActionPlan,
    SupervisionDecision,
    SupervisionSession,
)
from .services import overdue_key, supervision_due_date


def can_use_supervision(professional) -> bool:
    """Practitioners and managers of an agency; not partner systems, the Board chair or administrators."""
    return bool(getattr(professional, "is_authenticated", False) and professional.agency_id
                and professional.role in (Role.PRACTITIONER, Role.MANAGER))


def is_manager_of(manager, worker) -> bool:
    return manager.works_with_families and worker.line_manager_id == manager.pk


def _refuse(professional, object_type: str, object_id) -> None:
    if getattr(professional, "is_authenticated", False):
        audit_record(actor=professional, action=AuditAction.DENIED, object_type=object_type,
                     object_id=str(object_id), summary=Text(gettext_noop("Refused: supervision record")))
    raise Http404("No supervision record found")


def worker_get_for(*, professional, worker_id: int) -> Professional:
    """A worker's supervision history: for the worker and their line manager only."""
    worker = Professional.objects.select_related("agency", "line_manager").filter(pk=worker_id).first()
    if worker is None or not can_use_supervision(professional) or not (
        worker.pk == professional.pk or is_manager_of(professional, worker)
    ):
        _refuse(professional, "agencies.Professional", worker_id)
    return worker


def _session_visible(professional, session: SupervisionSession) -> bool:
    return can_use_supervision(professional) and professional.pk in (
        session.supervisee_id, session.supervisor_id, session.supervisee.line_manager_id)


def session_get_for(*, professional, session_id: int) -> SupervisionSession:
    """The supervision record with its cases, decisions and action plans; the read is audited, naming each family
    discussed so that the family's audit trail shows who read notes about it (P-3)."""
    session = (
        SupervisionSession.objects.select_related("supervisee", "supervisee__agency", "supervisor", "recorded_by")
        .filter(pk=session_id).first()
    )
    if session is None or not _session_visible(professional, session):
        _refuse(professional, "supervision.SupervisionSession", session_id)
    cases = list(
        CaseDiscussion.objects.filter(session=session).select_related("family", "action_plan", "recorded_by")
        .prefetch_related(Prefetch("decisions", queryset=SupervisionDecision.objects.select_related("decided_by")
                                   .order_by("decided_at", "id")))
        .order_by("id")
    )
    session.case_list = cases
    audit_record(actor=professional, action=AuditAction.VIEW, obj=session,
                 summary=Text(gettext_noop("Supervision record")))
    audit_record_many(actor=professional, action=AuditAction.VIEW, objects=cases,
                      summary=Text(gettext_noop("Supervision notes")))
    return session


def case_get_for(*, professional, case_id: int) -> CaseDiscussion:
    case = CaseDiscussion.objects.select_related("session", "session__supervisee", "family").filter(pk=case_id).first()
    if case is None or not _session_visible(professional, case.session):
        _refuse(professional, "supervision.CaseDiscussion", case_id)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=case, family=case.family,
                 summary=Text(gettext_noop("Supervision notes")))
    return case


def sessions_of(*, worker) -> list[SupervisionSession]:
    """A worker's supervisions, newest first (the caller has checked access with worker_get_for)."""
    return list(
        SupervisionSession.objects.filter(supervisee=worker).select_related("supervisor")
        .annotate(case_count=Count("cases")).order_by("-id")
    )


def action_plan_get_for(*, professional, plan_id: int) -> SupervisionActionPlan:
    plan = (SupervisionActionPlan.objects.select_related("case__session__supervisee", "family", "worker",
                                                         "agreed_by").filter(pk=plan_id).first())
    if plan is None or not _session_visible(professional, plan.case.session):
        _refuse(professional, "supervision.SupervisionActionPlan", plan_id)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=plan, family=plan.family,
                 summary=Text(gettext_noop("Supervision action plan")))
    return plan


def action_plan_current(*, worker, family, on: date | None = None) -> SupervisionActionPlan | None:
    """SUP-3 / SAF-2: the action plan agreed in supervision by the worker's manager for visits to this family, in
    force on `on` (today by default). A visit plan points at it as the manager's agreement."""
    on = on or timezone.localdate()
    return (
        SupervisionActionPlan.objects.filter(worker=worker, family=family, withdrawn_at__isnull=True)
        .filter(Q(review_by__isnull=True) | Q(review_by__gte=on))
        .select_related("agreed_by").order_by("-agreed_at", "-id").first()
    )


def decisions_for_family(*, professional, family_id: int):
    """Supervision decisions about a family, for everyone who may see the family (CHR-1)."""
    family = family_get_for(professional=professional, family_id=family_id, purpose="supervision decisions")
    decisions = (SupervisionDecision.objects.filter(family=family)
                 .select_related("decided_by", "decided_by__agency").order_by("-decided_at", "-id"))
    return family, decisions


def families_to_discuss(*, worker, limit: int = 50) -> list:
    """The families the worker leads for their agency: offered first when a case is added to a supervision."""
    return list(
        Involvement.objects.filter(lead_professional=worker, ended_on__isnull=True)
        .select_related("family").order_by("family__name")[:limit]
    )


@dataclass
class StaffRow:
    worker: Professional
    last_held: date | None
    days_since: int | None
    due: date
    overdue: bool
    overdue_action: bool
    last_session_id: int | None
    health_and_safety: bool | None
    unreported_threats_asked: bool | None
    cancelled: int
    next_planned: date | None
    families: int
    marked_families: int | None
    high_exposure: bool
    incidents: int | None


def staff_oversight(*, manager) -> dict:
    """SUP-4 and OVR-3 for one manager: each member of staff they line-manage, in a fixed number of queries."""
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    held = SupervisionSession.objects.filter(supervisee=OuterRef("pk"), state=SessionState.HELD).order_by(
        "-held_on", "-id")
    cancelled = (SupervisionSession.objects.filter(supervisee=OuterRef("pk"), state=SessionState.CANCELLED,
                                                   cancelled_on__gte=year_ago)
                 .values("supervisee").annotate(n=Count("pk")).values("n"))
    planned = SupervisionSession.objects.filter(supervisee=OuterRef("pk"), state=SessionState.PLANNED,
                                                planned_for__gte=today).order_by("planned_for")
    staff = list(
        Professional.objects.filter(line_manager=manager, is_active=True, role__in=(Role.PRACTITIONER, Role.MANAGER))
        .annotate(
            last_held=Subquery(held.values("held_on")[:1]),
            last_session_id=Subquery(held.values("pk")[:1]),
            last_hs=Subquery(held.values("health_and_safety_discussed")[:1]),
            last_threats=Subquery(held.values("unreported_threats_asked")[:1]),
            cancelled=Subquery(cancelled),
            next_planned=Subquery(planned.values("planned_for")[:1]),
        )
        .order_by("last_name", "first_name")
    )
    ids = [w.pk for w in staff]
    led: dict[int, set[int]] = {pk: set() for pk in ids}
    for worker_id, family_id in Involvement.objects.filter(lead_professional_id__in=ids, ended_on__isnull=True
                                                           ).values_list("lead_professional_id", "family_id"):
        led[worker_id].add(family_id)
    all_families = set().union(*led.values()) if led else set()
    marked = oversight.marked_families(family_ids=all_families)
    since = {w.pk: (timezone.make_aware(datetime.combine(w.last_held, time.max)) if w.last_held else None)
             for w in staff}
    incidents = oversight.incidents_since(since=since)
    open_actions = set(Escalation.objects.filter(key__in=[overdue_key(pk) for pk in ids], state__in=ACTIVE_STATES)
                       .values_list("key", flat=True))
    # SUP-4's interval and OVR-3's threshold (ESC-12) of each worker's agency's partnership (issue 21, conf.py), in
    # three queries; the page states the manager's own.
    staff_rules = conf.staff_settings({w.agency_id for w in staff} | {manager.agency_id})
    threshold = staff_rules[manager.agency_id]["OVR-3"][1]["marked_families_threshold"]
    interval_days = staff_rules[manager.agency_id]["SUP-4"][1]["interval_days"]
    rows = []
    for w in staff:
        own = staff_rules[w.agency_id]
        due = supervision_due_date(last_held=w.last_held, joined=w.date_joined,
                                   interval_days=own["SUP-4"][1]["interval_days"])
        marked_count = len(led[w.pk] & marked) if marked is not None else None
        rows.append(StaffRow(
            worker=w, last_held=w.last_held, days_since=(today - w.last_held).days if w.last_held else None,
            due=due, overdue=due < today, overdue_action=overdue_key(w.pk) in open_actions,
            last_session_id=w.last_session_id, health_and_safety=w.last_hs, unreported_threats_asked=w.last_threats,
            cancelled=w.cancelled or 0, next_planned=w.next_planned, families=len(led[w.pk]),
            marked_families=marked_count, high_exposure=marked_count is not None and marked_count >= own["OVR-3"][1]["marked_families_threshold"],
            incidents=incidents.get(w.pk, 0) if incidents is not None else None,
        ))
    return {
        "rows": rows, "interval_days": interval_days, "threshold": threshold,
        "markers_available": marked is not None, "incidents_available": incidents is not None,
    }


def supervisions_due(*, manager, within_days: int = 7) -> int:
    """The manager's home page (issue 18): how many of the staff they line-manage have a supervision overdue or due
    within `within_days` days (SUP-4). Four queries."""
    if not manager.is_manager:
        return 0
    held = SupervisionSession.objects.filter(supervisee=OuterRef("pk"), state=SessionState.HELD).order_by(
        "-held_on", "-id")
    staff = list(Professional.objects.filter(line_manager=manager, is_active=True,
                                              role__in=(Role.PRACTITIONER, Role.MANAGER))
                 .annotate(last_held=Subquery(held.values("held_on")[:1]))
                 .values_list("last_held", "date_joined", "agency_id"))
    # SUP-4 of each worker's agency's partnership (issue 21, conf.py).
    interval = {a: s["SUP-4"][1]["interval_days"] for a, s in conf.staff_settings({a for *_x, a in staff}).items()}
    horizon = timezone.localdate() + timedelta(days=within_days)
    return sum(1 for last_held, joined, agency_id in staff
               if supervision_due_date(last_held=last_held, joined=joined, interval_days=interval[agency_id]) <= horizon)


def my_supervisions(*, professional, limit: int = 20) -> list[SupervisionSession]:
    return list(SupervisionSession.objects.filter(supervisee=professional).select_related("supervisor")
                .annotate(case_count=Count("cases")).order_by("-id")[:limit])

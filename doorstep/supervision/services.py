"""Writes to supervision records (SUP-1..5). Each is one transaction with its audit row; a decision also writes
its chronology entry (CHR-1), the only part of supervision that reaches the family's record."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Text
from doorstep.escalations.services import escalations_close_by_key
from doorstep.families.models import Family
from doorstep.core.access import family_may_write, family_require_write
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import conf, rules
from .models import (
    CancelledBy,
    CaseDiscussion,
    DecisionKind,
    Hostility,
    ReflectiveAnswer,
    ReflectiveQuestion,
    RiskMeasure,
    SessionState,
    SupervisionActionPlan,
    SupervisionDecision,
    SupervisionSession,
)

SUPERVISED_ROLES = (Role.PRACTITIONER, Role.MANAGER)
# SUP-4: how many overdue workers one sweep takes on; the rest wait for the next sweep.
OVERDUE_BATCH = 200


def overdue_key(worker_id: int) -> str:
    """SUP-4: one open "supervision overdue" action per worker, owned by their line manager."""
    return rules.overdue_key(worker_id)


def _require_line_manager(by: Professional, worker: Professional) -> None:
    # ORG-3: "the manager" is the worker's line manager; only they record the worker's supervision.
    if not by.works_with_families or worker.line_manager_id != by.pk:
        raise PermissionDenied(_("Only the worker's line manager records their supervision."))


def _check_session_manager(by: Professional, session: SupervisionSession) -> None:
    if by.pk not in (session.supervisor_id, session.supervisee.line_manager_id):
        raise PermissionDenied(_("Only the worker's manager can change this supervision record."))


@transaction.atomic
def supervision_plan(*, by: Professional, worker: Professional, planned_for: date) -> SupervisionSession:
    """Put a supervision in the diary, so that if it is cancelled the cancellation is counted (SUP-4)."""
    _require_line_manager(by, worker)
    if planned_for is None or planned_for < timezone.localdate():
        raise ValidationError({"planned_for": _("The date must be today or in the future")})
    if SupervisionSession.objects.filter(supervisee=worker, state=SessionState.PLANNED, planned_for=planned_for).exists():
        raise ValidationError({"planned_for": _("A supervision is already planned for that day")})
    session = SupervisionSession.objects.create(supervisee=worker, supervisor=by, planned_for=planned_for,
                                                recorded_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=session,
                 summary=Text(gettext_noop("Planned supervision with %(worker)s")) % {"worker": str(worker)})
    notify(recipients=[worker], kind=NotificationKind.SUPERVISION,
           message=Text(gettext_noop("Supervision planned for %(date)s")) % {"date": planned_for},
           link=f"/supervision/{session.pk}/", dedupe_key=f"supervision:{session.pk}:planned")
    return session


@transaction.atomic
def supervision_record(
    *, by: Professional, worker: Professional, held_on: date, health_and_safety_discussed: bool,
    health_and_safety_note: str = "", unreported_threats_asked: bool = False, unreported_threats_note: str = "",
    support_offered: str = "", session: SupervisionSession | None = None,
) -> SupervisionSession:
    """Record a supervision held (a planned one, or one not planned in Doorstep). The cases discussed are added to
    it next. Recording it closes the worker's "supervision overdue" action (SUP-4)."""
    _require_line_manager(by, worker)
    errors = {}
    today = timezone.localdate()
    if held_on is None or held_on > today:
        errors["held_on"] = _("The date it was held must be today or in the past")
    elif held_on < today - timedelta(days=366):
        errors["held_on"] = _("The date it was held must be within the last year")
    if health_and_safety_discussed and not (health_and_safety_note or "").strip():
        errors["health_and_safety_note"] = _("Enter what was discussed about health and safety")
    if errors:
        raise ValidationError(errors)
    if session is not None:
        session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
        if session.supervisee_id != worker.pk or session.state != SessionState.PLANNED:
            raise ValidationError({"__all__": _("That supervision is not planned for this worker")})
    else:
        session = SupervisionSession(supervisee=worker, recorded_by=by)
    session.supervisor = by
    session.state = SessionState.HELD
    session.held_on = held_on
    session.health_and_safety_discussed = health_and_safety_discussed
    session.health_and_safety_note = (health_and_safety_note or "").strip()
    session.unreported_threats_asked = unreported_threats_asked
    session.unreported_threats_note = (unreported_threats_note or "").strip()
    session.support_offered = (support_offered or "").strip()
    session.recorded_by = by
    session.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=session,
                 summary=Text(gettext_noop("Recorded supervision with %(worker)s held on %(date)s")) % {
                     "worker": str(worker), "date": held_on})
    escalations_close_by_key(key=overdue_key(worker.pk), by=by,
                             outcome=Text(gettext_noop("Supervision held on %(date)s")) % {"date": held_on})
    notify(recipients=[worker], kind=NotificationKind.SUPERVISION,
           message=Text(gettext_noop("The record of your supervision on %(date)s is ready to read")) % {
               "date": held_on},
           link=f"/supervision/{session.pk}/", dedupe_key=f"supervision:{session.pk}:held")
    return session


@transaction.atomic
def supervision_cancel(
    *, by: Professional, cancelled_by_whom: str, reason: str, session: SupervisionSession | None = None,
    worker: Professional | None = None, planned_for: date | None = None, cancelled_on: date | None = None,
) -> SupervisionSession:
    """SUP-4 (004 §6.2 "do not cancel"): a cancelled supervision is recorded, with who cancelled it and why, so
    the manager's oversight counts it. Either a planned one, or one that was arranged outside Doorstep."""
    errors = {}
    today = timezone.localdate()
    cancelled_on = cancelled_on or today
    if cancelled_by_whom not in CancelledBy.values:
        errors["cancelled_by_whom"] = _("Select who cancelled it")
    if not (reason or "").strip():
        errors["reason"] = _("Enter why it was cancelled")
    if cancelled_on > today:
        errors["cancelled_on"] = _("The date must be today or in the past")
    if session is None and planned_for is None:
        errors["planned_for"] = _("Enter the date it was planned for")
    if errors:
        raise ValidationError(errors)
    if session is not None:
        session = SupervisionSession.objects.select_for_update().select_related("supervisee").get(pk=session.pk)
        _require_line_manager(by, session.supervisee)
        if session.state != SessionState.PLANNED:
            raise ValidationError({"__all__": _("Only a planned supervision can be cancelled")})
    else:
        _require_line_manager(by, worker)
        session = SupervisionSession(supervisee=worker, supervisor=by, planned_for=planned_for, recorded_by=by)
    session.state = SessionState.CANCELLED
    session.cancelled_on = cancelled_on
    session.cancelled_by_whom = cancelled_by_whom
    session.cancel_reason = reason.strip()
    session.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=session, reason=reason.strip(),
                 summary=Text(gettext_noop("Recorded a cancelled supervision with %(worker)s")) % {
                     "worker": str(session.supervisee)})
    return session


def _clean_answers(answers: dict) -> dict:
    cleaned = {q: answers.get(q) for q in ReflectiveQuestion.values}
    if any(a not in ReflectiveAnswer.values for a in cleaned.values()):
        raise ValidationError({"reflective_answers": _("Answer each of the reflective questions")})
    return cleaned


def _decide(*, case: CaseDiscussion, by: Professional, kind: str, decision: str, reason: str, at: datetime):
    made = SupervisionDecision.objects.create(case=case, family=case.family, kind=kind, decision=decision.strip(),
                                              reason=reason.strip(), decided_by=by, decided_at=at)
    # CHR-1: the decision and its reason reach the family's chronology; nothing else of the supervision does.
    if kind == DecisionKind.SAFE_WORKING:
        summary = Text(gettext_noop("Supervision, how the work will continue safely: %(decision)s. Reason: %(reason)s"))
    else:
        summary = Text(gettext_noop("Supervision decision: %(decision)s. Reason: %(reason)s"))
    chronology_record(
        family=case.family, kind=EntryKind.SUPERVISION, occurred_at=at, by=by, source=made,
        significant=kind == DecisionKind.SAFE_WORKING, tags=["supervision", kind],
        summary=summary % {"decision": made.decision, "reason": made.reason},
    )
    return made


@transaction.atomic
def case_discussion_add(
    *, session: SupervisionSession, by: Professional, family: Family, hostility: str, risk_to_child: str,
    reflective_answers: dict, decision: str, decision_reason: str, hostility_detail: str = "",
    hostility_significant: bool = False, impact_on_worker: str = "", impact_on_work: str = "",
    reflections: str = "", safe_working: str = "", safe_working_reason: str = "",
    measures: Iterable[str] = (), plan: str = "", plan_review_by: date | None = None,
) -> CaseDiscussion:
    """Record a family discussed in a held supervision: hostility and its impact (SUP-1), the reflective questions
    (SUP-2), the action plan for managing risk (SUP-3) and the decisions with their reasons (SUP-5)."""
    session = SupervisionSession.objects.select_for_update().select_related("supervisee").get(pk=session.pk)
    _check_session_manager(by, session)
    if session.state != SessionState.HELD:
        raise ValidationError({"__all__": _("Cases are recorded in a supervision that was held")})
    errors = {}
    worker = session.supervisee
    if not family_may_write(professional=worker, family_id=family.pk):
        errors["family"] = _("The worker's agency is not involved with that family")
    elif CaseDiscussion.objects.filter(session=session, family=family).exists():
        errors["family"] = _("This family has already been discussed in this supervision")
    if hostility not in Hostility.values:
        errors["hostility"] = _("Select whether hostility was experienced or anticipated")
    elif hostility != Hostility.NONE and not hostility_detail.strip():
        errors["hostility_detail"] = _("Describe the hostility, and when it happens")
    if not risk_to_child.strip():
        errors["risk_to_child"] = _("Enter the risks to the child and the effect on them of living in this home")
    try:
        reflective_answers = _clean_answers(reflective_answers or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not decision.strip():
        errors["decision"] = _("Enter the decision made about the work with the family")
    if not decision_reason.strip():
        errors["decision_reason"] = _("Enter the reason for the decision")
    # SUP-5 (004 §6.1): where threats and violence are significant, how the work will progress safely, and why.
    if hostility_significant:
        if not safe_working.strip():
            errors["safe_working"] = _("Enter how the work will continue safely")
        if not safe_working_reason.strip():
            errors["safe_working_reason"] = _("Enter why the work can continue safely in this way")
    measures = list(dict.fromkeys(measures))
    if any(m not in RiskMeasure.values for m in measures):
        errors["measures"] = _("Select from the list")
    # SUP-3 (002 §9.5, 004 §7): where there is hostility, an action plan for managing the risk is agreed.
    if hostility in (Hostility.EXPERIENCED, Hostility.ANTICIPATED, Hostility.BOTH) and not plan.strip():
        errors["plan"] = _("Enter the action plan for managing the risk")
    if plan_review_by is not None and plan_review_by <= timezone.localdate():
        errors["plan_review_by"] = _("The review date must be in the future")
    if errors:
        raise ValidationError(errors)
    # The decision reaches the family's chronology: a write, never on emergency access alone (issue 13).
    family_require_write(professional=by, family=family, purpose="record a case discussed in supervision")
    case = CaseDiscussion.objects.create(
        session=session, family=family, hostility=hostility, hostility_detail=hostility_detail.strip(),
        hostility_significant=hostility_significant, impact_on_worker=impact_on_worker.strip(),
        impact_on_work=impact_on_work.strip(), risk_to_child=risk_to_child.strip(),
        reflective_answers=reflective_answers, reflections=reflections.strip(), recorded_by=by,
    )
    now = timezone.now()
    if plan.strip():
        SupervisionActionPlan.objects.create(case=case, family=family, worker=worker, agreed_by=by, agreed_at=now,
                                             measures=measures, plan=plan.strip(), review_by=plan_review_by)
    _decide(case=case, by=by, kind=DecisionKind.DECISION, decision=decision, reason=decision_reason, at=now)
    if hostility_significant:
        _decide(case=case, by=by, kind=DecisionKind.SAFE_WORKING, decision=safe_working, reason=safe_working_reason,
                at=now)
    # The supervision notes are not shared with the family's other agencies; the audit row names the family so
    # the record of who has written about the family is complete (P-3).
    audit_record(actor=by, action=AuditAction.CREATE, obj=case, family=family,
                 summary=Text(gettext_noop("Recorded a case discussed in supervision with %(worker)s")) % {
                     "worker": str(worker)})
    return case


@transaction.atomic
def supervision_decision_add(*, case: CaseDiscussion, by: Professional, decision: str, reason: str,
                             kind: str = DecisionKind.DECISION) -> SupervisionDecision:
    case = CaseDiscussion.objects.select_related("session__supervisee", "family").get(pk=case.pk)
    _check_session_manager(by, case.session)
    family_require_write(professional=by, family=case.family, purpose="record a supervision decision")  # issue 13
    errors = {}
    if kind not in DecisionKind.values:
        errors["kind"] = _("Select the kind of decision")
    if not (decision or "").strip():
        errors["decision"] = _("Enter the decision")
    if not (reason or "").strip():
        errors["reason"] = _("Enter the reason for the decision")
    if errors:
        raise ValidationError(errors)
    made = _decide(case=case, by=by, kind=kind, decision=decision, reason=reason, at=timezone.now())
    audit_record(actor=by, action=AuditAction.CREATE, obj=made, family=case.family,
                 summary=Text(gettext_noop("Recorded a supervision decision")))
    return made


@transaction.atomic
def supervision_acknowledge(*, session: SupervisionSession, by: Professional, comment: str = "") -> SupervisionSession:
    """The worker confirms they have read the record of their supervision, and may add a comment."""
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if by.pk != session.supervisee_id:
        raise PermissionDenied(_("Only the worker supervised can confirm they have read the record."))
    if session.state != SessionState.HELD:
        raise ValidationError({"__all__": _("Only a supervision that was held has a record to read")})
    if session.worker_read_at is not None:
        raise ValidationError({"__all__": _("You have already confirmed you have read this record")})
    session.worker_read_at = timezone.now()
    session.worker_comment = (comment or "").strip()
    session.save(update_fields=["worker_read_at", "worker_comment", "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=session,
                 summary=Text(gettext_noop("Confirmed reading the supervision record")))
    return session


@transaction.atomic
def action_plan_withdraw(*, plan: SupervisionActionPlan, by: Professional, reason: str) -> SupervisionActionPlan:
    plan = SupervisionActionPlan.objects.select_for_update().select_related("worker").get(pk=plan.pk)
    if by.pk not in (plan.agreed_by_id, plan.worker.line_manager_id):
        raise PermissionDenied(_("Only the worker's manager can withdraw the action plan."))
    if plan.withdrawn_at is not None:
        raise ValidationError({"__all__": _("This action plan has already been withdrawn")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Enter why the action plan is withdrawn")})
    plan.withdrawn_at = timezone.now()
    plan.withdrawn_by = by
    plan.withdrawn_reason = reason.strip()
    plan.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=plan, family=plan.family, reason=reason.strip(),
                 summary=Text(gettext_noop("Withdrew a supervision action plan")))
    return plan


def supervision_due_date(*, last_held: date | None, joined: datetime, interval_days: int | None = None) -> date:
    """SUP-4: the next supervision is due the configured number of days after the last one held (or after the
    worker joined, if they have never been supervised). Pass `interval_days` when dating many workers at once."""
    start = last_held or timezone.localtime(joined).date()
    return start + timedelta(days=interval_days or conf.interval_days())

"""Writes to visits (SAF-1..4). Each is one transaction with its audit row, the worker's visit record (a
`VisitEvent`), chronology entry and notifications, and locks the visit row so that a check-in and the sweep never
cross: a worker who reports back at the very moment a step is due either stops it or is told it went.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_lazy
from django.utils.translation import override

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Joined, Text, text_store
from doorstep.core.access import family_require_write, require_a_person
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalation_acknowledge, escalations_close_by_key
from doorstep.families.models import Family, FamilyAddress
from doorstep.incidents.selectors import managers_of
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import rules
from .chain import chain_for, duty_managers_for, recipients_for
from .models import (ACCOMPANIED, ChainStep, Decision, OffPlan, Question, RiskFactor, Visit, VisitAlert, VisitEvent,
                     VisitStatus)
from .selectors import may_decide, may_manage, on_chain, risk_suggestions

MIN_MINUTES, MAX_MINUTES = 5, 8 * 60
EXTENSIONS = (15, 30)
# A plan is made before the visit (002 §9.5): its start may be a little in the past (planned on the doorstep of
# the office), never hours ago.
PLAN_GRACE = timedelta(minutes=30)
PHONE = re.compile(r"^\+?[\d\s()-]{7,20}$")
# Issue 18, poor signal: the key a press carries (`VisitEvent.press_key`), made into each form of the visit page.
PRESS_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i")


def _time(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i")


def _lock(visit: Visit) -> Visit:
    return (Visit.objects.select_for_update(of=("self",)).select_related("family", "worker", "agency", "address")
            .get(pk=visit.pk))


def _event(visit: Visit, kind: str, *, by=None, note: "str | Text" = "", at: datetime | None = None,
           key: str = "") -> VisitEvent:
    """`note` is a person's own words (a str), or a sentence Doorstep writes (a `Text`, read in the reader's
    language: issue 14). `key`: the press it records (`_pressed`)."""
    plain, stored = text_store(note)
    return VisitEvent.objects.create(visit=visit, kind=kind, by=by, note=plain, note_text=stored,
                                     at=at or timezone.now(), press_key=key)


def _pressed(visit: Visit, key: str, kind: str) -> tuple[VisitEvent | None, str]:
    """Issue 18, poor signal (SAF-3: nothing pressed is lost, nothing counted twice). A press made without signal is
    queued on the phone and sent again until it arrives, so the same press may arrive more than once. Returns the
    event an earlier arrival of this press wrote (then the caller returns that outcome and writes nothing), and the
    key to store with the event of a first arrival. Call after `_lock`: the row lock orders two arrivals of one
    press. A key that is not one Doorstep made is ignored (a press never fails for it); a key already used for
    another kind of press is not this press's, so the new event goes without it."""
    key = key if key and PRESS_KEY.match(key) else ""
    if not key:
        return None, ""
    earlier = VisitEvent.objects.filter(visit=visit, press_key=key).first()
    if earlier is None:
        return None, key
    return (earlier, key) if earlier.kind == kind else (None, "")


def _notify_each(recipients: Iterable[Professional], *, kind, message, link: str, family, mandatory: bool,
                 dedupe_key: str | None) -> None:
    """Notify each person in their own language (the message is stored as text)."""
    for person in recipients:
        with override(person.preferred_language or settings.LANGUAGE_CODE):
            notify(recipients=[person], kind=kind, message=message(), link=link, family=family, mandatory=mandatory,
                   dedupe_key=dedupe_key)


def _arrangements(visit: Visit) -> Joined:
    """The visit's arrangements as a sentence's parameter, each label in the reader's language."""
    return Joined(visit.arrangement_labels_lazy(), ", ")


def _require_worker(visit: Visit, by) -> None:
    if by.pk != visit.worker_id:
        raise PermissionDenied(_("Only the worker making the visit can do this."))


def _clean_answers(answers: Mapping[str, bool | None]) -> dict:
    missing = [q for q in Question.values if answers.get(q) is None]
    if missing:
        raise ValidationError({f"q_{missing[0]}": _("Answer every question")})
    return {q: bool(answers[q]) for q in Question.values}


# Planning (SAF-1, SAF-2).

def visit_plan_allowed(*, by: Professional) -> None:
    """Issue 13: a partner system's token writes for its agency, but plans no visit: the planner is the lone worker
    who goes, checks in and is looked for if they do not (SAF-1..6), and a system is no one."""
    require_a_person(by)


@transaction.atomic
def visit_plan(
    *,
    family: Family,
    by: Professional,
    planned_start: datetime,
    planned_minutes: int,
    purpose: str,
    contingency: str,
    factors: Iterable[str],
    answers: Mapping[str, bool | None],
    arrangements: Iterable[str],
    at_home: bool = True,
    venue: str = "",
    companions: str = "",
    assessment_notes: str = "",
    replaces: Visit | None = None,
) -> Visit:
    """Plan a visit with its risk assessment. Where risk is indicated it waits for the line manager's agreement
    (003 §5.3, 002 §9.5), and they are notified; otherwise it is ready to start."""
    visit_plan_allowed(by=by)
    family_require_write(professional=by, family=family, purpose="plan a visit")
    now = timezone.now()
    errors = {}
    factors = list(dict.fromkeys(factors))
    if set(factors) - set(RiskFactor.values):
        errors["factors"] = _("Select risk factors from the list")
    arrangements = list(dict.fromkeys(arrangements))
    if planned_start < now - PLAN_GRACE:
        errors["planned_on"] = _("A visit is planned before it is made: the start must be in the future")
    if not MIN_MINUTES <= planned_minutes <= MAX_MINUTES:
        errors["planned_minutes"] = _("A visit lasts between 5 minutes and 8 hours")
    address = None
    if at_home:
        current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
        address = current.address if current else None
        if address is None:
            errors["where"] = _("The family has no address recorded: choose a neutral venue")
        venue = ""
    elif not venue.strip():
        errors["venue"] = _("Enter the neutral venue")
    if not purpose.strip():
        errors["purpose"] = _("Enter the purpose of the visit")
    if not contingency.strip():
        errors["contingency"] = _("Enter what you will do if there is no access")
    try:
        answers = _clean_answers(answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        answers = {}
    arrangement_errors = rules.arrangement_errors(factors=factors, arrangements=arrangements, at_home=at_home)
    if arrangement_errors:
        errors["arrangements"] = arrangement_errors
    if set(arrangements) & ACCOMPANIED and not companions.strip():
        errors["companions"] = _("Say who is going with you: their name and agency")
    if replaces is not None and (replaces.family_id != family.pk or replaces.worker_id != by.pk):
        errors["replaces"] = _("You can only plan again from your own plan for this family")
    if errors:
        raise ValidationError(errors)

    known = risk_suggestions(family=family, professional=by)
    proposal = rules.propose(factors=factors, answers=answers, at_home=at_home)
    status = VisitStatus.AWAITING_AGREEMENT if proposal.agreement_required else VisitStatus.READY
    visit = Visit.objects.create(
        family=family, worker=by, agency=by.agency, planned_start=planned_start, planned_minutes=planned_minutes,
        at_home=at_home, address=address, venue=venue.strip(), purpose=purpose.strip(),
        contingency=contingency.strip(), companions=companions.strip(), factors=factors,
        factors_suggested=known["factors"], known_to=", ".join(known["known_to"])[:500],
        assessment_notes=assessment_notes.strip(), answers=answers,
        proposal=[p.as_dict() for p in proposal.proposed], arrangements=arrangements,
        agreement_required=proposal.agreement_required, status=status, replaces=replaces,
    )
    _event(visit, VisitEvent.Kind.PLANNED, by=by, note=Text("%(parts)s", {"parts": _arrangements(visit)}))
    audit_record(actor=by, action=AuditAction.CREATE, obj=visit, family=family,
                 summary=Text(gettext_noop("Visit planned for %(when)s")) % {"when": planned_start})
    chronology_record(
        family=family, kind=EntryKind.VISIT, occurred_at=now, by=by, source=visit,
        summary=Text(gettext_noop("Visit planned for %(when)s: %(arrangement)s")) % {
            "when": planned_start, "arrangement": visit.arrangement_labels_lazy()},
    )
    if status == VisitStatus.AWAITING_AGREEMENT:
        _event(visit, VisitEvent.Kind.SENT_FOR_AGREEMENT, by=by)
        _notify_each(
            managers_of(by), kind=NotificationKind.ACTION, link=f"/visits/{visit.pk}/decide/", family=family,
            mandatory=False, dedupe_key=f"visit:{visit.pk}:agreement",
            message=lambda: Text(gettext_noop("%(worker)s asks you to agree a visit plan: %(family)s, %(when)s")) % {
                "worker": by, "family": family.name_text, "when": planned_start},
        )
    return visit


@transaction.atomic
def visit_decide(
    *,
    visit: Visit,
    by: Professional,
    decision: str,
    reason: str = "",
    arrangements: Iterable[str] | None = None,
    companions: str | None = None,
    supervision_reference: str = "",
) -> Visit:
    """The manager agrees the plan, agrees it with changes, or refuses it with a reason (003 §5.3, 002 §9.5)."""
    visit = _lock(visit)
    if not may_decide(visit=visit, professional=by):
        if visit.status != VisitStatus.AWAITING_AGREEMENT:
            raise ValidationError({"decision": _("This plan is not waiting for agreement")})
        raise PermissionDenied(_("Only a manager of the worker's agency can agree this plan."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Select agree, agree with changes or refuse")})
    errors = {}
    if decision in (Decision.CHANGED, Decision.REFUSED) and not reason.strip():
        errors["reason"] = (_("Enter why you are refusing the plan") if decision == Decision.REFUSED
                            else _("Enter what you changed and why"))
    if decision == Decision.CHANGED:
        arrangements = list(dict.fromkeys(arrangements or []))
        companions = visit.companions if companions is None else companions.strip()
        problems = rules.arrangement_errors(factors=visit.factors, arrangements=arrangements, at_home=visit.at_home)
        if problems:
            errors["arrangements"] = problems
        elif set(arrangements) == set(visit.arrangements) and companions == visit.companions:
            errors["arrangements"] = _("Change the arrangement, or choose agree")
        if set(arrangements) & ACCOMPANIED and not companions:
            errors["companions"] = _("Say who is going with the worker: their name and agency")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    before = _arrangements(visit)
    if decision == Decision.CHANGED:
        visit.arrangements, visit.companions = arrangements, companions
    visit.decision, visit.decided_by, visit.decided_at = decision, by, now
    visit.decision_reason, visit.supervision_reference = reason.strip(), supervision_reference.strip()[:200]
    visit.status = VisitStatus.REFUSED if decision == Decision.REFUSED else VisitStatus.READY
    visit.save()
    kind = {Decision.AGREED: VisitEvent.Kind.AGREED, Decision.CHANGED: VisitEvent.Kind.CHANGED,
            Decision.REFUSED: VisitEvent.Kind.REFUSED}[decision]
    note = visit.decision_reason
    if decision == Decision.CHANGED:
        note = Text(gettext_noop("%(before)s → %(after)s. %(reason)s")) % {
            "before": before, "after": _arrangements(visit), "reason": note}
    _event(visit, kind, by=by, note=note, at=now)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit plan: %(decision)s")) % {"decision": Decision(decision).label},
                 reason=visit.decision_reason)
    chronology_record(
        family=visit.family, kind=EntryKind.VISIT, occurred_at=now, by=by, source=visit,
        summary=(Text(gettext_noop("Manager refused the visit plan for %(when)s")) if decision == Decision.REFUSED
                 else Text(gettext_noop("Manager agreed the visit plan for %(when)s: %(arrangement)s"))) % {
            "when": visit.planned_start, "arrangement": visit.arrangement_labels_lazy()},
    )
    messages = {
        Decision.AGREED: lambda: Text(gettext_noop("%(manager)s agreed your visit plan: %(family)s, %(when)s")),
        Decision.CHANGED: lambda: Text(gettext_noop("%(manager)s agreed your visit plan with changes: %(family)s, "
                                                    "%(when)s")),
        Decision.REFUSED: lambda: Text(gettext_noop("%(manager)s refused your visit plan: %(family)s, %(when)s")),
    }
    _notify_each([visit.worker], kind=NotificationKind.GENERAL, link=f"/visits/{visit.pk}/", family=visit.family,
                 mandatory=False, dedupe_key=f"visit:{visit.pk}:decision",
                 message=lambda: messages[decision]() % {"manager": by, "family": visit.family.name_text,
                                                         "when": visit.planned_start})
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by: Professional, reason: str) -> Visit:
    visit = _lock(visit)
    if by.pk != visit.worker_id and not may_manage(visit=visit, professional=by):
        raise PermissionDenied(_("Only the worker or a manager of their agency can cancel this visit."))
    if visit.status not in (VisitStatus.AWAITING_AGREEMENT, VisitStatus.READY):
        raise ValidationError({"reason": _("Only a visit that has not started can be cancelled")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the visit is cancelled")})
    visit.status, visit.ended_at, visit.ended_by, visit.end_note = VisitStatus.CANCELLED, timezone.now(), by, reason.strip()
    visit.save()
    _event(visit, VisitEvent.Kind.CANCELLED, by=by, note=visit.end_note)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit cancelled")),
                 reason=visit.end_note)
    return visit


# Out on the visit (SAF-3).

def _schedule(visit: Visit, *, now: datetime) -> None:
    """Set what is due next from the expected end, the chain and any acknowledgement's hold."""
    if visit.next_step >= len(visit.chain):
        visit.next_alert_at = None
        return
    due = visit.expected_back + timedelta(minutes=visit.chain[visit.next_step]["minutes"])
    if visit.acknowledged_at is not None and visit.escalated_at is not None:
        due = max(due, visit.acknowledged_at + timedelta(minutes=visit.hold_minutes))
    if due != visit.next_alert_at:
        # Issue 16: acted on at the due moment, not at the next sweep (which stays as the safety net).
        from doorstep.core.tasks_support import enqueue_at

        from .tasks import alarm_due
        enqueue_at(alarm_due, due, visit.pk)
    visit.next_alert_at = due


def _escalation_key(visit: Visit) -> str:
    return rules.saf_3_key(visit.pk, visit.alarm_round)


def _stand_down(visit: Visit, *, by, now: datetime, note, message: Text | None = None) -> None:
    """The worker has reported back (or someone on the chain has found them safe): tell everyone the alarm reached,
    close the tracked action, and start a new round so that a later alarm is a new one. `message` replaces the
    standard "Stand down" sentence (a false alarm says so)."""
    alerts = list(VisitAlert.objects.filter(visit=visit, round=visit.alarm_round).prefetch_related("recipients"))
    if alerts:
        told = {p.pk: p for a in alerts if a.step != ChainStep.REMINDER for p in a.recipients.all()}
        told.pop(by.pk if by else None, None)
        told.pop(visit.worker_id, None)
        _notify_each(
            told.values(), kind=NotificationKind.GENERAL, link=f"/visits/{visit.pk}/alarm/", family=visit.family,
            mandatory=True, dedupe_key=f"visit:{visit.pk}:r{visit.alarm_round}:stood-down",
            message=lambda: (message or Text(gettext_noop("Stand down: %(worker)s is safe (%(note)s, %(time)s)"))) % {
                "worker": visit.worker, "note": note, "time": _time(now)},
        )
        if Escalation.objects.filter(key=_escalation_key(visit), state__in=ACTIVE_STATES).exists():
            escalations_close_by_key(key=_escalation_key(visit), by=by, outcome=note)
        visit.alarm_round += 1
    visit.next_step = 0
    visit.alarm_step = ""
    visit.escalated_at = visit.acknowledged_at = visit.acknowledged_by = None
    visit.duress_at = None  # a discreet alarm ends with its round (the record keeps it)
    visit.alarm_error = ""


@transaction.atomic
def visit_start(*, visit: Visit, by: Professional, contact_number: str, vehicle: str = "",
                minutes: int | None = None, accompanied: bool = True, elsewhere: str = "",
                share_location: bool = False, location: Mapping | None = None, key: str = "") -> Visit:
    """"I've arrived": the monitored visit starts, with the contact number for this visit (SAF-3, 003 §5.4).
    `accompanied`: whoever the plan says goes with the worker is there; `elsewhere`: where the worker is, if not at
    the planned place. An arrival outside the plan still starts the visit (monitoring never waits), and it is
    flagged (issue 18). `key`: the press (`_pressed`)."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.STARTED)
    if earlier is not None:
        return visit
    if visit.status == VisitStatus.AWAITING_AGREEMENT:
        raise ValidationError({"contact_number": _("Your manager has not agreed this plan yet: you cannot start "
                                                   "the visit")})
    if visit.status != VisitStatus.READY:
        raise ValidationError({"contact_number": _("This visit cannot be started: it is %(status)s") % {
            "status": visit.get_status_display().lower()}})
    minutes = visit.planned_minutes if minutes is None else minutes
    errors = {}
    if not PHONE.match(contact_number.strip()):
        errors["contact_number"] = _("Enter the mobile number you will have with you, like 07700 900123")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("A visit lasts between 5 minutes and 8 hours")
    if Visit.objects.filter(worker=by, status=VisitStatus.IN_PROGRESS).exclude(pk=visit.pk).exists():
        errors["contact_number"] = _("You are already out on another visit: say you are safe and leaving first")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    visit.chain, visit.hold_minutes = chain_for(visit.agency)
    visit.contact_number, visit.vehicle = contact_number.strip(), vehicle.strip().upper()[:20]
    visit.status, visit.started_at = VisitStatus.IN_PROGRESS, now
    visit.expected_back = now + timedelta(minutes=minutes)
    visit.alarm_round, visit.next_step, visit.alarm_step = 1, 0, ""
    visit.escalated_at = visit.acknowledged_at = visit.acknowledged_by = None
    visit.location_consent, visit.location = share_location, None
    _located(visit, location, on="arrival", now=now)
    _schedule(visit, now=now)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # the same worker started another visit at the same moment
        raise ValidationError({"contact_number": _("You are already out on another visit")}) from None
    _event(visit, VisitEvent.Kind.STARTED, by=by, at=now, key=key,
           note=Text(gettext_noop("Expected back by %(time)s")) % {"time": _time(visit.expected_back)})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit started")))
    _arrived_off_plan(visit, by=by, now=now, accompanied=accompanied, elsewhere=elsewhere)
    return visit


def _located(visit: Visit, location: Mapping | None, *, on: str, now: datetime) -> None:
    """Issue 18: the phone's location, only with the worker's consent and only at arrival, help and extension. A value
    that is not a place on Earth is dropped, never refused: a request for help must not fail for it."""
    if not (location and visit.location_consent):
        return
    try:
        lat, lon, accuracy = (float(location[k]) for k in ("latitude", "longitude", "accuracy"))
    except (KeyError, TypeError, ValueError):
        return
    if -90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= accuracy <= 100_000:  # NaN fails every comparison
        visit.location = {"latitude": round(lat, 6), "longitude": round(lon, 6), "accuracy": round(accuracy),
                          "at": now.isoformat(), "on": on}


def _arrived_off_plan(visit: Visit, *, by, now: datetime, accompanied: bool, elsewhere: str) -> None:
    """Issue 18 (SAF-2, 002 §9.5): the plan is enforced. An arrival outside its time window or conditions is kept on
    the visit (the worker's page warns them), and the manager who agreed the plan (else the line manager) is told."""
    found = rules.off_plan(planned_start=visit.planned_start, arrangements=visit.arrangements, arrived=now,
                           expected_back=visit.expected_back, accompanied=accompanied, elsewhere=elsewhere)
    if not found:
        return
    visit.off_plan, visit.elsewhere = [str(f) for f in found], elsewhere.strip()[:300]
    visit.save(update_fields=["off_plan", "elsewhere"])
    labels = [OffPlan(f).label for f in found]
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Arrived outside the plan: %(off_plan)s")) % {"off_plan": labels})
    agreed_by = visit.decided_by if visit.decided_by_id and visit.decided_by.is_active else None
    message = (Text(gettext_noop("%(worker)s has arrived at a visit to %(family)s outside the plan you agreed: "
                                 "%(off_plan)s")) if agreed_by else
               Text(gettext_noop("%(worker)s has arrived at a visit to %(family)s outside its plan: %(off_plan)s")))
    _notify_each([agreed_by] if agreed_by else managers_of(by), kind=NotificationKind.ACTION,
                 link=f"/visits/{visit.pk}/", family=visit.family, mandatory=True,
                 dedupe_key=f"visit:{visit.pk}:off-plan",
                 message=lambda: message % {"worker": by, "family": visit.family.name_text, "off_plan": labels})


@transaction.atomic
def visit_extend(*, visit: Visit, by: Professional, minutes: int, location: Mapping | None = None,
                 key: str = "") -> Visit:
    """"Extend by 15 / 30 minutes": a check-in. If an alarm has started it is stood down. `key`: the press
    (`_pressed`): a queued extension that arrives twice extends once."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.EXTENDED)
    if earlier is not None:
        return visit
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError({"minutes": _("This visit is not in progress")})
    if minutes not in EXTENSIONS:
        raise ValidationError({"minutes": _("Extend by 15 or 30 minutes")})
    now = timezone.now()
    visit.expected_back = max(visit.expected_back, now) + timedelta(minutes=minutes)
    _stand_down(visit, by=by, now=now, note=gettext_lazy("extended the visit"))
    _schedule(visit, now=now)
    _located(visit, location, on="extension", now=now)
    visit.save()
    _event(visit, VisitEvent.Kind.EXTENDED, by=by, at=now, key=key,
           note=Text(gettext_noop("Expected back by %(time)s")) % {"time": _time(visit.expected_back)})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit extended by %(minutes)s minutes")) % {"minutes": minutes})
    return visit


def _end(visit: Visit, *, by, now: datetime) -> None:
    visit.status, visit.ended_at, visit.ended_by = VisitStatus.COMPLETED, now, by
    visit.next_alert_at = None
    chronology_record(
        family=visit.family, kind=EntryKind.VISIT, occurred_at=visit.started_at, by=visit.worker, source=visit,
        summary=Text(gettext_noop("Visit made by %(worker)s, %(start)s to %(end)s")) % {
            "worker": visit.worker, "start": visit.started_at, "end": _time(now)},
    )


@transaction.atomic
def visit_check_out(*, visit: Visit, by: Professional, something_happened: bool = False, key: str = "") -> Visit:
    """"I'm safe, leaving". If something happened (SAF-4, 004 §6.1), the manager is told at once; the incident is
    recorded next, on the incident form. `key`: the press (`_pressed`)."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.CHECKED_OUT)
    if earlier is not None:
        return visit
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError({"something_happened": _("This visit is not in progress")})
    now = timezone.now()
    _stand_down(visit, by=by, now=now, note=gettext_lazy("reported back safe"))
    _end(visit, by=by, now=now)
    visit.save()
    _event(visit, VisitEvent.Kind.CHECKED_OUT, by=by, at=now, key=key)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit ended: safe")))
    if something_happened:
        _something_happened(visit, by=by, now=now)
    return visit


def _something_happened(visit: Visit, *, by, now: datetime, key: str = "") -> None:
    visit.something_happened = True
    visit.save(update_fields=["something_happened"])
    _event(visit, VisitEvent.Kind.SOMETHING_HAPPENED, by=by, at=now, key=key)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Something happened at the visit: manager told")))
    # SAF-4 (004 §6.1): "Contact the Manager immediately".
    _notify_each(
        managers_of(by), kind=NotificationKind.VIOLENCE, link=f"/visits/{visit.pk}/", family=visit.family,
        mandatory=True, dedupe_key=f"visit:{visit.pk}:something-happened",
        message=lambda: Text(gettext_noop("%(worker)s says something happened at a visit to %(family)s (%(time)s). They are safe and "
                          "recording the incident: contact them now.")) % {
            "worker": by, "family": visit.family.name_text, "time": _time(now)},
    )
    chronology_record(
        family=visit.family, kind=EntryKind.VISIT, occurred_at=now, by=by, source=visit, significant=True,
        summary=Text(gettext_noop("%(worker)s reported that something happened at a visit; the manager was told at "
                                  "once")) % {
            "worker": by},
    )


# After check-out the worker may still say something happened (SAF-4), for this long.
REPORT_AFTER = timedelta(hours=24)


@transaction.atomic
def visit_something_happened(*, visit: Visit, by: Professional, key: str = "") -> Visit:
    """"Something happened", said after checking out: the manager is told at once (SAF-4, 004 §6.1). `key`: the
    press (`_pressed`)."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.SOMETHING_HAPPENED)
    if earlier is not None:
        return visit
    now = timezone.now()
    if visit.shows_as_checked_out:
        return visit  # issue 18: after the discreet alarm the chain has the full alarm; the page goes on as usual
    if visit.status == VisitStatus.IN_PROGRESS:
        raise ValidationError({"something_happened": _("Say you are safe and leaving first")})
    if visit.status != VisitStatus.COMPLETED or visit.ended_at < now - REPORT_AFTER:
        raise ValidationError({"something_happened": _("Record an incident from the family's case file")})
    if not visit.something_happened:
        _something_happened(visit, by=by, now=now, key=key)
    return visit


def _fire(visit: Visit, *, step: str, due_at: datetime, now: datetime) -> VisitAlert | None:
    """One step of the chain: the alert row (once per round, whatever happens), the notifications, the record."""
    recipients = recipients_for(visit.worker, step)
    try:
        with transaction.atomic():
            alert = VisitAlert.objects.create(visit=visit, round=visit.alarm_round, step=step, due_at=due_at,
                                              fired_at=now)
    except IntegrityError:  # already fired by another sweeper: never twice
        return None
    alert.recipients.set(recipients)
    visit.alarm_step = step
    worker, family = visit.worker, visit.family
    expected = _time(visit.expected_back)
    names = ", ".join(str(p) for p in recipients)
    if step == ChainStep.REMINDER:
        _notify_each(
            recipients, kind=NotificationKind.ACTION, link=f"/visits/{visit.pk}/go/", family=family, mandatory=True,
            dedupe_key=f"visit:{visit.pk}:r{visit.alarm_round}:{step}",
            message=lambda: Text(gettext_noop("You were due back from your visit at %(time)s. Say you are safe, or extend the "
                              "visit.")) % {"time": expected},
        )
    else:
        if visit.escalated_at is None:
            visit.escalated_at = now
        # SAF-3: the alarm is a message id, read in each recipient's language (issue 14).
        if step == ChainStep.HELP:
            message = lambda: Text(gettext_noop("HELP: %(worker)s needs help now at a visit to %(family)s. Open the "
                                                "emergency card.")) % {"worker": str(worker), "family": family.name_text}
        else:
            message = lambda: Text(gettext_noop("%(worker)s has not reported back from a visit to %(family)s "
                                                "(expected back at %(time)s). Open the emergency card and "
                                                "acknowledge.")) % {
                "worker": str(worker), "family": family.name_text, "time": expected}
        _notify_each(recipients, kind=NotificationKind.VISIT_OVERDUE, link=f"/visits/{visit.pk}/alarm/",
                     family=family, mandatory=True, dedupe_key=f"visit:{visit.pk}:r{visit.alarm_round}:{step}",
                     message=message)
    _event(visit, VisitEvent.Kind.ALERT, at=now, note=Text(gettext_noop("%(step)s: %(names)s")) % {
        "step": ChainStep(step).label, "names": names})
    audit_record(actor=None, action=AuditAction.CREATE, obj=alert, family=family,
                 summary=Text(gettext_noop("Lone-worker alert (%(step)s, round %(round)s) to %(names)s")) % {
                     "step": ChainStep(step).label, "round": visit.alarm_round, "names": names[:200]})
    if step != ChainStep.REMINDER and not VisitAlert.objects.filter(
            visit=visit, round=visit.alarm_round).exclude(pk=alert.pk).exclude(step=ChainStep.REMINDER).exists():
        chronology_record(
            family=family, kind=EntryKind.VISIT, occurred_at=now, agency=visit.agency, source=visit, significant=True,
            summary=(Text(gettext_noop("Lone-worker alarm: %(worker)s asked for help during a visit"))
                     if step == ChainStep.HELP else
                     Text(gettext_noop("Lone-worker alarm: %(worker)s had not reported back from a visit by "
                                       "%(time)s"))) % {
                "worker": worker, "time": expected},
        )
    if step in (ChainStep.EMERGENCY, ChainStep.HELP):
        # The top of the chain is a tracked action too (ESC-12 engine): someone owns it until the worker is safe.
        owner = (duty_managers_for(worker) or recipients or [worker])[0]
        rule_apply(rule_id="SAF-3", family=family, facts=rules.AlarmFacts(
            visit_id=visit.pk, alarm_round=visit.alarm_round, worker_name=str(worker), owner_id=owner.pk,
            expected_back=_time(visit.expected_back), now=now))
    return alert


def visit_alarm_fire_due(*, visit: Visit, now: datetime) -> list[VisitAlert]:
    """Fire every step of the chain that is due at `now` (several, if the sweep was down), in order, and schedule
    the next. Call inside the transaction that claimed the visit."""
    fired = []
    while visit.status == VisitStatus.IN_PROGRESS and visit.next_alert_at is not None and visit.next_alert_at <= now:
        step = visit.chain[visit.next_step]["step"]
        alert = _fire(visit, step=step, due_at=visit.next_alert_at, now=now)
        if alert is not None:
            fired.append(alert)
        visit.next_step += 1
        _schedule(visit, now=now)
    visit.alarm_error = ""
    visit.save()
    return fired


@transaction.atomic
def visit_help(*, visit: Visit, by: Professional, location: Mapping | None = None,
               key: str = "") -> VisitAlert | None:
    """"I need help now": straight to the top of the chain, at once (not waiting for the sweep). `key`: the press
    (`_pressed`): a queued request for help that arrives twice raises one alarm, and its repeat returns that alert."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.HELP)
    if earlier is not None:
        return VisitAlert.objects.filter(visit=visit, step=ChainStep.HELP, fired_at=earlier.at).first()
    now = timezone.now()
    if visit.status == VisitStatus.READY:
        _start_for_help(visit, by=by, now=now)
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError({"help": _("This visit is not in progress: phone 999 if you are in danger")})
    if visit.help_requested_at is None or not VisitAlert.objects.filter(
            visit=visit, round=visit.alarm_round, step=ChainStep.HELP).exists():
        visit.help_requested_at = now
    _located(visit, location, on="help", now=now)
    _event(visit, VisitEvent.Kind.HELP, by=by, at=now, key=key)
    alert = _fire(visit, step=ChainStep.HELP, due_at=now, now=now)
    # Nothing more is timed: everyone on the chain has it. It ends when someone records the outcome.
    visit.next_alert_at = None
    visit.next_step = len(visit.chain)
    visit.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Help requested")))
    return alert


def _start_for_help(visit: Visit, *, by, now: datetime) -> None:
    """Issue 18: "I need help now" is on the visit page from the doorstep, before "I've arrived". Pressed then, the
    visit starts (so the chain knows where the worker is, SAF-3) with the number it has, and the help goes at once.
    A worker already out on another visit asks for help on that one."""
    if Visit.objects.filter(worker=by, status=VisitStatus.IN_PROGRESS).exclude(pk=visit.pk).exists():
        raise ValidationError({"help": _("You are out on another visit: ask for help from that visit's page, or "
                                         "phone 999")})
    visit.chain, visit.hold_minutes = chain_for(visit.agency)
    visit.contact_number = visit.contact_number or by.phone or ""
    visit.status, visit.started_at = VisitStatus.IN_PROGRESS, now
    visit.expected_back = now + timedelta(minutes=visit.planned_minutes)
    visit.alarm_round, visit.next_step, visit.alarm_step = 1, 0, ""
    visit.save()
    _event(visit, VisitEvent.Kind.STARTED, by=by, at=now)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Visit started by asking for help")))


@transaction.atomic
def visit_help_cancel(*, visit: Visit, by: Professional, reason: str) -> Visit:
    """Issue 18: "Cancel: false alarm". Only the worker, only while their help request is live, with a reason that
    everyone alerted is told (SAF-3: nothing silently dropped). The visit goes on and its normal monitoring resumes."""
    visit = _lock(visit)
    _require_worker(visit, by)
    if visit.status != VisitStatus.IN_PROGRESS or visit.alarm_step != ChainStep.HELP:
        raise ValidationError({"reason": _("There is no request for help to cancel")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why it was a false alarm")})
    now, reason = timezone.now(), reason.strip()
    _event(visit, VisitEvent.Kind.FALSE_ALARM, by=by, at=now, note=reason)
    _stand_down(visit, by=by, now=now, note=reason, message=Text(gettext_noop(
        "False alarm: %(worker)s cancelled their request for help (%(note)s, %(time)s). Stand down.")))
    visit.help_requested_at = None
    _schedule(visit, now=now)
    visit.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Request for help cancelled: false alarm")), reason=reason)
    chronology_record(family=visit.family, kind=EntryKind.VISIT, occurred_at=now, by=by, source=visit,
                      summary=Text(gettext_noop("Lone-worker alarm over: %(worker)s cancelled a false alarm")) % {
                          "worker": visit.worker})
    return visit


@transaction.atomic
def visit_duress(*, visit: Visit, by: Professional, key: str = "") -> Visit:
    """Issue 18 (BS 8484 lone-worker devices): the discreet alarm. A worker who cannot press a red button in front
    of the family checks out with the duress choice: their screen shows an ordinary check-out, the chain gets the
    full alarm at once, as for "I need help now" (SAF-3, SAF-4). Refused exactly as a check-out would be. `key`: the
    press (`_pressed`)."""
    visit = _lock(visit)
    _require_worker(visit, by)
    earlier, key = _pressed(visit, key, VisitEvent.Kind.DURESS)
    if earlier is not None:
        return visit
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError({"something_happened": _("This visit is not in progress")})
    visit_help(visit=visit, by=by)
    visit = _lock(visit)
    now = timezone.now()
    visit.duress_at = now
    visit.save(update_fields=["duress_at"])
    _event(visit, VisitEvent.Kind.DURESS, by=by, at=now, key=key)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Discreet alarm: the worker checked out under duress")))
    return visit


# The people on the chain.

@transaction.atomic
def visit_acknowledge(*, visit: Visit, by: Professional) -> Visit:
    """Someone on the chain has the alert and is dealing with it: the chain holds for the procedure's hold time,
    then moves on if the worker has still not been found safe."""
    visit = _lock(visit)
    if not (visit.escalation_started and on_chain(visit=visit, professional=by)):
        raise PermissionDenied(_("Only the people this alarm has gone to can acknowledge it, while it is running."))
    now = timezone.now()
    pending = VisitAlert.objects.filter(visit=visit, round=visit.alarm_round, acknowledged_at__isnull=True).exclude(
        step=ChainStep.REMINDER)
    if not pending.exists():
        return visit
    pending.update(acknowledged_at=now, acknowledged_by=by)
    visit.acknowledged_at, visit.acknowledged_by = now, by
    _schedule(visit, now=now)
    visit.save()
    _event(visit, VisitEvent.Kind.ACKNOWLEDGED, by=by, at=now)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Alarm acknowledged")))
    escalation = Escalation.objects.filter(key=_escalation_key(visit), state__in=ACTIVE_STATES).first()
    if escalation is not None:
        try:
            escalation_acknowledge(escalation=escalation, by=by)
        except PermissionDenied:
            pass  # acknowledged on the visit; the tracked action stays with its owner
    others = {p.pk: p for a in VisitAlert.objects.filter(visit=visit, round=visit.alarm_round)
              .exclude(step=ChainStep.REMINDER).prefetch_related("recipients") for p in a.recipients.all()}
    others.pop(by.pk, None)
    _notify_each(others.values(), kind=NotificationKind.GENERAL, link=f"/visits/{visit.pk}/alarm/",
                 family=visit.family, mandatory=False,
                 dedupe_key=f"visit:{visit.pk}:r{visit.alarm_round}:ack:{now.timestamp():.0f}",
                 message=lambda: Text(gettext_noop("%(person)s has acknowledged the alarm for %(worker)s and is dealing with it")) % {
                     "person": by, "worker": visit.worker})
    return visit


RESOLVE_ENDED, RESOLVE_CONTINUING = "ended", "continuing"


@transaction.atomic
def visit_resolve(*, visit: Visit, by: Professional, outcome: str, note: str, minutes: int | None = None) -> Visit:
    """Someone on the chain records that the worker is safe: the visit has ended, or it goes on and the worker is
    expected back in `minutes` (a new round of monitoring)."""
    visit = _lock(visit)
    if not (visit.escalation_started and on_chain(visit=visit, professional=by)):
        raise PermissionDenied(_("Only the people this alarm has gone to can record its outcome, while it is running."))
    errors = {}
    if outcome not in (RESOLVE_ENDED, RESOLVE_CONTINUING):
        errors["outcome"] = _("Say whether the visit has ended or goes on")
    if not note.strip():
        errors["note"] = _("Enter how you know the worker is safe")
    if outcome == RESOLVE_CONTINUING and minutes not in (15, 30, 60):
        errors["minutes"] = _("Say when they are now expected back")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _event(visit, VisitEvent.Kind.RESOLVED, by=by, at=now, note=note.strip())
    _stand_down(visit, by=by, now=now, note=note.strip())
    if outcome == RESOLVE_ENDED:
        _end(visit, by=by, now=now)
        visit.end_note = note.strip()
    else:
        visit.expected_back = now + timedelta(minutes=minutes)
        visit.help_requested_at = None
        _schedule(visit, now=now)
    visit.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=(Text(gettext_noop("Alarm resolved: the visit has ended")) if outcome == RESOLVE_ENDED
                          else Text(gettext_noop("Alarm resolved: the visit goes on"))), reason=note.strip())
    chronology_record(family=visit.family, kind=EntryKind.VISIT, occurred_at=now, by=by, source=visit,
                      summary=Text(gettext_noop("Lone-worker alarm over: %(worker)s is safe")) % {"worker": visit.worker})
    return visit


@transaction.atomic
def visit_escalate_now(*, visit: Visit, by: Professional) -> VisitAlert | None:
    """Someone on the chain starts the emergency procedure without waiting for its time."""
    visit = _lock(visit)
    if not (visit.escalation_started and on_chain(visit=visit, professional=by)):
        raise PermissionDenied(_("Only the people this alarm has gone to can start the emergency procedure."))
    now = timezone.now()
    _event(visit, VisitEvent.Kind.ESCALATED, by=by, at=now)
    alert = _fire(visit, step=ChainStep.EMERGENCY, due_at=now, now=now)
    emergency = next((i for i, s in enumerate(visit.chain) if s["step"] == ChainStep.EMERGENCY), len(visit.chain))
    visit.next_step = max(visit.next_step, emergency + 1)
    _schedule(visit, now=now)
    visit.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Emergency procedure started")))
    return alert

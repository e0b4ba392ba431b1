"""Writes of retention and erasure (issue 20): the nightly review of one family, the schedule, legal holds, and
erasure proposed by one person and decided by a second. Each is one transaction with its audit row (and the
family's chronology entry where the family's record changes)."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import AgencyKind, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Text, text_to_json
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.services import escalation_cancel
from doorstep.families.models import CHILD_ROLES, ChildStatus, Family, Involvement, Person
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import selectors
from .erasure import family_scrub
from .models import ErasureRequest, ErasureState, HoldGround, LegalHold, RecordKind, RetentionPeriod, RetentionReview
from .schedule import AFTER_CLOSURE, DEFAULTS, YEARS_RANGE, Child, Decision, RetentionFacts, retention_decide

NOTE_MAX = 2000
# Why an erased family's open actions were cancelled, in the reader's language.
ACTIONS_ENDED = Text(gettext_noop("The family's records were erased under the retention schedule"))


def retention_facts(*, family: Family) -> RetentionFacts:
    """What the schedule needs of a family, in three queries: when the last involvement ended (none active), its
    children, and whether a child was ever on a plan or looked after (the people's history, not only today's
    status)."""
    involvements = list(Involvement.objects.filter(family=family).values_list("ended_on", "agency__kind"))
    closed_on = None
    if involvements and all(ended is not None for ended, _kind in involvements):
        closed_on = max(ended for ended, _kind in involvements)
    children = list(Person.objects.filter(family=family, role__in=CHILD_ROLES)
                    .values_list("pk", "date_of_birth", "expected_date", "child_status"))
    ever = {}
    for pk, status in (Person.history.model.objects.filter(family_id=family.pk, role__in=CHILD_ROLES,
                                                           child_status__in=[ChildStatus.LOOKED_AFTER,
                                                                             ChildStatus.CHILD_PROTECTION])
                       .values_list("id", "child_status").distinct()):
        ever.setdefault(pk, set()).add(status)
    facts = []
    for pk, born, expected, status in children:
        statuses = ever.get(pk, set()) | {status}
        facts.append(Child(born or expected, ChildStatus.LOOKED_AFTER in statuses,
                           ChildStatus.CHILD_PROTECTION in statuses))
    police = any(kind == AgencyKind.POLICE for _ended, kind in involvements)
    return RetentionFacts(closed_on=closed_on, children=tuple(facts), police_involved=police)


def family_retention_decision(*, family: Family) -> Decision:
    return retention_decide(retention_facts(family=family), selectors.schedule_current())


@transaction.atomic
def family_retention_review(*, family: Family, now: datetime) -> RetentionReview:
    """The nightly review of one family (scheduled.py): when its records may go, under which kind, and why.
    Idempotent: one row per family, rewritten."""
    facts = retention_facts(family=family)
    decision = retention_decide(facts, selectors.schedule_current())
    review, _created = RetentionReview.objects.update_or_create(family=family, defaults={
        "computed_at": now, "closed_on": facts.closed_on, "retain_until": decision.retain_until,
        "kind": decision.kind, "reasons": [text_to_json(r) for r in decision.reasons()]})
    return review


@transaction.atomic
def retention_schedule_update(*, by: Professional, periods: dict[str, tuple[int, int | None]],
                              reason: str) -> list[RetentionPeriod]:
    """An administrator changes the schedule (issue 20: configurable, audited, bad input refused). `periods` maps
    each kind of record to (years, years if the youngest child was 16 or 17). Applies at the next nightly review."""
    selectors.require_administrator(by)
    low, high = YEARS_RANGE
    errors = {}
    for kind, (years, older) in periods.items():
        if kind not in DEFAULTS:
            errors["__all__"] = _("Choose kinds of record from the schedule")
            continue
        kind = RecordKind(kind).value
        if not isinstance(years, int) or not low <= years <= high:
            errors[f"{kind}_years"] = _("Enter a whole number of years from %(low)s to %(high)s") % {
                "low": low, "high": high}
        if DEFAULTS[kind].basis == AFTER_CLOSURE:
            continue
        if not isinstance(older, int) or not low <= older <= high:
            errors[f"{kind}_older_years"] = _("Enter a whole number of years from %(low)s to %(high)s") % {
                "low": low, "high": high}
        elif isinstance(years, int) and older < years:
            errors[f"{kind}_older_years"] = _("The birthday for a child of 16 or 17 cannot come before the "
                                              "usual birthday")
    if not reason.strip():
        errors["reason"] = _("Enter why the schedule is changing")
    if errors:
        raise ValidationError(errors)
    current = selectors.schedule_current()
    changed = []
    for kind, (years, older) in periods.items():
        older = older if DEFAULTS[kind].basis != AFTER_CLOSURE else None
        if (current[kind].years, current[kind].older_years) == (years, older):
            continue
        row, _created = RetentionPeriod.objects.update_or_create(
            kind=kind, defaults={"years": years, "older_years": older, "updated_by": by})
        audit_record(actor=by, action=AuditAction.UPDATE, obj=row, reason=reason.strip(),
                     summary=Text(gettext_noop("Changed the retention of %(kind)s from %(before)s to %(after)s "
                                               "years")) % {
                         "kind": RecordKind(kind).label,
                         "before": _years(current[kind].years, current[kind].older_years),
                         "after": _years(years, older)})
        changed.append(row)
    return changed


def _years(years: int, older: int | None) -> str:
    return f"{years}" if older is None or older == years else f"{years}/{older}"


def _require_note(note: str, field: str, message: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError({field: message})
    if len(note) > NOTE_MAX:
        raise ValidationError({field: _("Write no more than %(n)s characters") % {"n": NOTE_MAX}})
    return note


def _erased(family: Family) -> bool:
    return RetentionReview.objects.filter(family=family, erased_at__isnull=False).exists()


@transaction.atomic
def legal_hold_place(*, family: Family, by: Professional, ground: str, note: str = "") -> LegalHold:
    """A records manager keeps the family from erasure (litigation, an inquiry, a subject access request)."""
    selectors.require_records_manager(by)
    family = selectors.retained_family_get(officer=by, family_id=family.pk)
    if ground not in HoldGround.values:
        raise ValidationError({"ground": _("Select why the family's records are held")})
    note = note.strip()
    if ground == HoldGround.OTHER:
        note = _require_note(note, "note", _("Say why the family's records are held"))
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Write no more than %(n)s characters") % {"n": NOTE_MAX}})
    if _erased(family):
        raise ValidationError({"ground": _("This family's records have already been erased")})
    hold = LegalHold.objects.create(family=family, ground=ground, note=note, placed_by=by, placed_at=timezone.now())
    audit_record(actor=by, action=AuditAction.CREATE, obj=hold, family=family, reason=note,
                 summary=Text(gettext_noop("Placed a legal hold (%(ground)s): the family's records are not erased "
                                           "while it lasts")) % {"ground": HoldGround(ground).label})
    chronology_record(family=family, kind=EntryKind.FAMILY, by=by, occurred_at=timezone.now(),
                      summary=Text(gettext_noop("Legal hold placed by %(agency)s (%(ground)s)")) % {
                          "agency": by.agency.name_text, "ground": HoldGround(ground).label})
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, by: Professional, note: str) -> LegalHold:
    selectors.require_records_manager(by)
    hold = selectors.hold_get_for(officer=by, hold_id=hold.pk)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError({"note": _("This hold has already been lifted")})
    hold.lift_note = _require_note(note, "note", _("Say why the hold is lifted"))
    hold.lifted_by, hold.lifted_at = by, timezone.now()
    hold.save(update_fields=["lift_note", "lifted_by", "lifted_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=hold, family=hold.family, reason=hold.lift_note,
                 summary=Text(gettext_noop("Lifted a legal hold (%(ground)s)")) % {
                     "ground": HoldGround(hold.ground).label})
    chronology_record(family=hold.family, kind=EntryKind.FAMILY, by=by, occurred_at=timezone.now(),
                      summary=Text(gettext_noop("Legal hold lifted by %(agency)s")) % {"agency": by.agency.name_text})
    return hold


def erasure_refusal(*, family: Family, today: date) -> tuple[str, Decision]:
    """Why the family cannot be erased today ("" when it can), and the schedule's decision."""
    decision = family_retention_decision(family=family)
    if _erased(family):
        return _("This family's records have already been erased."), decision
    if decision.retain_until is None:
        return _("An agency is still involved with this family: retention has not started."), decision
    if not decision.past(today):
        return _("This family's records are kept until %(date)s: they cannot be erased before then.") % {
            "date": formats.date_format(decision.retain_until)}, decision
    if LegalHold.objects.filter(family=family, lifted_at__isnull=True).exists():
        return _("This family is on legal hold: its records cannot be erased while the hold lasts."), decision
    return "", decision


@transaction.atomic
def erasure_propose(*, family: Family, by: Professional, note: str = "") -> ErasureRequest:
    """A records manager proposes erasing a family past retention; a second person decides (`erasure_decide`)."""
    selectors.require_records_manager(by)
    family = selectors.retained_family_get(officer=by, family_id=family.pk)
    Family.objects.select_for_update().filter(pk=family.pk).first()
    refusal, decision = erasure_refusal(family=family, today=timezone.localdate())
    if refusal:
        raise ValidationError({"note": refusal})
    if ErasureRequest.objects.filter(family=family, state=ErasureState.PROPOSED).exists():
        raise ValidationError({"note": _("Erasure of this family has already been proposed: a second person "
                                         "decides it.")})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Write no more than %(n)s characters") % {"n": NOTE_MAX}})
    request = ErasureRequest.objects.create(family=family, kind=decision.kind, retain_until=decision.retain_until,
                                            proposed_by=by, proposed_at=timezone.now(), note=note)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=family, reason=note,
                 summary=Text(gettext_noop("Proposed erasing family %(reference)s under the retention schedule "
                                           "(%(kind)s, kept until %(date)s)")) % {
                     "reference": family.reference, "kind": RecordKind(decision.kind).label,
                     "date": decision.retain_until})
    # A second person decides: the agency's other records managers, and the proposer's line manager.
    deciders = list(Professional.objects.filter(agency_id=by.agency_id, is_records_manager=True, is_active=True)
                    .exclude(pk=by.pk))
    if by.line_manager_id and by.line_manager.is_active:
        deciders.append(by.line_manager)
    notify(recipients=deciders, kind=NotificationKind.GENERAL, family=family,
           link=reverse("retention:decide", args=[request.pk]),
           message=Text(gettext_noop("Erasure of family %(reference)s is proposed under the retention schedule: "
                                     "a second person decides it")) % {"reference": family.reference})
    return request


@transaction.atomic
def erasure_decide(*, request: ErasureRequest, by: Professional, approve: bool | None, note: str = "") -> ErasureRequest:
    """A second person (another records manager, or a records manager's manager; never the proposer) approves or
    refuses. Approving erases the family in this same transaction (erasure.py: every record's personal data
    cleared, the rows kept for the figures, the history purged) and writes the audit tombstone."""
    request = selectors.request_get_for(officer=by, request_id=request.pk)
    request = ErasureRequest.objects.select_for_update().select_related("family", "proposed_by").get(pk=request.pk)
    if request.proposed_by_id == by.pk:
        raise PermissionDenied(_("You proposed this erasure: a second person must decide it."))
    if request.state != ErasureState.PROPOSED:
        raise ValidationError({"decision": _("This proposal has already been decided")})
    if approve is None:
        raise ValidationError({"decision": _("Select whether to approve or refuse the erasure")})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Write no more than %(n)s characters") % {"n": NOTE_MAX}})
    family = request.family
    now = timezone.now()
    if not approve:
        request.decision_note = _require_note(note, "note", _("Say why the erasure is refused"))
        request.state, request.decided_by, request.decided_at = ErasureState.REFUSED, by, now
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=family, reason=request.decision_note,
                     summary=Text(gettext_noop("Refused the erasure of family %(reference)s")) % {
                         "reference": family.reference})
        return request
    # Held, or no longer past retention (a new involvement, a changed schedule): refused, nothing erased.
    refusal, decision = erasure_refusal(family=family, today=timezone.localdate())
    if refusal:
        raise ValidationError({"decision": refusal})
    request.state, request.decided_by, request.decided_at = ErasureState.ERASED, by, now
    request.decision_note = note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    # An erased family's open actions end with it, through the engine (each closed, with its event and audit row),
    # before the words go: nobody is chased for a family whose records no longer exist.
    for escalation in Escalation.objects.filter(family=family, state__in=ACTIVE_STATES):
        escalation_cancel(escalation=escalation, by=by, reason=ACTIONS_ENDED)
    touched = family_scrub(family=family)
    RetentionReview.objects.update_or_create(family=family, defaults={
        "computed_at": now, "retain_until": decision.retain_until, "kind": decision.kind, "reasons": [],
        "erased_at": now})
    # The tombstone (issue 20): no personal data, only the family's number, the rule, the date and the two people.
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=family,
                 summary=Text(gettext_noop("Family %(reference)s erased under the retention schedule: %(kind)s, kept "
                                           "until %(date)s; proposed by %(proposer)s, approved by %(approver)s")) % {
                     "reference": family.reference, "kind": RecordKind(decision.kind).label,
                     "date": decision.retain_until, "proposer": str(request.proposed_by), "approver": str(by)},
                 reason=Text(gettext_noop("Records cleared: %(count)s")) % {"count": sum(touched.values())})
    chronology_record(family=family, kind=EntryKind.FAMILY, by=by, occurred_at=now,
                      summary=Text(gettext_noop("The family's records were erased under the retention schedule "
                                                "(%(kind)s)")) % {"kind": RecordKind(decision.kind).label})
    return request

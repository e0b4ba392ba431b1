"""Writes for multi-agency meetings (MTG-1..9). Each is one transaction that writes its audit row and its
chronology entry, raises or closes the tracked actions it causes, and queues its e-mails to go after commit."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext_lazy

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.access import require_a_person
from doorstep.core.texts import Text, choice_label
from doorstep.core.workingdays import end_of_day, working_days_deadline
from doorstep.partnerships.selectors import family_nation
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalation_cancel, escalation_complete, rule_settings
from doorstep.families.models import Family, Involvement
from doorstep.families.selectors import family_require_write
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import rules
from .delivery import invitation_email_queue
from .models import SHORT_NAMES
from .models import (
    AgencyRole,
    CalendarMethod,
    Invitation,
    Meeting,
    MeetingState,
    Minutes,
    MinutesRecipient,
    MinutesState,
    Outcome,
    ParentsAttendance,
    PlanAction,
    PlanActionUpdate,
    RecipientKind,
    Response,
    Urgency,
)
from .selectors import caller_facts, may_manage, may_update_action

# A plan action is due within a year of the meeting, or it is not a plan.
LONGEST_ACTION_DAYS = 366


def _held_text(meeting: Meeting, held_on: date) -> Text:
    return Text(gettext_noop("%(meeting)s held on %(day)s")) % {"meeting": meeting.short_label, "day": held_on}


def _moment(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _require_manager(meeting: Meeting, by) -> None:
    if not may_manage(by, meeting):
        raise PermissionDenied(_("Only the meeting's chair and minute-taker can do this (MTG-2: the calling agency "
                                 "chairs and minutes the meeting)."))
    # Issue 13: running a meeting writes the family's record, which emergency access never does.
    family_require_write(professional=by, family=meeting.family, purpose="run a meeting")


def _require_chair(meeting: Meeting, by) -> None:
    if by.pk != meeting.chair_id:
        raise PermissionDenied(_("Only the chair of the meeting can do this."))
    family_require_write(professional=by, family=meeting.family, purpose="chair a meeting")


def _involved_agency_ids(family: Family) -> set[int]:
    return set(Involvement.objects.filter(family=family, ended_on__isnull=True).values_list("agency_id", flat=True))


def _hold_key(meeting: Meeting) -> str:
    return rules.hold_key(meeting.pk)


def _circulate_key(meeting: Meeting) -> str:
    return rules.circulate_key(meeting.pk)


def _review_key(meeting: Meeting) -> str:
    return rules.review_key(meeting.pk)


def _action_key(action: PlanAction) -> str:
    return rules.action_key(action.pk)


def _meeting_facts(meeting: Meeting, **extra) -> rules.MeetingFacts:
    return rules.MeetingFacts(meeting_id=meeting.pk, family_reference=meeting.family.reference,
                              family_name=meeting.family.name_text,
                              short_name=SHORT_NAMES.get(meeting.kind, meeting.get_kind_display()),
                              chair_id=meeting.chair_id, **extra)


def _close_key(key: str, *, by, outcome: "str | Text", cancel: bool = False) -> None:
    for escalation in Escalation.objects.filter(key=key, state__in=ACTIVE_STATES):
        if cancel:
            escalation_cancel(escalation=escalation, by=by, reason=outcome)
        else:
            escalation_complete(escalation=escalation, by=by, outcome=outcome)


def _validate_time(*, starts_at: datetime, hold_by: datetime, duration_minutes: int, location: str) -> dict:
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = _("The meeting must start in the future")
    elif starts_at > hold_by:
        errors["starts_at"] = _("The meeting must be held by %(when)s: choose an earlier date, or call it with "
                                "another urgency") % {"when": _moment(hold_by)}
    if not 15 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A meeting lasts between 15 minutes and 8 hours")
    if not location.strip():
        errors["location"] = _("Enter where the meeting is held")
    return errors


def _staff_of_calling_agency(person, agency, field: str, errors: dict) -> None:
    if person is None:
        return
    if person.agency_id != agency.pk or not person.is_active or not person.works_with_families:
        errors[field] = _("The chair and the minute-taker come from the calling agency (MTG-2)")
    elif person.role == Role.SYSTEM:
        errors[field] = _("The chair and the minute-taker are people, not a partner system")


def meeting_call_allowed(*, by: Professional) -> None:
    """Issue 13: a partner system's token writes for its agency, but calls no meeting: the caller chairs and minutes
    it unless others are named, and a system can do neither (PermissionDenied before anything else is read)."""
    require_a_person(by)


@transaction.atomic
def meeting_call(
    *,
    family: Family,
    by: Professional,
    kind: str,
    reason: str,
    starts_at: datetime,
    location: str,
    urgency: str = Urgency.WORKING_DAYS,
    within_working_days: int | None = None,
    duration_minutes: int = 60,
    parents: str | None = None,
    parents_excluded_reason: str = "",
    chair: Professional | None = None,
    minute_taker: Professional | None = None,
    escalation: Escalation | None = None,
    review_of: Meeting | None = None,
) -> Meeting:
    """Call a meeting (MTG-2). A MARP only by a designated postholder of health, education, children's social care,
    housing or police; the calling agency chairs and minutes it; the urgency, or the escalation that asks for the
    meeting, sets the time by which it must be held."""
    meeting_call_allowed(by=by)
    refused = rules.refusal(kind, caller_facts(professional=by, family=family))
    if refused:
        raise PermissionDenied(refused)
    rule = rules.rule_for(kind)
    # MTG-2's setting for the kind (ESC-12), in the family's partnership (issue 21).
    usual_days = rules.timescale(kind, rule_settings("MTG-2", family.partnership_id)[1])
    now = timezone.now()
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Enter the concern the meeting is called about")
    if escalation is not None:
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if escalation.family_id != family.pk or escalation.rule_id not in rules.MEETING_ESCALATION_RULES:
            errors["escalation"] = _("That escalation does not ask for a meeting about this family")
        elif not escalation.is_active:
            errors["escalation"] = _("That escalation is already closed")
        elif Meeting.objects.filter(escalation=escalation, state__in=[MeetingState.SCHEDULED]).exists():
            errors["escalation"] = _("A meeting for that escalation is already scheduled")
    if review_of is not None and (review_of.family_id != family.pk or review_of.state != MeetingState.CLOSED):
        errors["review_of"] = _("Only a meeting of this family whose minutes are circulated can be reviewed")
    if urgency == Urgency.IMMEDIATE:
        within_working_days = 1
    elif urgency == Urgency.WORKING_DAYS:
        within_working_days = within_working_days or usual_days
        if not 1 <= within_working_days <= 60:
            errors["within_working_days"] = _("Enter a number of working days between 1 and 60")
            within_working_days = usual_days
    else:
        errors["urgency"] = _("Select how urgent the meeting is")
        within_working_days = usual_days
    hold_by = working_days_deadline(now, within_working_days, family_nation(family))  # its partnership's nation
    if escalation is not None and escalation.deadline is not None and escalation.deadline > now \
            and not errors.get("escalation"):
        # The protocol's own timescale (e.g. ESC-2: core group within 3 working days) stands if it is sooner.
        hold_by = min(hold_by, escalation.deadline)
    errors.update(_validate_time(starts_at=starts_at, hold_by=hold_by, duration_minutes=duration_minutes,
                                 location=location))
    if rule.parents == rules.Parents.EXCLUDED:
        parents = ParentsAttendance.EXCLUDED
        parents_excluded_reason = parents_excluded_reason.strip() or str(rule.excluded_reason)
    parents = parents or rules.default_parents(kind)
    if parents == ParentsAttendance.EXCLUDED and not parents_excluded_reason.strip():
        errors["parents_excluded_reason"] = _("Say why parents are not invited (004 §3.5)")
    chair = chair or by
    minute_taker = minute_taker or by
    _staff_of_calling_agency(chair, by.agency, "chair", errors)
    _staff_of_calling_agency(minute_taker, by.agency, "minute_taker", errors)
    if errors:
        raise ValidationError(errors)

    meeting = Meeting.objects.create(
        family=family, kind=kind, called_by=by, calling_agency=by.agency, chair=chair, minute_taker=minute_taker,
        reason=reason.strip(), urgency=urgency, within_working_days=within_working_days, hold_by=hold_by,
        starts_at=starts_at, duration_minutes=duration_minutes, location=location.strip(), parents=parents,
        parents_excluded_reason=parents_excluded_reason.strip() if parents == ParentsAttendance.EXCLUDED else "",
        escalation=escalation, review_of=review_of, called_at=now,
    )
    for person in {chair.pk: chair, minute_taker.pk: minute_taker}.values():
        invitation = Invitation.objects.create(
            meeting=meeting, invitee=person, agency=person.agency, invited_by=by, invited_at=now,
            response=Response.ACCEPTED if person.pk == by.pk else Response.PENDING,
            responded_at=now if person.pk == by.pk else None,
        )
        invitation_email_queue(invitation=invitation)
    audit_record(actor=by, action=AuditAction.CREATE, obj=meeting, family=family,
                 summary=Text(gettext_noop("Called a meeting: %(kind)s")) % {"kind": choice_label(meeting, "kind")},
                 reason=meeting.reason)
    chronology_record(
        family=family, kind=EntryKind.MEETING, occurred_at=now, by=by, source=meeting, tags=[f"meeting:{kind}"],
        summary=Text(gettext_noop("%(meeting)s called by %(agency)s for %(when)s, to be held by %(by)s")) % {
            "meeting": meeting.short_label, "agency": by.agency.name_text, "when": starts_at, "by": hold_by},
    )
    if escalation is None:
        # MTG-2: the urgency's deadline is a tracked action on the chair, closed when the meeting is held.
        rule_apply(rule_id="MTG-2", family=family,
                   facts=_meeting_facts(meeting, called_by=str(by), hold_by=hold_by))
    return meeting


@transaction.atomic
def meeting_invite(
    *, meeting: Meeting, by: Professional, invitees: Iterable[Professional], specialist_reason: str = ""
) -> list[Invitation]:
    """Invite people. Anyone from an agency not involved with the family is a specialist (MTG-6): invited for a
    specialist opinion or resource, they see nothing until they accept the confidentiality terms."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("family").get(pk=meeting.pk)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError({"invitees": _("Only a meeting that has not yet been held can have invitations")})
    already = set(meeting.invitations.values_list("invitee_id", flat=True))
    chosen = [p for p in {p.pk: p for p in invitees}.values() if p.pk not in already]
    errors = {}
    if not chosen:
        errors["invitees"] = _("Choose someone who is not already invited")
    for person in chosen:
        if not (person.is_active and person.works_with_families and person.role != Role.SYSTEM):
            errors["invitees"] = _("%(name)s cannot be invited: only practitioners and managers of an agency attend "
                                   "meetings") % {"name": person}
    involved = _involved_agency_ids(meeting.family)
    specialists = [p for p in chosen if p.agency_id not in involved]
    if specialists and not specialist_reason.strip():
        errors["specialist_reason"] = _("Say why the specialist opinion or resource of %(names)s is needed (000)") % {
            "names": ", ".join(str(p) for p in specialists)}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    created = []
    for person in chosen:
        specialist = person.agency_id not in involved
        invitation = Invitation.objects.create(
            meeting=meeting, invitee=person, agency=person.agency, invited_by=by, invited_at=now,
            is_specialist=specialist, specialist_reason=specialist_reason.strip() if specialist else "",
        )
        invitation_email_queue(invitation=invitation)
        audit_record(actor=by, action=AuditAction.CREATE, obj=invitation, family=meeting.family,
                     summary=(Text(gettext_noop("Invited %(person)s (%(agency)s) as a specialist (MTG-6)")) if specialist
                              else Text(gettext_noop("Invited %(person)s (%(agency)s)"))) % {
                         "person": str(person), "agency": person.agency.name_text if person.agency else ""},
                     reason=invitation.specialist_reason)
        created.append(invitation)
    return created


@transaction.atomic
def invitation_accept_confidentiality(*, invitation: Invitation, by: Professional) -> Invitation:
    """MTG-6 (000): "the information shared will be on a basis of absolute confidentiality"."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(
        pk=invitation.pk)
    if invitation.invitee_id != by.pk:
        raise PermissionDenied(_("Only the person invited can accept the confidentiality terms."))
    if not invitation.meeting.is_open:
        raise ValidationError({"accept": _("This meeting's business is over")})
    if invitation.confidentiality_accepted_at is None:
        invitation.confidentiality_accepted_at = timezone.now()
        invitation.save(update_fields=["confidentiality_accepted_at"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=invitation, family=invitation.meeting.family,
                     summary=Text(gettext_noop("Accepted the confidentiality terms of a meeting (MTG-6)")))
    return invitation


@transaction.atomic
def invitation_respond(*, invitation: Invitation, by: Professional, response: str, note: str = "") -> Invitation:
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(
        pk=invitation.pk)
    if invitation.invitee_id != by.pk:
        raise PermissionDenied(_("Only the person invited can reply."))
    if invitation.meeting.state != MeetingState.SCHEDULED:
        raise ValidationError({"response": _("This meeting is no longer waiting for replies")})
    if response not in (Response.ACCEPTED, Response.TENTATIVE, Response.DECLINED):
        raise ValidationError({"response": _("Select your reply")})
    if invitation.needs_confidentiality and response != Response.DECLINED:
        raise ValidationError({"response": _("Accept the confidentiality terms before you reply that you will "
                                             "attend (MTG-6)")})
    invitation.response = response
    invitation.response_note = note.strip()[:500]
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "response_note", "responded_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=invitation, family=invitation.meeting.family,
                 summary=Text(gettext_noop("Replied to a meeting invitation: %(response)s")) % {
                     "response": choice_label(invitation, "response")}, reason=invitation.response_note)
    return invitation


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, by: Professional, starts_at: datetime, duration_minutes: int, location: str, reason: str
) -> Meeting:
    """A new time or place: every invitee gets an updated calendar entry (a higher SEQUENCE) and replies again."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("family").get(pk=meeting.pk)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError({"starts_at": _("Only a meeting that has not yet been held can be moved")})
    errors = _validate_time(starts_at=starts_at, hold_by=meeting.hold_by, duration_minutes=duration_minutes,
                            location=location)
    if not reason.strip():
        errors["reason"] = _("Say why the meeting is moved")
    if errors:
        raise ValidationError(errors)
    meeting.starts_at, meeting.duration_minutes, meeting.location = starts_at, duration_minutes, location.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "location", "sequence"])
    for invitation in meeting.invitations.select_related("invitee"):
        if invitation.invitee_id != meeting.chair_id:
            invitation.response, invitation.responded_at = Response.PENDING, None
            invitation.save(update_fields=["response", "responded_at"])
        invitation.meeting = meeting
        invitation_email_queue(invitation=invitation)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=meeting, family=meeting.family,
                 summary=Text(gettext_noop("Moved a meeting")), reason=reason.strip())
    chronology_record(family=meeting.family, kind=EntryKind.MEETING, occurred_at=timezone.now(), by=by, source=meeting,
                      summary=Text(gettext_noop("%(meeting)s moved to %(when)s: %(reason)s")) % {
                          "meeting": meeting.short_label, "when": starts_at, "reason": reason.strip()})
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Professional, reason: str) -> Meeting:
    """Cancel: the invitees' calendars are told (METHOD:CANCEL). An escalation that asked for the meeting stays
    open: the meeting is still owed."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("family").get(pk=meeting.pk)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError({"reason": _("Only a meeting that has not yet been held can be cancelled")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled")})
    meeting.state = MeetingState.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_reason = reason.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["state", "cancelled_at", "cancelled_reason", "sequence"])
    for invitation in meeting.invitations.select_related("invitee"):
        invitation.meeting = meeting
        invitation_email_queue(invitation=invitation, method=CalendarMethod.CANCEL)
    _close_key(_hold_key(meeting), by=by, outcome=Text(gettext_noop("The meeting was cancelled: %(reason)s")) % {
        "reason": meeting.cancelled_reason}, cancel=True)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=meeting, family=meeting.family,
                 summary=Text(gettext_noop("Cancelled a meeting")), reason=meeting.cancelled_reason)
    chronology_record(family=meeting.family, kind=EntryKind.MEETING, occurred_at=meeting.cancelled_at, by=by,
                      source=meeting, summary=Text(gettext_noop("%(meeting)s cancelled: %(reason)s")) % {
                          "meeting": meeting.short_label, "reason": meeting.cancelled_reason})
    return meeting


@transaction.atomic
def meeting_record_held(
    *, meeting: Meeting, by: Professional, held_on: date, attended: Iterable[int], parents_attended: bool | None = None
) -> Minutes:
    """Record that the meeting was held, and who attended. Starts the draft minutes and the seven days in which they
    must be circulated (MTG-4), closes the escalation that asked for the meeting, and the review it was."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("family", "escalation", "review_of").get(pk=meeting.pk)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError({"held_on": _("This meeting has already been recorded as held or was cancelled")})
    attended = {int(pk) for pk in attended}
    invitations = list(meeting.invitations.select_related("invitee", "agency"))
    errors = {}
    today = timezone.localdate()
    if held_on > today:
        errors["held_on"] = _("The date the meeting was held must be today or in the past")
    elif held_on < timezone.localtime(meeting.called_at).date():
        errors["held_on"] = _("The meeting cannot have been held before it was called")
    present = [i for i in invitations if i.pk in attended]
    for invitation in present:
        if invitation.needs_confidentiality:
            errors["attended"] = _("%(name)s has not accepted the confidentiality terms, so cannot have attended "
                                   "(MTG-6)") % {"name": invitation.invitee}
    if len({i.agency_id for i in present}) < 2:
        errors["attended"] = _("Tick who attended: a multi-agency meeting has at least two agencies present")
    if meeting.parents == ParentsAttendance.INVITED and parents_attended is None:
        errors["parents_attended"] = _("Say whether the parents attended")
    if errors:
        raise ValidationError(errors)
    for invitation in invitations:
        invitation.attended = invitation.pk in attended
        invitation.save(update_fields=["attended"])
    meeting.state = MeetingState.HELD
    meeting.held_on = held_on
    meeting.held_recorded_by = by
    meeting.parents_attended = parents_attended if meeting.parents == ParentsAttendance.INVITED else None
    meeting.save(update_fields=["state", "held_on", "held_recorded_by", "parents_attended"])
    now = timezone.now()
    # MTG-4: within seven days (the rule's setting), by the end of that day in Europe/London.
    circulate_by = end_of_day(rules.circulate_by(held_on, rule_settings("MTG-4", meeting.family.partnership_id)[1]))
    minutes = Minutes.objects.create(meeting=meeting, concerns=meeting.reason, drafted_by=by, drafted_at=now,
                                     circulate_by=circulate_by)
    agencies_present = [a.name_text for a in sorted({i.agency for i in present}, key=lambda a: a.name)]
    held_text = _held_text(meeting, held_on)
    # MTG-4: the chair owns circulating the minutes within seven days; overdue escalates to their manager.
    rule_apply(rule_id="MTG-4", family=meeting.family, facts=_meeting_facts(meeting, held_on=held_on))
    if meeting.escalation is not None and meeting.escalation.is_active:
        escalation_complete(escalation=meeting.escalation, by=by, outcome=held_text)
    _close_key(_hold_key(meeting), by=by, outcome=held_text)
    if meeting.review_of is not None:
        _close_key(_review_key(meeting.review_of), by=by, outcome=held_text)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=meeting, family=meeting.family,
                 summary=Text(gettext_noop("Recorded a meeting as held on %(date)s")) % {"date": held_on})
    chronology_record(
        family=meeting.family, kind=EntryKind.MEETING, by=by, source=meeting, significant=True,
        occurred_at=timezone.make_aware(datetime.combine(held_on, timezone.localtime(meeting.starts_at).time())),
        tags=[f"meeting:{meeting.kind}"],
        summary=Text(gettext_noop("%(held)s; agencies present: %(agencies)s")) % {
            "held": _held_text(meeting, held_on), "agencies": agencies_present},
    )
    return minutes


def _revert_approval(minutes: Minutes) -> None:
    if minutes.state == MinutesState.APPROVED:
        minutes.state, minutes.approved_by, minutes.approved_at = MinutesState.DRAFT, None, None


def _require_editable(minutes: Minutes, by) -> None:
    _require_manager(minutes.meeting, by)
    if minutes.state == MinutesState.CIRCULATED:
        raise ValidationError({"concerns": _("Circulated minutes cannot be changed")})


@transaction.atomic
def minutes_save(
    *,
    minutes: Minutes,
    by: Professional,
    concerns: str,
    roles: dict[int, str],
    plan_agreed: bool | None,
    no_plan_reason: str = "",
    sharing_with_family: str = "",
    dissent: str = "",
    no_dissent: bool = False,
    outcome: str = "",
    outcome_detail: str = "",
    review_date: date | None = None,
) -> Minutes:
    """Save the draft (it may be incomplete); the chair's approval checks it is complete. Changing approved
    minutes returns them to draft for the chair to approve again."""
    minutes = Minutes.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(pk=minutes.pk)
    _require_editable(minutes, by)
    meeting = minutes.meeting
    errors = {}
    if review_date is not None and meeting.held_on and review_date <= meeting.held_on:
        errors["review_date"] = _("The review must be after the meeting")
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = _("Select the outcome")
    attending = {i.agency_id for i in meeting.invitations.filter(attended=True)}
    if any(int(agency_id) not in attending for agency_id in roles):
        errors["concerns"] = _("Roles are reviewed only for the agencies that attended")
    if errors:
        raise ValidationError(errors)
    minutes.concerns = concerns.strip()
    minutes.plan_agreed = plan_agreed
    minutes.no_plan_reason = no_plan_reason.strip() if plan_agreed is False else ""
    minutes.sharing_with_family = sharing_with_family.strip()
    minutes.dissent = dissent.strip()
    minutes.no_dissent = bool(no_dissent) and not minutes.dissent
    minutes.outcome = outcome
    minutes.outcome_detail = outcome_detail.strip()
    minutes.review_date = review_date
    _revert_approval(minutes)
    minutes.save()
    for agency_id, text in roles.items():
        if text.strip():
            AgencyRole.objects.update_or_create(minutes=minutes, agency_id=int(agency_id),
                                                defaults={"role": text.strip()})
        else:
            AgencyRole.objects.filter(minutes=minutes, agency_id=int(agency_id)).delete()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=minutes, family=meeting.family,
                 summary=Text(gettext_noop("Saved draft minutes")))
    return minutes


@transaction.atomic
def plan_action_add(
    *, minutes: Minutes, by: Professional, description: str, agency, owner: Professional, due_date: date
) -> PlanAction:
    """MTG-3 (000): "a plan of intervention, which will specify each agency's responsibility"."""
    minutes = Minutes.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(pk=minutes.pk)
    _require_editable(minutes, by)
    meeting = minutes.meeting
    errors = {}
    if not description.strip():
        errors["description"] = _("Enter the action")
    allowed_agencies = _involved_agency_ids(meeting.family) | set(
        meeting.invitations.values_list("agency_id", flat=True))
    if agency is None or agency.pk not in allowed_agencies:
        errors["agency"] = _("Choose an agency involved with the family or invited to the meeting")
    elif owner is None or owner.agency_id != agency.pk or not owner.is_active or not owner.works_with_families:
        errors["owner"] = _("Choose a person from %(agency)s") % {"agency": agency}
    held_on = meeting.held_on or timezone.localdate()
    if due_date < held_on:
        errors["due_date"] = _("The action cannot be due before the meeting")
    elif due_date > held_on + timedelta(days=LONGEST_ACTION_DAYS):
        errors["due_date"] = _("An action in the plan is due within a year of the meeting")
    if errors:
        raise ValidationError(errors)
    action = PlanAction.objects.create(minutes=minutes, family=meeting.family, description=description.strip(),
                                       agency=agency, owner=owner, due_date=due_date)
    if minutes.plan_agreed is None:
        minutes.plan_agreed = True
    _revert_approval(minutes)
    minutes.save(update_fields=["plan_agreed", "state", "approved_by", "approved_at"])
    audit_record(actor=by, action=AuditAction.CREATE, obj=action, family=meeting.family,
                 summary=Text(gettext_noop("Added a plan action for %(agency)s (%(owner)s)")) % {
                     "agency": agency.name_text, "owner": str(owner)})
    return action


@transaction.atomic
def plan_action_remove(*, action: PlanAction, by: Professional) -> None:
    minutes = Minutes.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(
        pk=action.minutes_id)
    _require_editable(minutes, by)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=action, family=action.family,
                 summary=Text(gettext_noop("Removed a draft plan action: %(action)s")) % {
                     "action": action.description[:200]})
    action.delete()
    _revert_approval(minutes)
    minutes.save(update_fields=["state", "approved_by", "approved_at"])


def minutes_problems(minutes: Minutes) -> dict[str, str]:
    """What stops the minutes being approved: the record the protocol requires (MTG-3, MTG-7, MTG-8, MTG-9)."""
    meeting = minutes.meeting
    problems = {}
    if not minutes.concerns:
        problems["concerns"] = _("Record the concerns discussed")
    roles = set(AgencyRole.objects.filter(minutes=minutes).values_list("agency_id", flat=True))
    missing = [i.agency.name for i in meeting.invitations.filter(attended=True).select_related("agency")
               if i.agency_id not in roles]
    if missing:
        problems["roles"] = _("Record the role reviewed for each attending agency: %(agencies)s") % {
            "agencies": ", ".join(sorted(set(missing)))}
    actions = minutes.actions.count()
    if minutes.plan_agreed is None:
        problems["plan_agreed"] = _("Say whether a plan of intervention was agreed (MTG-3)")
    elif minutes.plan_agreed and not actions:
        problems["plan_agreed"] = _("Add the plan's actions, each owned by an agency and a person, with a due date")
    elif minutes.plan_agreed is False and actions:
        problems["plan_agreed"] = _("No plan was agreed, yet the minutes have actions: remove them or record the plan")
    elif minutes.plan_agreed is False and not minutes.no_plan_reason:
        problems["no_plan_reason"] = _("Record why no proactive plan of intervention is achievable (000)")
    if not minutes.sharing_with_family:
        problems["sharing_with_family"] = _("Record what will be shared with the family, how and when (004 §3.5)")
    if not minutes.dissent and not minutes.no_dissent:
        problems["dissent"] = _("Record any dissenting views, or confirm that none were expressed (001 §5.1.22)")
    if not minutes.outcome:
        problems["outcome"] = _("Select the outcome of the meeting")
    return problems


@transaction.atomic
def minutes_approve(*, minutes: Minutes, by: Professional) -> Minutes:
    minutes = Minutes.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__family").get(pk=minutes.pk)
    _require_chair(minutes.meeting, by)
    if minutes.state != MinutesState.DRAFT:
        raise ValidationError({"state": _("Only draft minutes can be approved")})
    problems = minutes_problems(minutes)
    if problems:
        raise ValidationError(problems)
    minutes.state, minutes.approved_by, minutes.approved_at = MinutesState.APPROVED, by, timezone.now()
    minutes.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=minutes, family=minutes.meeting.family,
                 summary=Text(gettext_noop("Approved the minutes")))
    return minutes


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by: Professional) -> Minutes:
    """Circulate approved minutes to each attending agency and a copy to the Board chair (MTG-4). The plan's
    actions become tracked actions of their owners (MTG-3), the review date a tracked action of the chair (MTG-5),
    and the meeting's business ends: invited specialists' access to the family ends with it (MTG-6)."""
    minutes = Minutes.objects.select_for_update(of=("self",)).select_related(
        "meeting", "meeting__family", "meeting__chair", "meeting__calling_agency").get(pk=minutes.pk)
    meeting = minutes.meeting
    family = meeting.family
    if by.pk not in (meeting.chair_id, meeting.minute_taker_id):
        raise PermissionDenied(_("Only the chair or the minute-taker circulates the minutes."))
    family_require_write(professional=by, family=family, purpose="circulate the minutes")
    if minutes.state != MinutesState.APPROVED:
        raise ValidationError({"state": _("The chair must approve the minutes before they are circulated")})
    now = timezone.now()
    minutes.state, minutes.circulated_by, minutes.circulated_at = MinutesState.CIRCULATED, by, now
    minutes.save(update_fields=["state", "circulated_by", "circulated_at"])
    meeting.state = MeetingState.CLOSED
    meeting.save(update_fields=["state"])

    link = f"/meetings/{meeting.pk}/minutes/"
    recipients = {}
    for invitation in meeting.invitations.filter(attended=True).select_related("invitee"):
        recipients[invitation.invitee_id] = (invitation.invitee, invitation.agency_id, RecipientKind.ATTENDEE)
    for person in (meeting.chair, meeting.minute_taker):
        recipients.setdefault(person.pk, (person, person.agency_id, RecipientKind.ATTENDEE))
    # Issue 21: the copy goes to the Board chairs of the family's partnership, never another partnership's.
    for chair in Professional.objects.filter(role=Role.BOARD_CHAIR, is_active=True,
                                             chaired_partnerships=family.partnership_id):
        recipients.setdefault(chair.pk, (chair, None, RecipientKind.BOARD_CHAIR))
    MinutesRecipient.objects.bulk_create([
        MinutesRecipient(minutes=minutes, recipient=person, agency_id=agency_id, kind=kind, sent_at=now)
        for person, agency_id, kind in recipients.values()
    ])
    notify(recipients=[p for p, _a, _k in recipients.values()], kind=NotificationKind.MEETING, family=family,
           link=link, dedupe_key=f"minutes:{minutes.pk}:circulated",
           message=Text(gettext_noop("Minutes circulated: %(held)s, family %(reference)s")) % {
               "held": _held_text(meeting, meeting.held_on), "reference": family.reference})

    actions = list(minutes.actions.select_related("owner", "agency"))
    facts = _meeting_facts(meeting, held_on=meeting.held_on, review_date=minutes.review_date, actions=tuple(
        rules.PlanActionFact(id=a.pk, owner_id=a.owner_id, agency_name=a.agency.name_text, description=a.description,
                             due_date=a.due_date) for a in actions))
    applied = rule_apply(rule_id="MTG-3", family=family, facts=facts)
    for action in actions:
        escalation = applied.escalation(_action_key(action))
        if escalation is not None:
            action.escalation = escalation
            action.save(update_fields=["escalation"])

    on_time = now <= minutes.circulate_by
    _close_key(_circulate_key(meeting), by=by, outcome=(
        Text(gettext_noop("Minutes circulated on %(when)s, within seven days")) if on_time
        else Text(gettext_noop("Minutes circulated on %(when)s, after the seven days"))) % {"when": now})
    rule_apply(rule_id="MTG-5", family=family, facts=facts)

    if minutes.plan_agreed:
        plan = Text(gettext_noop("plan of intervention: %(actions)s")) % {"actions": [
            Text("%(agency)s – %(action)s", {"agency": a.agency.name_text, "action": a.description}) for a in actions]}
    else:
        plan = Text(gettext_noop("no proactive plan of intervention is achievable: %(reason)s")) % {
            "reason": minutes.no_plan_reason}
    chronology_record(
        family=family, kind=EntryKind.DECISION, occurred_at=now, by=by, source=minutes, significant=True,
        tags=[f"meeting:{meeting.kind}", f"outcome:{minutes.outcome}", "plan" if minutes.plan_agreed else "no-plan"],
        summary=Text(gettext_noop("%(held)s decided: %(outcome)s; %(plan)s")) % {
            "held": _held_text(meeting, meeting.held_on), "outcome": choice_label(minutes, "outcome"), "plan": plan},
    )
    audit_record(actor=by, action=AuditAction.UPDATE, obj=minutes, family=family,
                 summary=Text(ngettext_lazy("Circulated the minutes to %(count)s person, the Board chair included",
                                           "Circulated the minutes to %(count)s people, the Board chair included",
                                           "count")) % {"count": len(recipients)})
    return minutes


@transaction.atomic
def plan_action_progress(*, action: PlanAction, by: Professional, note: str, completed: bool = False) -> PlanAction:
    """Progress on an action of the plan (MTG-5); done closes its tracked action."""
    action = PlanAction.objects.select_related("minutes__meeting", "owner", "escalation", "family", "agency").get(
        pk=action.pk)
    if not may_update_action(by, action):
        raise PermissionDenied(_("Only the person responsible, their manager or the chair updates this action."))
    if action.minutes.state != MinutesState.CIRCULATED or action.escalation is None:
        raise ValidationError({"note": _("The minutes with this action have not been circulated yet")})
    if not note.strip():
        raise ValidationError({"note": _("Enter the progress made")})
    if not action.escalation.is_active:
        raise ValidationError({"note": _("This action is already closed")})
    now = timezone.now()
    PlanActionUpdate.objects.create(action=action, by=by, at=now, note=note.strip(), completed=completed)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=action, family=action.family,
                 summary=Text(gettext_noop("Plan action done")) if completed else Text(gettext_noop("Plan action progress")),
                 reason=note.strip())
    if completed:
        escalation_complete(escalation=action.escalation, by=by, outcome=note.strip())
        chronology_record(
            family=action.family, kind=EntryKind.DECISION, occurred_at=now, by=by, source=action,
            tags=["plan-action"],
            summary=Text(gettext_noop("Plan action done by %(agency)s: %(action)s – %(note)s")) % {
                "agency": action.agency.name_text, "action": action.description, "note": note.strip()},
        )
    return action

"""Calling, inviting, holding and minuting meetings (MTG-1..9), with the tracked actions they raise and close."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.escalations.models import Escalation, EscalationState, RuleSettingChange
from doorstep.escalations.rules import RULES
from doorstep.escalations.services import rule_settings_update
from doorstep.meetings import services
from doorstep.meetings.models import (
    CalendarMethod,
    DeliveryState,
    InvitationEmail,
    Meeting,
    MeetingKind,
    MeetingState,
    Minutes,
    MinutesRecipient,
    MinutesState,
    Outcome,
    RecipientKind,
    Response,
    Urgency,
)
from doorstep.notifications.models import Notification

from . import helpers as h

LONDON = ZoneInfo("Europe/London")


# Everything happens on that Monday morning: the clock is set before the world is built (issue 12).
monday_2_november = pytest.mark.clock("2026-11-02 09:00")


def _marp(world, by="involved_manager", **kwargs):
    kwargs.setdefault("parents", "excluded")
    kwargs.setdefault("parents_excluded_reason", "Impairs information sharing")
    kwargs.setdefault("starts_at", timezone.now() + timedelta(days=1))
    return services.meeting_call(family=world.family, by=world.users[by], kind=kwargs.pop("kind", MeetingKind.MARP),
                                 reason="Four defaulted visits", location="Room 2", **kwargs)


# --- Calling (MTG-2) ---------------------------------------------------------------------------------------------

@monday_2_november
def test_a_designated_postholder_calls_a_marp_that_their_agency_chairs_and_minutes(world):
    meeting = _marp(world)
    assert meeting.calling_agency == world.users["involved_manager"].agency
    assert meeting.chair == meeting.minute_taker == world.users["involved_manager"]
    # MARP: within 5 working days by default: Monday 2 November -> the end of Monday 9 November (GMT).
    assert meeting.hold_by == datetime(2026, 11, 9, 23, 59, 59, tzinfo=LONDON)
    assert meeting.invitations.get().response == Response.ACCEPTED
    assert ChronologyEntry.objects.filter(family=world.family, kind=EntryKind.MEETING, source_id=str(meeting.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="meetings.Meeting",
                                     object_id=str(meeting.pk)).exists()
    # The deadline is a tracked action on the chair, closed when the meeting is held.
    hold = Escalation.objects.get(key=f"MTG-2:meeting:{meeting.pk}")
    assert hold.owner == meeting.chair and hold.deadline == meeting.hold_by


@monday_2_november
def test_an_administrator_changes_a_kinds_timescale_on_the_rule_settings_page_audited(world):
    """MTG-2 (000) and ESC-12: the MARP's usual timescale is MTG-2's setting; the change is audited and applies to
    meetings called after it (no Django setting or environment variable)."""
    admin = world.users["administrator"]
    rule_settings_update(rule_id="MTG-2", by=admin, enabled=True, reason="Our area holds a MARP within 2 days",
                         parameters={**RULES["MTG-2"].defaults(), "marp_working_days": 2})
    change = RuleSettingChange.objects.get(rule_id="MTG-2")
    assert (change.before["marp_working_days"], change.after["marp_working_days"]) == (5, 2)
    assert AuditEvent.objects.filter(actor=admin, object_type="escalations.RuleSetting",
                                     action=AuditAction.UPDATE).exists()
    meeting = _marp(world)
    # Within 2 working days: Monday 2 November -> the end of Wednesday 4 November.
    assert (meeting.within_working_days, meeting.hold_by) == (2, datetime(2026, 11, 4, 23, 59, 59, tzinfo=LONDON))
    assert Escalation.objects.get(key=f"MTG-2:meeting:{meeting.pk}").deadline == meeting.hold_by
    professionals = _marp(world, kind=MeetingKind.PROFESSIONALS)
    assert professionals.within_working_days == 7  # the other kinds keep the protocol's defaults


def test_someone_who_is_not_a_designated_postholder_cannot_call_a_marp(world):
    """ORG-2 and MTG-2 (000: "Each agency will designate the appropriate postholder able to call a meeting"): the
    designated postholder is a role; a practitioner without it is refused and nothing is saved."""
    with pytest.raises(PermissionDenied, match="designated postholder"):
        _marp(world, by="involved_practitioner")
    assert not Meeting.objects.exists()


def test_a_postholder_of_an_agency_not_involved_cannot_call_one(world):
    world.users["uninvolved_manager"].is_designated_postholder = True
    world.users["uninvolved_manager"].save()
    with pytest.raises(PermissionDenied, match="must be involved"):
        _marp(world, by="uninvolved_manager")


@pytest.mark.clock("2026-11-06 15:00")
def test_urgency_immediate_means_by_the_end_of_the_next_working_day(time_machine, world):
    meeting = _marp(world, urgency=Urgency.IMMEDIATE, starts_at=datetime(2026, 11, 9, 9, 30, tzinfo=LONDON))
    assert meeting.hold_by == datetime(2026, 11, 9, 23, 59, 59, tzinfo=LONDON)


@pytest.mark.clock("2026-12-24 10:00")
def test_seven_working_days_over_christmas(time_machine, world):
    meeting = _marp(world, kind=MeetingKind.PROFESSIONALS, by="involved_practitioner",
                    starts_at=datetime(2027, 1, 7, 10, 0, tzinfo=LONDON))
    # 25 December, 28 December (Boxing Day substitute) and 1 January are bank holidays in England and Wales.
    assert meeting.hold_by == datetime(2027, 1, 7, 23, 59, 59, tzinfo=LONDON)
    assert meeting.parents == "excluded" and meeting.parents_excluded_reason  # 003 §7.4: without parents


@monday_2_november
def test_a_meeting_after_its_deadline_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as error:
        _marp(world, starts_at=datetime(2026, 11, 10, 10, 0, tzinfo=LONDON))
    assert "must be held by 9 Nov 2026" in str(error.value.message_dict["starts_at"])
    assert not Meeting.objects.exists() and not Escalation.objects.exists()


def test_parents_excluded_needs_a_reason_and_the_chair_comes_from_the_calling_agency(world):
    with pytest.raises(ValidationError) as error:
        _marp(world, parents_excluded_reason="", chair=world.users["other_involved"])
    assert set(error.value.message_dict) == {"parents_excluded_reason", "chair"}


@monday_2_november
def test_called_from_an_escalation_takes_its_sooner_deadline_and_closes_it_when_held(world):
    escalation = h.esc1(world)  # deadline: 12 November 09:00
    escalation.deadline = datetime(2026, 11, 4, 17, 0, tzinfo=LONDON)
    escalation.save()
    meeting = _marp(world, escalation=escalation)
    assert meeting.hold_by == escalation.deadline
    assert not Escalation.objects.filter(key=f"MTG-2:meeting:{meeting.pk}").exists()
    with pytest.raises(ValidationError, match="already scheduled"):
        _marp(world, escalation=escalation)
    h.invite(world, meeting, "other_involved")
    services.meeting_record_held(meeting=meeting, by=world.users["involved_manager"], held_on=date(2026, 11, 2),
                                 attended=meeting.invitations.values_list("pk", flat=True))
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.DONE and escalation.outcome == "MARP held on 2 Nov 2026"
    # Issue 14: the outcome Doorstep wrote is a message id, read in the reader's language.
    assert escalation.outcome_text["msgid"] == "%(meeting)s held on %(day)s"


# --- Invitations (MTG-6) -----------------------------------------------------------------------------------------

def test_invitations_are_rows_first_and_a_specialist_must_say_why(world, django_capture_on_commit_callbacks):
    meeting = h.call_marp(world)
    with pytest.raises(ValidationError) as error:
        h.invite(world, meeting, "other_involved", "uninvolved", reason="")
    assert "specialist_reason" in error.value.message_dict
    assert meeting.invitations.count() == 2  # chair and minute-taker only: nothing half-saved
    with django_capture_on_commit_callbacks() as callbacks:
        police, housing = sorted(h.invite(world, meeting, "other_involved", "uninvolved"), key=lambda i: i.is_specialist)
    assert not police.is_specialist and housing.is_specialist and housing.needs_confidentiality
    rows = InvitationEmail.objects.filter(invitation__in=[police, housing])
    assert [r.state for r in rows] == [DeliveryState.CREATED] * 2 and len(callbacks) == 2
    with pytest.raises(ValidationError, match="not already invited"):
        h.invite(world, meeting, "other_involved")


def test_a_specialist_accepts_confidentiality_before_replying_that_they_will_attend(world):
    meeting = h.with_specialist(world, accepted=False)
    invitation = world.specialist_invitation
    specialist = world.users["uninvolved"]
    with pytest.raises(ValidationError, match="confidentiality"):
        services.invitation_respond(invitation=invitation, by=specialist, response=Response.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.invitation_accept_confidentiality(invitation=invitation, by=world.users["uninvolved_manager"])
    services.invitation_accept_confidentiality(invitation=invitation, by=specialist)
    services.invitation_respond(invitation=invitation, by=specialist, response=Response.ACCEPTED, note="Will bring file")
    invitation.refresh_from_db()
    assert invitation.response == Response.ACCEPTED and invitation.confidentiality_accepted_at
    assert meeting.invitations.get(invitee=specialist).response_note == "Will bring file"


def test_moving_a_meeting_resends_every_invitation_with_a_new_sequence(world):
    meeting = h.call_marp(world)
    (police,) = h.invite(world, meeting, "other_involved")
    services.invitation_respond(invitation=police, by=world.users["other_involved"], response=Response.ACCEPTED)
    moved = services.meeting_reschedule(meeting=meeting, by=world.users["involved_practitioner"],
                                        starts_at=meeting.starts_at + timedelta(hours=3), duration_minutes=90,
                                        location="Video call", reason="Room double-booked")
    assert moved.sequence == 1
    police.refresh_from_db()
    assert police.response == Response.PENDING
    assert InvitationEmail.objects.filter(invitation=police, sequence=1, method=CalendarMethod.REQUEST).count() == 1


def test_cancelling_tells_every_calendar_and_leaves_the_escalation_that_asked_for_it_open(world):
    escalation = h.esc1(world)
    meeting = h.call_marp(world, escalation=escalation)
    h.invite(world, meeting, "other_involved")
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, by=world.users["other_involved"], reason="No")
    services.meeting_cancel(meeting=meeting, by=world.users["involved_manager"], reason="Family moved")
    assert InvitationEmail.objects.filter(invitation__meeting=meeting, method=CalendarMethod.CANCEL).count() == 3
    escalation.refresh_from_db()
    assert escalation.is_active


# --- Held, and the seven days (MTG-4) ----------------------------------------------------------------------------

@monday_2_november
def test_recording_held_starts_the_seven_days_on_the_chair(world):
    minutes = h.held(world)
    meeting = minutes.meeting
    assert meeting.state == MeetingState.HELD
    assert minutes.circulate_by == datetime(2026, 11, 9, 23, 59, 59, tzinfo=LONDON)
    circulate = Escalation.objects.get(key=f"MTG-4:meeting:{meeting.pk}")
    assert circulate.rule_id == "MTG-4" and circulate.owner == meeting.chair
    assert circulate.deadline == minutes.circulate_by
    assert Escalation.objects.get(key=f"MTG-2:meeting:{meeting.pk}").state == EscalationState.DONE
    entry = ChronologyEntry.objects.get(family=world.family, kind=EntryKind.MEETING, significant=True)
    assert "Health Board" in entry.summary and "Police" in entry.summary


@pytest.mark.clock("2026-10-20 09:00")
def test_seven_days_across_the_clock_change_end_at_midnight_gmt(time_machine, world):
    minutes = h.held(world)
    assert minutes.circulate_by == datetime(2026, 10, 27, 23, 59, 59, tzinfo=ZoneInfo("UTC"))  # GMT again


def test_held_needs_two_agencies_and_no_specialist_who_has_not_accepted(world):
    meeting = h.with_specialist(world, accepted=False)
    chair = world.users["involved_manager"]
    only_health = meeting.invitations.filter(agency=chair.agency).values_list("pk", flat=True)
    with pytest.raises(ValidationError, match="at least two agencies"):
        services.meeting_record_held(meeting=meeting, by=chair, held_on=timezone.localdate(), attended=only_health)
    with pytest.raises(ValidationError, match="not accepted the confidentiality"):
        services.meeting_record_held(meeting=meeting, by=chair, held_on=timezone.localdate(),
                                     attended=meeting.invitations.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="today or in the past"):
        services.meeting_record_held(meeting=meeting, by=chair, held_on=timezone.localdate() + timedelta(days=1),
                                     attended=only_health)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED and not Minutes.objects.filter(meeting=meeting).exists()


# --- Minutes (MTG-3, MTG-7, MTG-8, MTG-9) ------------------------------------------------------------------------

def test_the_chair_cannot_approve_minutes_that_lack_what_the_protocol_requires(world):
    minutes = h.held(world)
    chair = world.users["involved_manager"]
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(minutes=minutes, by=chair)
    assert set(error.value.message_dict) == {"roles", "plan_agreed", "sharing_with_family", "dissent", "outcome"}
    services.minutes_save(minutes=minutes, by=chair, concerns="x", roles={}, plan_agreed=False)
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(minutes=minutes, by=chair)
    assert "no_plan_reason" in error.value.message_dict
    minutes = h.complete(world, minutes)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(minutes=minutes, by=world.users["involved_practitioner"])  # the minute-taker
    assert services.minutes_approve(minutes=minutes, by=chair).state == MinutesState.APPROVED
    # A change after approval sends them back to the chair.
    services.minutes_save(minutes=minutes, by=world.users["involved_practitioner"], concerns="Changed", roles={},
                          plan_agreed=True, sharing_with_family="x", no_dissent=True, outcome=Outcome.CONTINUE)
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.DRAFT and minutes.approved_by is None


def test_a_plan_action_is_owned_by_a_person_of_the_agency_named(world):
    minutes = h.held(world)
    chair = world.users["involved_manager"]
    police = world.users["other_involved"]
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(minutes=minutes, by=chair, description="Visit", agency=police.agency,
                                 owner=world.users["involved_practitioner"], due_date=timezone.localdate())
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(minutes=minutes, by=chair, description="Visit", agency=world.users["uninvolved"].agency,
                                 owner=world.users["uninvolved"], due_date=timezone.localdate())
    assert "agency" in error.value.message_dict  # housing is neither involved nor invited
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(minutes=minutes, by=chair, description="Visit", agency=police.agency, owner=police,
                                 due_date=timezone.localdate() - timedelta(days=1))
    assert "due_date" in error.value.message_dict
    assert not minutes.actions.exists()


@monday_2_november
def test_circulating_sends_to_attendees_and_the_board_chair_and_gives_each_owner_their_action(
                                                                                             world):
    minutes = h.circulated(world, specialist=True, owner_role="uninvolved")
    meeting = minutes.meeting
    assert meeting.state == MeetingState.CLOSED and minutes.circulated_on_time
    sent = {(r.recipient.username, r.kind) for r in MinutesRecipient.objects.filter(minutes=minutes)}
    assert sent == {("health.manager", RecipientKind.ATTENDEE), ("health.worker", RecipientKind.ATTENDEE),
                    ("police.worker", RecipientKind.ATTENDEE), ("housing.worker", RecipientKind.ATTENDEE),
                    ("board.chair", RecipientKind.BOARD_CHAIR)}
    assert Notification.objects.filter(recipient=world.users["board_chair"], link=f"/meetings/{meeting.pk}/minutes/")
    action = minutes.actions.get()
    assert action.escalation.rule_id == "MTG-3" and action.escalation.owner == world.users["uninvolved"]
    assert action.escalation.deadline == datetime(2026, 11, 16, 23, 59, 59, tzinfo=LONDON)
    assert Escalation.objects.get(key=f"MTG-4:meeting:{meeting.pk}").state == EscalationState.DONE
    review = Escalation.objects.get(key=f"MTG-5:meeting:{meeting.pk}")
    assert review.owner == meeting.chair and review.deadline.date() == date(2026, 12, 14)
    decision = ChronologyEntry.objects.get(kind=EntryKind.DECISION, source_id=str(minutes.pk))
    assert decision.significant and "Continue" in decision.summary and "Housing – Joint visit" in decision.summary
    assert "|outcome:continue|" in decision.tags


@pytest.mark.clock("2026-11-02 09:00")
def test_minutes_circulated_after_seven_days_are_late(time_machine, world):
    minutes = h.complete(world, h.held(world))
    services.minutes_approve(minutes=minutes, by=world.users["involved_manager"])
    time_machine.move_to(datetime(2026, 11, 10, 0, 0, 1, tzinfo=LONDON), tick=False)
    minutes = services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])
    assert minutes.circulated_on_time is False
    assert "after the seven days" in Escalation.objects.get(key=f"MTG-4:meeting:{minutes.meeting_id}").outcome


def test_minutes_are_circulated_only_once_approved(world):
    minutes = h.complete(world, h.held(world))
    with pytest.raises(ValidationError, match="approve"):
        services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])


def test_no_plan_is_recorded_as_a_decision(world):
    minutes = h.complete(world, h.held(world), plan=False)
    services.minutes_approve(minutes=minutes, by=world.users["involved_manager"])
    services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])
    decision = ChronologyEntry.objects.get(kind=EntryKind.DECISION)
    assert "no proactive plan of intervention is achievable" in decision.summary and "|no-plan|" in decision.tags


# --- The plan lives on (MTG-5) -----------------------------------------------------------------------------------

def test_the_owner_records_progress_and_done_closes_their_action(world):
    minutes = h.circulated(world)
    action = minutes.actions.get()
    owner = world.users["other_involved"]
    with pytest.raises(PermissionDenied):
        services.plan_action_progress(action=action, by=world.users["involved_practitioner"], note="x")
    services.plan_action_progress(action=action, by=owner, note="Visit booked for Thursday")
    action.escalation.refresh_from_db()
    assert action.escalation.is_active
    services.plan_action_progress(action=action, by=owner, note="Visited; children seen alone", completed=True)
    action.escalation.refresh_from_db()
    assert action.escalation.state == EscalationState.DONE
    assert action.updates.count() == 2
    assert ChronologyEntry.objects.filter(kind=EntryKind.DECISION, summary__contains="Plan action done by Police")
    with pytest.raises(ValidationError, match="already closed"):
        services.plan_action_progress(action=action, by=owner, note="Again")


def test_the_review_meeting_closes_the_review_action(world):
    minutes = h.circulated(world, specialist=False)
    review = h.call_marp(world, review_of=minutes.meeting)
    h.invite(world, review, "other_involved")
    services.meeting_record_held(meeting=review, by=world.users["involved_manager"], held_on=timezone.localdate(),
                                 attended=review.invitations.values_list("pk", flat=True))
    assert Escalation.objects.get(key=f"MTG-5:meeting:{minutes.meeting_id}").state == EscalationState.DONE

"""Who reads what (P-4, MTG-4, MTG-6), the case file's plan panel (fixed queries) and the Board's figures (OVR-2)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families.selectors import family_get_for, family_is_visible_to
from doorstep.meetings import selectors, services
from doorstep.meetings.models import MeetingKind, Response
from doorstep.partnerships.models import Partnership
from doorstep.testing.factories import ProfessionalFactory

from . import helpers as h


def _sees_family(world, role="uninvolved") -> bool:
    return family_is_visible_to(professional=world.users[role], family_id=world.family.pk)


def test_a_specialist_sees_the_family_only_once_they_accept_and_until_the_minutes_are_circulated(world):
    assert not _sees_family(world)
    meeting = h.with_specialist(world, accepted=False)
    assert not _sees_family(world)  # invited, terms not accepted: nothing
    with pytest.raises(selectors.ConfidentialityRequired):
        selectors.meeting_get_for(professional=world.users["uninvolved"], meeting_id=meeting.pk)
    services.invitation_accept_confidentiality(invitation=world.specialist_invitation, by=world.users["uninvolved"])
    assert _sees_family(world)
    assert family_get_for(professional=world.users["uninvolved"], family_id=world.family.pk) == world.family
    # Only the invited person: not their manager, nor the other housing worker.
    assert not _sees_family(world, "uninvolved_manager")
    assert not family_is_visible_to(professional=world.users["uninvolved"], family_id=world.other_family.pk + 10_000)
    minutes = services.meeting_record_held(meeting=meeting, by=world.users["involved_manager"],
                                           held_on=timezone.localdate(),
                                           attended=meeting.invitations.values_list("pk", flat=True))
    assert _sees_family(world)  # the minutes are still being written: the meeting's business goes on
    minutes = h.complete(world, minutes)
    services.minutes_approve(minutes=minutes, by=world.users["involved_manager"])
    services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])
    assert not _sees_family(world)  # the business is over
    with pytest.raises(Http404):
        family_get_for(professional=world.users["uninvolved"], family_id=world.family.pk)
    # ... but, as an attendee, the minutes were circulated to them (MTG-4).
    access = selectors.minutes_get_for(professional=world.users["uninvolved"], meeting_id=meeting.pk)
    assert access.reason == "recipient"
    assert [r.minutes_id for r in selectors.my_meetings(professional=world.users["uninvolved"])["received"]] == [
        access.minutes.pk]


def test_a_specialist_who_declines_or_whose_meeting_is_cancelled_loses_access(world):
    meeting = h.with_specialist(world)
    services.invitation_respond(invitation=world.specialist_invitation, by=world.users["uninvolved"],
                                response=Response.DECLINED)
    assert not _sees_family(world)
    other = h.with_specialist(world)
    assert _sees_family(world)
    services.meeting_cancel(meeting=other, by=world.users["involved_manager"], reason="Not needed")
    assert not _sees_family(world)
    assert meeting.family_id == other.family_id


def test_the_board_chair_reads_circulated_minutes_and_nothing_else(world):
    chair = world.users["board_chair"]
    minutes = h.approved(world)
    with pytest.raises(Http404):
        selectors.minutes_get_for(professional=chair, meeting_id=minutes.meeting_id)  # approved, not circulated
    services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])
    access = selectors.minutes_get_for(professional=chair, meeting_id=minutes.meeting_id)
    assert access.reason == "recipient"
    assert AuditEvent.objects.filter(actor=chair, action=AuditAction.VIEW, object_type="meetings.Minutes",
                                     family=world.family, reason__contains="Board chair").exists()
    for read in (lambda: selectors.meeting_get_for(professional=chair, meeting_id=minutes.meeting_id),
                 lambda: selectors.plan_action_get_for(professional=chair, action_id=minutes.actions.get().pk),
                 lambda: family_get_for(professional=chair, family_id=world.family.pk)):
        with pytest.raises(Http404):
            read()


def test_a_new_board_chair_reads_only_the_minutes_sent_to_them(world):
    minutes = h.circulated(world)
    newcomer = ProfessionalFactory(agency=None, role="board_chair")
    with pytest.raises(Http404):
        selectors.minutes_get_for(professional=newcomer, meeting_id=minutes.meeting_id)


def test_draft_minutes_are_read_only_by_those_running_the_meeting(world):
    minutes = h.held(world)
    assert selectors.minutes_get_for(professional=world.users["involved_practitioner"],
                                     meeting_id=minutes.meeting_id).reason == "manager"
    with pytest.raises(Http404):
        selectors.minutes_get_for(professional=world.users["other_involved"], meeting_id=minutes.meeting_id)


def test_the_plan_panel_runs_four_queries_however_large_the_plan(world, django_assert_num_queries):
    minutes = h.complete(world, h.held(world))
    chair = world.users["involved_manager"]
    police = world.users["other_involved"]
    for n in range(30):
        services.plan_action_add(minutes=minutes, by=chair, description=f"Action {n}", agency=police.agency,
                                 owner=police, due_date=timezone.localdate() + timedelta(days=n))
    services.minutes_approve(minutes=minutes, by=chair)
    services.minutes_circulate(minutes=minutes, by=chair)
    for _ in range(5):
        h.call_marp(world)
    h.esc1(world)
    with django_assert_num_queries(4):
        panel = selectors.family_plan_panel(family=world.family)
        assert len(panel["actions"]) == 31 and all(a.escalation.state for a in panel["actions"])
        assert len(panel["open_meetings"]) == 5 and [e.rule_id for e in panel["asking"]] == ["ESC-1"]


def test_an_escalation_with_a_meeting_under_way_no_longer_asks_for_one(world):
    escalation = h.esc1(world)
    h.call_marp(world, escalation=escalation)
    assert selectors.family_plan_panel(family=world.family)["asking"] == []


def test_board_figures_count_marps_timeliness_outcomes_and_plans(world, time_machine):
    on_time = h.circulated(world, specialist=False)
    h.complete(world, h.held(world))  # held, minutes not circulated
    services.meeting_cancel(meeting=h.call_marp(world), by=world.users["involved_manager"], reason="x")
    services.meeting_call(family=world.family, by=world.users["involved_practitioner"], kind=MeetingKind.PROFESSIONALS,
                          reason="x", starts_at=timezone.now() + timedelta(days=1), location="x")
    time_machine.move_to(timezone.now() + timedelta(days=9))
    today = timezone.localdate()
    figures = selectors.board_figures(since=today - timedelta(days=30), until=today,
                                      partnerships=Partnership.objects.filter(pk=world.family.partnership_id))
    assert figures["marp"] == {"called": 3, "held": 2, "cancelled": 1, "on_time": 1, "late": 0, "awaiting": 1,
                               "overdue": 1, "no_plan": 0}
    assert {row["label"]: row["n"] for row in figures["outcomes"]}["Continue: review and keep trying to engage the "
                                                                    "family"] == 1
    assert [row["called"] for row in figures["by_kind"]] == [3, 1]
    assert figures["actions"] == {"total": 1, "done": 0, "overdue": 0}
    assert figures["board_copies"] == 1
    assert on_time.meeting.kind == MeetingKind.MARP

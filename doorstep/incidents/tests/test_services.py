"""Recording an incident (INC-1) and the rules it triggers (ESC-4, ESC-5), through the real services."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.engagement.models import ThreatKind
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.escalations.services import rule_settings_update
from doorstep.families import services as family_services
from doorstep.incidents import services
from doorstep.incidents.models import AffectedWorker, Incident, Support
from doorstep.notifications.models import EmailState, Notification, NotificationKind

LONDON = ZoneInfo("Europe/London")


def record(world, **overrides):
    worker = world.users["involved_practitioner"]
    values = dict(
        family=world.family, by=worker, occurred_at=timezone.now() - timedelta(hours=1), affected=[worker],
        people=[world.parent], threats=[ThreatKind.SHOUTING], account="He stood over me and shouted.",
    )
    values.update(overrides)
    return services.incident_record(**values)


@pytest.mark.clock("2026-11-02 10:00")
def test_recording_alerts_the_line_manager_at_once_with_a_mandatory_email_and_a_follow_up_due_next_working_day(
        world, time_machine):
    # Monday 2 November 2026, 10:00: the follow-up is due by the end of Tuesday 3 November (ESC-4).
    incident = record(world)
    manager = world.users["involved_manager"]
    follow_up = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:follow-up:{world.users['involved_practitioner'].pk}")
    assert (follow_up.rule_id, follow_up.owner, follow_up.state) == ("ESC-4", manager, EscalationState.OPEN)
    assert follow_up.deadline == datetime(2026, 11, 3, 23, 59, 59, tzinfo=LONDON)
    note = Notification.objects.get(recipient=manager, kind=NotificationKind.VIOLENCE)
    assert note.mandatory and note.email_state == EmailState.CREATED


@pytest.mark.clock("2026-11-02 10:00")
def test_threats_to_kill_create_the_police_report_action_due_the_same_day(world, time_machine):
    incident = record(world, threat_to_kill=True)
    police = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:police")
    assert police.owner == world.users["involved_manager"]
    assert police.deadline == datetime(2026, 11, 2, 23, 59, 59, tzinfo=LONDON)
    assert ThreatKind.THREAT_TO_KILL in incident.threats and incident.threat_to_kill


@pytest.mark.clock("2026-11-02 10:00")
def test_esc_4_timescales_are_rule_settings_an_administrator_changes_with_a_reason(world, time_machine):
    """ESC-4's deadlines are its settings on the Rule settings page (ESC-12), not environment variables: a change is
    audited and applies to incidents recorded afterwards."""
    rule_settings_update(rule_id="ESC-4", by=world.users["administrator"], enabled=True,
                         parameters={"follow_up_working_days": 3, "police_working_days": 1}, reason="Area protocol")
    incident = record(world, threat_to_kill=True)
    worker = world.users["involved_practitioner"]
    follow_up = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:follow-up:{worker.pk}")
    police = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:police")
    # Monday 2 November 2026: + 3 working days is Thursday 5 November, + 1 is Tuesday 3 November.
    assert follow_up.deadline == datetime(2026, 11, 5, 23, 59, 59, tzinfo=LONDON)
    assert police.deadline == datetime(2026, 11, 3, 23, 59, 59, tzinfo=LONDON)
    assert follow_up.parameters == {"follow_up_working_days": 3, "police_working_days": 1}
    assert AuditEvent.objects.filter(summary__contains="Rule settings ESC-4", reason="Area protocol").exists()


def test_no_police_action_for_shouting_alone_or_when_the_police_were_told(world):
    shouting = record(world)
    told = record(world, threats=[ThreatKind.PHYSICAL_VIOLENCE], police_informed=True, police_reference="X1")
    assert not Escalation.objects.filter(key__in=[f"ESC-4:incident:{shouting.pk}:police",
                                                  f"ESC-4:incident:{told.pk}:police"]).exists()


def test_recording_that_the_police_were_informed_closes_the_action(world):
    incident = record(world, threat_to_kill=True)
    services.incident_record_police(incident=incident, by=world.users["involved_practitioner"], reference="AV-123")
    police = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:police")
    assert police.state == EscalationState.DONE and "AV-123" in police.outcome
    incident.refresh_from_db()
    assert incident.police_informed and incident.police_reference == "AV-123"


def test_the_police_report_may_not_be_recorded_by_an_agency_that_is_neither_recorder_nor_police(world):
    incident = record(world, threat_to_kill=True)
    with pytest.raises(PermissionDenied):
        services.incident_record_police(incident=incident, by=world.users["break_glass"], reference="X")


def test_esc5_alerts_the_lead_of_every_other_involved_agency_and_their_manager(world):
    incident = record(world)
    police_lead = world.users["other_involved"]
    alerted = set(Notification.objects.filter(dedupe_key=f"ESC-5:incident:{incident.pk}")
                  .values_list("recipient__username", flat=True))
    assert alerted == {police_lead.username, police_lead.line_manager.username}
    # The school's involvement has ended: its staff are not alerted.
    assert not Notification.objects.filter(recipient=world.users["ended"]).exists()
    assert all(n.mandatory for n in Notification.objects.filter(dedupe_key=f"ESC-5:incident:{incident.pk}"))


def test_the_chronology_carries_the_fact_of_the_risk_never_the_account(world):
    incident = record(world, account="A private account only my agency may read.")
    entry = ChronologyEntry.objects.get(kind=EntryKind.INCIDENT, source_id=str(incident.pk))
    assert entry.significant and list(entry.people.all()) == [world.parent]
    assert "Shouting" in entry.summary and "private account" not in entry.summary
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="incidents.Incident",
                                     object_id=str(incident.pk)).exists()


def test_applying_the_rules_twice_raises_and_notifies_nothing_new(world):
    incident = record(world, threat_to_kill=True)
    escalations, notes = Escalation.objects.count(), Notification.objects.count()
    services.incident_apply_rules(incident=incident)
    assert (Escalation.objects.count(), Notification.objects.count()) == (escalations, notes)


def test_a_worker_of_another_agency_is_followed_up_by_their_own_manager(world):
    police_officer = world.users["other_involved"]
    incident = record(world, affected=[police_officer])
    follow_up = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:follow-up:{police_officer.pk}")
    assert follow_up.owner == police_officer.line_manager
    assert Notification.objects.filter(recipient=police_officer, dedupe_key=f"ESC-4:incident:{incident.pk}:affected")
    # The recorder (a witness here) has their manager told as well.
    assert Notification.objects.filter(recipient=world.users["involved_manager"],
                                       dedupe_key=f"ESC-4:incident:{incident.pk}:manager")


@pytest.mark.parametrize("overrides, field", [
    ({"occurred_at": "future"}, "occurred_on"),
    ({"threats": []}, "threats"),
    ({"account": "  "}, "account"),
    ({"at_home": False, "location": ""}, "location"),
    ({"people": "other family"}, "people"),
    ({"affected": []}, "affected"),
])
def test_bad_input_is_refused_and_nothing_is_saved(world, overrides, field):
    if overrides.get("occurred_at") == "future":
        overrides["occurred_at"] = timezone.now() + timedelta(hours=1)
    if overrides.get("people") == "other family":
        other = family_services.person_add(family=world.other_family, by=world.users["uninvolved"], role="parent",
                                           given_name="Other", family_name="Person")
        overrides["people"] = [other]
    with pytest.raises(ValidationError) as exc:
        record(world, **overrides)
    assert field in exc.value.message_dict
    assert not Incident.objects.exists() and not Escalation.objects.exists()


def test_support_and_impact_belong_to_the_recorder_only_when_they_were_affected(world):
    with pytest.raises(ValidationError) as exc:
        record(world, affected=[world.users["other_involved"]], impact="I was shaken")
    assert "impact" in exc.value.message_dict
    incident = record(world, support_offered=[Support.DEBRIEF], impact="I was shaken")
    own = AffectedWorker.objects.get(incident=incident)
    assert own.impact == "I was shaken" and own.support_offered == ["debrief"] and own.impact_recorded_at


def test_only_the_worker_records_their_impact_and_only_their_manager_the_follow_up(world):
    incident = record(world)
    affected = AffectedWorker.objects.get(incident=incident)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    with pytest.raises(PermissionDenied):
        services.affected_worker_update_own(affected=affected, by=manager, support_taken_up=[], impact="x")
    with pytest.raises(PermissionDenied):
        services.affected_worker_follow_up(affected=affected, by=worker, support_offered=[], note="x")
    with pytest.raises(PermissionDenied):
        services.affected_worker_follow_up(affected=affected, by=world.users["other_involved"].line_manager,
                                           support_offered=[], note="x")
    services.affected_worker_update_own(affected=affected, by=worker, support_taken_up=["counselling"],
                                        impact="Anxious before visits")
    services.affected_worker_follow_up(affected=affected, by=manager, support_offered=["counselling"],
                                       note="Joint visits only for three months.")
    follow_up = Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:follow-up:{worker.pk}")
    assert follow_up.state == EscalationState.DONE
    # The escalation's outcome reaches the shared chronology: never the manager's private note.
    assert "three months" not in follow_up.outcome
    assert not ChronologyEntry.objects.filter(summary__contains="three months").exists()
    assert not AuditEvent.objects.filter(summary__contains="Anxious").exists()


def test_only_a_manager_of_the_recording_agency_shares_the_account(world):
    incident = record(world)
    with pytest.raises(PermissionDenied):
        services.incident_share_account(incident=incident, by=world.users["involved_practitioner"], reason="x")
    with pytest.raises(PermissionDenied):
        services.incident_share_account(incident=incident, by=world.users["uninvolved_manager"], reason="x")
    with pytest.raises(ValidationError):
        services.incident_share_account(incident=incident, by=world.users["involved_manager"], reason=" ")
    shared = services.incident_share_account(incident=incident, by=world.users["involved_manager"],
                                             reason="Referral to children's services")
    assert shared.account_shared_by == world.users["involved_manager"]
    assert ChronologyEntry.objects.filter(kind=EntryKind.DECISION, source_id=str(incident.pk)).exists()


def test_when_the_line_manager_has_left_the_duty_manager_is_alerted(world):
    worker = world.users["involved_practitioner"]
    Professional.objects.filter(pk=worker.line_manager_id).update(is_active=False)
    worker.refresh_from_db()
    duty = Professional.objects.create(username="health.duty", agency=worker.agency, role="manager",
                                       is_duty_manager=True, email="duty@example.org")
    incident = record(world, by=worker, affected=[worker])
    assert Escalation.objects.get(key=f"ESC-4:incident:{incident.pk}:follow-up:{worker.pk}").owner == duty

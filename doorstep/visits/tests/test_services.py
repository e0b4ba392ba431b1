"""Planning, agreeing and making a visit, through the real services (SAF-1..4)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.agencies.models import AgencyKind
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.families import services as family_services
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.testing.factories import AgencyFactory
from doorstep.visits import services
from doorstep.visits.models import Arrangement, Decision, Question, RiskFactor, VisitEvent, VisitStatus
from doorstep.visits.selectors import risk_suggestions

from .helpers import SAFE_ANSWERS, dog_marker, plan, started


# SAF-1: what the record knows.

def test_the_record_suggests_risk_factors_with_their_reasons(world):
    dog_marker(world)
    mental_health = AgencyFactory(name="Community Mental Health Team", kind=AgencyKind.MENTAL_HEALTH)
    family_services.involvement_start(family=world.family, by=world.users["involved_practitioner"],
                                      agency=mental_health, reason="Mother's mental health")
    family_services.person_update(person=world.parent, by=world.users["involved_practitioner"],
                                  disability="Alcohol dependency; attends a recovery group")
    known = risk_suggestions(family=world.family, professional=world.users["involved_practitioner"])
    assert set(known["factors"]) == {RiskFactor.ANIMALS, RiskFactor.WARNING_MARKERS, RiskFactor.MENTAL_ILLNESS,
                                     RiskFactor.DRINK_OR_DRUGS}
    assert "Dogs or other animals (the address)" in known["factors"][RiskFactor.ANIMALS][0]
    assert known["factors"][RiskFactor.MENTAL_ILLNESS] == [
        "A mental health service is involved: Community Mental Health Team"]
    assert known["factors"][RiskFactor.DRINK_OR_DRUGS] == ["Drink or drugs are mentioned in Kelly Testing's needs"]
    assert known["known_to"] == ["Community Mental Health Team", "Health Board", "Police"]


def test_an_incident_suggests_violence_and_the_affected_worker_their_own_anxiety(world):
    from doorstep.engagement.models import ThreatKind
    from doorstep.incidents.services import incident_record

    worker = world.users["involved_practitioner"]
    incident_record(family=world.family, by=worker, occurred_at=timezone.now() - timedelta(days=3), affected=[worker],
                    threats=[ThreatKind.SHOUTING], account="Shouted at me.")
    mine = risk_suggestions(family=world.family, professional=worker)["factors"]
    assert set(mine) == {RiskFactor.VIOLENCE, RiskFactor.WORKER_ANXIOUS}
    colleague = risk_suggestions(family=world.family, professional=world.users["other_involved"])["factors"]
    assert set(colleague) == {RiskFactor.VIOLENCE}


# SAF-2: the plan.

def test_a_plan_without_risk_factors_is_ready_at_once_and_audited(world):
    visit = plan(world)
    assert visit.status == VisitStatus.READY and not visit.agreement_required
    assert visit.arrangements == [Arrangement.SOLE]
    assert visit.proposal == [{"arrangement": "sole", "rule": "sole", "strength": "proposed", "clause": "003 §5.4"}]
    assert str(visit.address) == "1 Heol y Felin, Afonwy, AF1 1AA"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="visits.Visit", object_id=str(visit.pk),
                                     family=world.family).exists()
    assert ChronologyEntry.objects.get(kind=EntryKind.VISIT, source_id=str(visit.pk)).summary.startswith(
        "Visit planned for")


def test_with_any_risk_factor_a_sole_visit_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        plan(world, factors=[RiskFactor.ANIMALS], arrangements=[Arrangement.SOLE])
    assert "cannot be made by a sole worker" in exc.value.message_dict["arrangements"][0]


def test_a_second_worker_must_be_named(world):
    with pytest.raises(ValidationError) as exc:
        plan(world, factors=[RiskFactor.ANIMALS], arrangements=[Arrangement.TWO_WORKERS], companions=" ")
    assert "companions" in exc.value.message_dict


def test_every_question_must_be_answered_and_the_contingency_given(world):
    with pytest.raises(ValidationError) as exc:
        services.visit_plan(
            family=world.family, by=world.users["involved_practitioner"],
            planned_start=timezone.now() + timedelta(hours=1), planned_minutes=60, purpose="See the children",
            contingency=" ", factors=[], arrangements=[Arrangement.SOLE],
            answers={**SAFE_ANSWERS, Question.PHONE: None})
    assert set(exc.value.message_dict) == {"contingency", "q_phone"}


def test_a_plan_is_made_before_the_visit(world):
    with pytest.raises(ValidationError) as exc:
        plan(world, start_in=-timedelta(hours=2))
    assert "planned_on" in exc.value.message_dict


def test_risk_sends_the_plan_to_the_line_manager_who_is_notified(world):
    visit = plan(world, factors=[RiskFactor.ANIMALS])
    assert visit.status == VisitStatus.AWAITING_AGREEMENT
    note = Notification.objects.get(recipient=world.users["involved_manager"], kind=NotificationKind.ACTION)
    assert note.link == f"/visits/{visit.pk}/decide/" and "asks you to agree a visit plan" in note.message
    with pytest.raises(ValidationError):  # not before the manager agrees
        services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900123")


def test_the_manager_agrees_changes_or_refuses_with_a_reason(world):
    manager = world.users["involved_manager"]
    agreed = services.visit_decide(visit=plan(world, factors=["animals"]), by=manager, decision=Decision.AGREED,
                                   supervision_reference="Supervision 3 Nov")
    assert agreed.status == VisitStatus.READY and agreed.decided_by == manager
    assert agreed.supervision_reference == "Supervision 3 Nov"

    visit = plan(world, factors=["violence"])
    with pytest.raises(ValidationError) as exc:
        services.visit_decide(visit=visit, by=manager, decision=Decision.CHANGED,
                              arrangements=[Arrangement.TWO_WORKERS, Arrangement.POLICE])
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # the manager cannot make it a sole visit either (003 §5.3)
        services.visit_decide(visit=visit, by=manager, decision=Decision.CHANGED, reason="Go alone",
                              arrangements=[Arrangement.SOLE])
    assert "arrangements" in exc.value.message_dict
    changed = services.visit_decide(visit=visit, by=manager, decision=Decision.CHANGED,
                                    reason="Take the police: he threatened a neighbour last week",
                                    arrangements=[Arrangement.TWO_WORKERS, Arrangement.POLICE])
    assert changed.arrangements == ["two_workers", "police"] and changed.status == VisitStatus.READY
    assert VisitEvent.objects.get(visit=changed, kind=VisitEvent.Kind.CHANGED).note.startswith(
        "Two workers → Two workers, Police assistance")

    refused = services.visit_decide(visit=plan(world, factors=["violence"]), by=manager, decision=Decision.REFUSED,
                                    reason="Not in the evening")
    assert refused.status == VisitStatus.REFUSED
    told = Notification.objects.filter(recipient=world.users["involved_practitioner"], kind=NotificationKind.GENERAL)
    assert sorted(n.message.split(":")[0] for n in told) == [
        f"{manager} agreed your visit plan", f"{manager} agreed your visit plan with changes",
        f"{manager} refused your visit plan"]


def test_only_a_manager_of_the_workers_agency_decides_and_never_the_worker(world):
    visit = plan(world, factors=["animals"])
    for who in ("involved_practitioner", "uninvolved_manager", "other_involved"):
        with pytest.raises(PermissionDenied):
            services.visit_decide(visit=visit, by=world.users[who], decision=Decision.AGREED)


def test_a_replan_after_a_refusal_points_at_the_refused_plan(world):
    refused = services.visit_decide(visit=plan(world, factors=["violence"]), by=world.users["involved_manager"],
                                    decision=Decision.REFUSED, reason="Take the police")
    again = plan(world, factors=["violence"], arrangements=[Arrangement.POLICE], replaces=refused)
    assert again.replaces == refused and again.status == VisitStatus.AWAITING_AGREEMENT


# SAF-3: out on the visit.

def test_arriving_records_the_contact_number_and_schedules_the_reminder_at_the_expected_end(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    visit = started(world, minutes=45)
    now = timezone.now()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.contact_number == "07700 900999"
    assert visit.vehicle == "CY21 ABC"
    assert visit.expected_back == now + timedelta(minutes=45) == visit.next_alert_at
    assert visit.chain == [{"step": "reminder", "minutes": 0}, {"step": "line_manager", "minutes": 15},
                           {"step": "duty_manager", "minutes": 30}, {"step": "emergency", "minutes": 45}]


def test_arriving_needs_a_real_contact_number_and_one_visit_at_a_time(world):
    visit = plan(world)
    with pytest.raises(ValidationError) as exc:
        services.visit_start(visit=visit, by=visit.worker, contact_number="call me")
    assert "contact_number" in exc.value.message_dict
    started(world)
    with pytest.raises(ValidationError) as exc:
        services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900123")
    assert "already out on another visit" in exc.value.message_dict["contact_number"][0]


def test_only_the_worker_checks_in(world):
    visit = started(world)
    for call in (lambda by: services.visit_extend(visit=visit, by=by, minutes=15),
                 lambda by: services.visit_check_out(visit=visit, by=by),
                 lambda by: services.visit_help(visit=visit, by=by)):
        with pytest.raises(PermissionDenied):
            call(world.users["involved_manager"])


def test_extending_moves_the_deadline_by_15_or_30_minutes(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    visit = started(world, minutes=30)
    back = visit.expected_back
    visit = services.visit_extend(visit=visit, by=visit.worker, minutes=15)
    assert visit.expected_back == back + timedelta(minutes=15) == visit.next_alert_at
    with pytest.raises(ValidationError):
        services.visit_extend(visit=visit, by=visit.worker, minutes=45)


def test_checking_out_ends_the_visit_and_records_it_in_the_chronology(world):
    visit = services.visit_check_out(visit=started(world), by=world.users["involved_practitioner"])
    assert visit.status == VisitStatus.COMPLETED and visit.next_alert_at is None and not visit.something_happened
    assert ChronologyEntry.objects.filter(kind=EntryKind.VISIT, summary__startswith="Visit made by").count() == 1
    assert [e.kind for e in VisitEvent.objects.filter(visit=visit)] == ["planned", "started", "checked_out"]
    assert not Notification.objects.filter(kind=NotificationKind.VIOLENCE).exists()


def test_something_happened_tells_the_manager_at_once(world):
    # SAF-4 (004 §6.1): "Contact the Manager immediately".
    visit = services.visit_check_out(visit=started(world), by=world.users["involved_practitioner"],
                                     something_happened=True)
    note = Notification.objects.get(kind=NotificationKind.VIOLENCE)
    assert note.recipient == world.users["involved_manager"] and note.mandatory
    assert "something happened" in note.message and visit.something_happened


def test_something_happened_can_be_said_after_checking_out_once(world):
    visit = services.visit_check_out(visit=started(world), by=world.users["involved_practitioner"])
    services.visit_something_happened(visit=visit, by=visit.worker)
    services.visit_something_happened(visit=visit, by=visit.worker)
    assert Notification.objects.filter(kind=NotificationKind.VIOLENCE).count() == 1


def test_a_visit_can_be_cancelled_before_it_starts_with_a_reason(world):
    visit = plan(world)
    with pytest.raises(ValidationError):
        services.visit_cancel(visit=visit, by=visit.worker, reason="")
    assert services.visit_cancel(visit=visit, by=world.users["involved_manager"],
                                 reason="Family in hospital").status == VisitStatus.CANCELLED
    with pytest.raises(PermissionDenied):
        services.visit_cancel(visit=plan(world), by=world.users["uninvolved_manager"], reason="No")


def test_only_the_worker_cancels_a_false_alarm_and_only_while_their_help_request_runs(world):
    """Issue 18 (SAF-3): "Cancel: false alarm" is the worker's, needs a reason, and resumes normal monitoring."""
    visit = started(world, minutes=60)
    with pytest.raises(ValidationError) as exc:
        services.visit_help_cancel(visit=visit, by=visit.worker, reason="Mistake")
    assert exc.value.message_dict["reason"] == ["There is no request for help to cancel"]
    services.visit_help(visit=visit, by=visit.worker)
    with pytest.raises(PermissionDenied):
        services.visit_help_cancel(visit=visit, by=world.users["involved_manager"], reason="Mistake")
    with pytest.raises(ValidationError):
        services.visit_help_cancel(visit=visit, by=visit.worker, reason=" ")
    visit = services.visit_help_cancel(visit=visit, by=visit.worker, reason="Mistake")
    assert visit.alarm_round == 2 and visit.next_alert_at == visit.expected_back  # the reminder, as before
    assert VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.FALSE_ALARM, note="Mistake").exists()
    entry = ChronologyEntry.objects.filter(kind=EntryKind.VISIT).latest("id")
    assert entry.summary_text["msgid"] == "Lone-worker alarm over: %(worker)s cancelled a false alarm"


def test_the_discreet_alarm_is_the_workers_and_only_on_a_visit_in_progress(world):
    """Issue 18 (BS 8484): refused exactly as a check-out would be; otherwise the full alarm at once (SAF-3)."""
    visit = plan(world)
    with pytest.raises(ValidationError) as exc:
        services.visit_duress(visit=visit, by=visit.worker)
    assert exc.value.message_dict == {"something_happened": ["This visit is not in progress"]}
    visit = services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900123")
    with pytest.raises(PermissionDenied):
        services.visit_duress(visit=visit, by=world.users["involved_manager"])
    visit = services.visit_duress(visit=visit, by=visit.worker)
    assert visit.shows_as_checked_out and visit.next_alert_at is None
    kinds = list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds[-3:] == [VisitEvent.Kind.HELP, VisitEvent.Kind.ALERT, VisitEvent.Kind.DURESS]

"""OVR-1 through the real records: the facts gathered for a family, the nightly job (idempotent, one family per
transaction, one failing family does not stop the others), and the worker's explanation (audited)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core.models import SweepFailure
from doorstep.escalations.services import escalation_complete
from doorstep.escalations.rules import RULES
from doorstep.families.services import family_create
from doorstep.meetings.tests.helpers import circulated, esc1
from doorstep.oversight import scheduled
from doorstep.oversight.models import DiscrepancyKind, DriftSignal, Explanation, OversightCheck, SignalKind, VisitDiscrepancy
from doorstep.oversight.scheduled import oversight_nightly
from doorstep.oversight.services import discrepancy_explain, family_oversight_compute

from .helpers import discrepancy, seen_home_visit, session

ALONE_DAYS = RULES["ESC-8"].defaults()["not_seen_alone_days"]


def _kinds(family) -> set:
    return set(DriftSignal.objects.filter(family=family).values_list("kind", flat=True))


def test_drift_from_the_record_no_contact_and_child_not_seen_alone(world, time_machine):
    family_oversight_compute(family=world.family, now=timezone.now())
    assert _kinds(world.family) == set()  # a new family: nothing yet
    time_machine.shift(timedelta(days=ALONE_DAYS + 1))
    family_oversight_compute(family=world.family, now=timezone.now())
    assert {SignalKind.NO_CONTACT, SignalKind.NOT_SEEN_ALONE} <= _kinds(world.family)
    signal = DriftSignal.objects.get(family=world.family, kind=SignalKind.NOT_SEEN_ALONE)
    assert "Alfie" in signal.reason_texts()[0]
    # Seen alone today: those two signals go.
    seen_home_visit(world, hours_ago=1, children={world.child: {"seen": True, "seen_alone": True}})
    family_oversight_compute(family=world.family, now=timezone.now())
    assert not {SignalKind.NO_CONTACT, SignalKind.NOT_SEEN_ALONE} & _kinds(world.family)


def test_switched_off_on_the_rule_settings_page_nothing_is_shown(world, time_machine):
    from doorstep.escalations.services import rule_settings_update

    time_machine.shift(timedelta(days=ALONE_DAYS + 1))
    family_oversight_compute(family=world.family, now=timezone.now())
    assert _kinds(world.family)
    rule_settings_update(rule_id="OVR-1", by=world.users["administrator"], enabled=False,
                         parameters=RULES["OVR-1"].defaults(), reason="Piloting elsewhere first")
    family_oversight_compute(family=world.family, now=timezone.now())
    assert _kinds(world.family) == set()


def test_drift_from_meetings_plan_actions_review_and_an_escalation_closed_without_its_meeting(world, time_machine):
    circulated(world)  # MARP held today: a plan action due in 14 days, a review within 42 days
    escalation = esc1(world)
    escalation_complete(escalation=escalation, by=world.users["involved_practitioner"],
                        outcome="Discussed on the phone instead")
    family_oversight_compute(family=world.family, now=timezone.now())
    kinds = _kinds(world.family)
    assert SignalKind.ESCALATION_WITHOUT_MEETING in kinds
    assert not {SignalKind.ACTIONS_OVERDUE, SignalKind.REVIEW_OVERDUE} & kinds
    time_machine.shift(timedelta(days=43))
    family_oversight_compute(family=world.family, now=timezone.now())
    kinds = _kinds(world.family)
    assert {SignalKind.ACTIONS_OVERDUE, SignalKind.REVIEW_OVERDUE} <= kinds
    reasons = DriftSignal.objects.get(family=world.family, kind=SignalKind.ACTIONS_OVERDUE).reason_texts()
    assert "Joint visit with the health visitor" in reasons[0]


def test_nightly_job_is_idempotent_and_computes_each_family_once_a_day(world, time_machine, django_assert_max_num_queries):
    time_machine.shift(timedelta(days=ALONE_DAYS + 1))
    assert oversight_nightly(now=timezone.now()) == 2  # the world's two families
    rows = list(DriftSignal.objects.order_by("pk").values_list("pk", "kind", "reasons"))
    assert rows
    assert oversight_nightly(now=timezone.now()) == 0  # already computed today
    family_oversight_compute(family=world.family, now=timezone.now())  # and a recomputation changes nothing
    assert list(DriftSignal.objects.order_by("pk").values_list("pk", "kind", "reasons")) == rows
    time_machine.shift(timedelta(days=1))
    with django_assert_max_num_queries(80):  # a fixed number per family, whatever its history
        assert oversight_nightly(now=timezone.now()) == 2
    assert OversightCheck.objects.filter(computed_at=timezone.now()).count() == 2


def test_one_failing_family_does_not_stop_the_others(world, monkeypatch):
    real = scheduled.family_oversight_compute

    def failing(*, family, now):
        if family.pk == world.family.pk:
            raise RuntimeError("broken family")
        return real(family=family, now=now)

    monkeypatch.setattr(scheduled, "family_oversight_compute", failing)
    assert oversight_nightly(now=timezone.now()) == 1
    assert OversightCheck.objects.filter(family=world.other_family).exists()
    assert not OversightCheck.objects.filter(family=world.family).exists()
    failure = SweepFailure.objects.get(check_name=scheduled.CHECK, item_id=world.family.pk)
    assert "broken family" in failure.last_error


def test_home_visit_seen_with_no_session_is_found_and_not_when_the_session_matches(world):
    found = discrepancy(world)
    assert found.worker == world.users["involved_practitioner"] and found.visit is None
    assert "no visit session" in found.evidence_texts()[0]
    matched = seen_home_visit(world, hours_ago=0.2)  # during the session just checked out
    family_oversight_compute(family=world.family, now=timezone.now())
    assert not VisitDiscrepancy.objects.filter(contact=matched).exists()


def test_contact_during_a_visit_session_with_another_family(world):
    worker = world.users["involved_practitioner"]
    other = family_create(by=worker, name="Second household", reason="Health visiting", line1="3 Stryd Fawr",
                          town="Afonwy", postcode="AF2 3CC")
    visit = session(world, family=other)
    contact = seen_home_visit(world, hours_ago=0)  # recorded as happening now, while checked in elsewhere
    family_oversight_compute(family=world.family, now=timezone.now())
    overlap = VisitDiscrepancy.objects.get(contact=contact, kind=DiscrepancyKind.OVERLAP)
    assert overlap.visit_id == visit.pk and "Second household" in overlap.evidence_texts()[0]
    # Recorded before the session elsewhere began: no overlap.
    earlier = seen_home_visit(world, hours_ago=2)
    family_oversight_compute(family=world.family, now=timezone.now())
    assert not VisitDiscrepancy.objects.filter(contact=earlier, kind=DiscrepancyKind.OVERLAP).exists()


def test_contact_recorded_long_after_a_session_that_ended_with_no_contact(world, time_machine):
    visit = session(world)
    time_machine.shift(timedelta(hours=RULES["OVR-1"].defaults()["late_record_hours"] + 2))
    late = seen_home_visit(world, hours_ago=(timezone.now() - visit.started_at).total_seconds() / 3600 - 0.1)
    family_oversight_compute(family=world.family, now=timezone.now())
    found = VisitDiscrepancy.objects.get(contact=late, kind=DiscrepancyKind.LATE_RECORD)
    assert found.visit_id == visit.pk


def test_contact_recorded_promptly_after_its_session_is_not_late(world, time_machine):
    visit = session(world)
    prompt = seen_home_visit(world, hours_ago=0.1)
    time_machine.shift(timedelta(days=3))
    family_oversight_compute(family=world.family, now=timezone.now())
    assert not VisitDiscrepancy.objects.filter(contact=prompt).exists()
    assert visit.ended_at is not None


def test_the_worker_explains_audited_and_the_explanation_survives(world):
    found = discrepancy(world)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    with pytest.raises(PermissionDenied):
        discrepancy_explain(discrepancy=found, by=manager, explanation=Explanation.SESSION_NOT_USED)
    with pytest.raises(ValidationError) as refused:
        discrepancy_explain(discrepancy=found, by=worker, explanation=Explanation.OTHER, note=" ")
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError):
        discrepancy_explain(discrepancy=found, by=worker, explanation="made_up")
    explained = discrepancy_explain(discrepancy=found, by=worker, explanation=Explanation.SESSION_NOT_USED,
                                    note="Phone battery flat; I told the duty desk by landline.")
    assert explained.explained_by == worker and explained.explanation == Explanation.SESSION_NOT_USED
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="oversight.VisitDiscrepancy").get()
    assert event.family_id == world.family.pk and event.actor == worker
    # The contact entered in error: an unexplained discrepancy would go; the explained one stays.
    from doorstep.engagement.services import contact_enter_in_error

    contact_enter_in_error(contact=found.contact, by=worker, reason="Recorded on the wrong family")
    family_oversight_compute(family=world.family, now=timezone.now())
    assert VisitDiscrepancy.objects.filter(pk=found.pk).exists()


def test_issue_21_ovr_1_drift_follows_the_family_partnerships_settings(world, time_machine):
    """OVR-1, ESC-8 (issue 21): the default partnership has OVR-1 switched off; the family's own partnership keeps
    it on with a shorter seen-alone period, so the family's drift signals are computed from its own settings."""
    from doorstep.escalations.services import rule_settings_update
    from doorstep.testing.partnerships import second_partnership

    rule_settings_update(rule_id="OVR-1", by=world.users["administrator"], enabled=False,
                         parameters=RULES["OVR-1"].defaults(), reason="Not in the default partnership")
    second_partnership(world, settings={"ESC-8": {"not_seen_alone_days": 10}}, families=[world.family])
    time_machine.shift(timedelta(days=11))
    family_oversight_compute(family=world.family, now=timezone.now())
    assert SignalKind.NOT_SEEN_ALONE in _kinds(world.family)

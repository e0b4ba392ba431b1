"""RIG-1 (issue 20): the subject access request through its services: deadlines, gathering, consultation,
redaction, approval and release, and the refusals with their specific messages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditEvent
from doorstep.chronology.models import ChronologyEntry
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.subjectaccess import services
from doorstep.subjectaccess.models import (
    Consultation,
    ConsultationState,
    DisclosureItem,
    ItemKind,
    Redaction,
    RedactionGround,
    RedactionState,
    RequestState,
)
from doorstep.subjectaccess.rules import answer_key, consult_key

from .helpers import FATHER, THEIR_WORDS, gathered, officers, record


@pytest.mark.clock("2028-01-31 10:00")
def test_rig_1_deadline_31_january_is_the_end_of_february_as_a_tracked_action(world):
    found = record(world, received_on=date(2028, 1, 31))
    assert found.due_on == date(2028, 2, 29)  # 2028 is a leap year; 29 February is a Tuesday
    action = Escalation.objects.get(key=answer_key(found.pk))
    assert action.rule_id == "RIG-1" and action.owner == world.users["involved_practitioner"]
    assert timezone.localtime(action.deadline).date() == date(2028, 2, 29)
    assert action.family == world.family
    assert AuditEvent.objects.filter(object_type="subjectaccess.SubjectAccessRequest", object_id=str(found.pk),
                                     action="create").exists()
    assert ChronologyEntry.objects.filter(source_type="subjectaccess.SubjectAccessRequest").exists()


@pytest.mark.clock("2027-02-10 10:00")
def test_rig_1_deadline_month_end_then_next_working_day(world):
    # 31 January 2027 -> 28 February 2027 is a Sunday -> Monday 1 March 2027.
    assert record(world, received_on=date(2027, 1, 31)).due_on == date(2027, 3, 1)


@pytest.mark.clock("2028-02-10 10:00")
def test_rig_1_extension_up_to_three_months_from_receipt_with_a_letter(world):
    officer = world.users["involved_practitioner"]
    found = record(world, received_on=date(2028, 1, 31))
    with pytest.raises(ValidationError) as refused:
        services.request_extend(request=found, by=officer, months=3, reason="Complex")
    assert "beyond three months from receipt" in str(refused.value)
    found = services.request_extend(request=found, by=officer, months=2, reason="Records from four agencies")
    # 30 April 2028 is a Sunday and 1 May the early May bank holiday: Tuesday 2 May.
    assert found.due_on == date(2028, 5, 2)
    assert "Records from four agencies" in " ".join(found.extension_letter_shown)
    assert "Information Commissioner" in " ".join(found.extension_letter_shown)
    actions = Escalation.objects.filter(key=answer_key(found.pk))
    assert [(a.state, timezone.localtime(a.deadline).date()) for a in actions.order_by("id")] == [
        (EscalationState.DONE, date(2028, 2, 29)), (EscalationState.OPEN, date(2028, 5, 2))]
    with pytest.raises(ValidationError) as again:
        services.request_extend(request=found, by=officer, months=1, reason="More")
    assert "beyond three months from receipt" in str(again.value)


def test_rig_1_refuses_no_subject_and_a_future_date(world):
    with pytest.raises(ValidationError) as refused:
        record(world, subject=None, received_on=timezone.localdate() + timedelta(days=1))
    assert refused.value.message_dict == {
        "subject": ["Choose the person the request is about"],
        "received_on": ["The date the request was received must be today or in the past"]}


def test_rig_1_only_a_disclosure_officer_records(world):
    officers(world)
    for role in ("involved_manager", "other_involved", "uninvolved"):
        with pytest.raises(PermissionDenied):
            record(world, by=world.users[role])


def test_rig_1_gathering_items_with_agencies_proposals_and_consultation(world):
    found = gathered(world)
    assert found.state == RequestState.GATHERED
    kinds = set(DisclosureItem.objects.filter(request=found).values_list("kind", flat=True))
    assert {ItemKind.FAMILY, ItemKind.PERSON, ItemKind.CONTACT} <= kinds
    police = world.users["other_involved"].agency
    assert DisclosureItem.objects.filter(request=found, kind=ItemKind.CONTACT, agency=police).exists()
    proposed = set(Redaction.objects.filter(item__request=found, automatic=True).values_list("text", flat=True))
    assert {FATHER, "Dean"} <= proposed
    assert "Kelly" not in proposed and "Testing" not in proposed  # the subject's own name is never proposed
    consultation = Consultation.objects.get(request=found)
    assert consultation.agency == police and consultation.owner == world.users["involved_postholder"]
    action = Escalation.objects.get(key=consult_key(found.pk, police.pk))
    assert action.owner == world.users["involved_postholder"] and action.state == EscalationState.OPEN


def _walk_to_approval(world):
    found = gathered(world)
    officer = world.users["involved_practitioner"]
    for r in Redaction.objects.filter(item__request=found, state=RedactionState.PROPOSED):
        services.redaction_decide(redaction=r, by=officer, withhold=True)
    return found, officer


def test_rig_1_consultation_blocks_approval_and_release(world):
    found, officer = _walk_to_approval(world)
    services.request_submit(request=found, by=officer)
    manager = world.users["involved_manager"]
    with pytest.raises(ValidationError) as refused:
        services.request_approve(request=found, by=manager)
    assert "have not yet been consulted" in str(refused.value)
    consultation = Consultation.objects.get(request=found)
    services.consultation_answer(consultation=consultation, by=world.users["involved_postholder"], objection=False)
    assert Consultation.objects.get(pk=consultation.pk).state == ConsultationState.NO_OBJECTION
    assert Escalation.objects.get(key=consult_key(found.pk, consultation.agency_id)).state == EscalationState.DONE
    services.request_approve(request=found, by=manager)


def test_rig_1_release_requires_a_second_persons_approval(world):
    found, officer = _walk_to_approval(world)
    services.consultation_answer(consultation=Consultation.objects.get(request=found),
                                 by=world.users["involved_postholder"], objection=False)
    with pytest.raises(ValidationError) as early:
        services.request_release(request=found, by=officer)
    assert "A manager must approve the bundle before it is released" in str(early.value)
    services.request_submit(request=found, by=officer)
    with pytest.raises(PermissionDenied):
        services.request_approve(request=found, by=officer)
    services.request_approve(request=found, by=world.users["involved_manager"])
    released = services.request_release(request=found, by=officer)
    assert released.state == RequestState.RELEASED and released.released_on_time is True
    assert Escalation.objects.get(key=answer_key(found.pk)).state == EscalationState.DONE
    assert AuditEvent.objects.filter(object_type="subjectaccess.SubjectAccessRequest", object_id=str(found.pk),
                                     action="export").exists()
    assert ChronologyEntry.objects.filter(source_type="subjectaccess.SubjectAccessRequest",
                                          summary__contains="answered").exists()


def test_rig_1_submit_needs_every_proposal_decided(world):
    found = gathered(world)
    with pytest.raises(ValidationError) as refused:
        services.request_submit(request=found, by=world.users["involved_practitioner"])
    assert "every proposed redaction" in str(refused.value)


def test_rig_1_officer_adds_a_redaction_only_of_words_in_the_record(world):
    found = gathered(world)
    officer = world.users["involved_practitioner"]
    item = DisclosureItem.objects.get(request=found, kind=ItemKind.CONTACT, agency=officer.agency)
    with pytest.raises(ValidationError) as refused:
        services.redaction_add(item=item, by=officer, text="not in the record", ground=RedactionGround.THIRD_PARTY)
    assert "not in this record" in str(refused.value)
    with pytest.raises(ValidationError) as other:
        services.redaction_add(item=item, by=officer, text="too tired", ground=RedactionGround.OTHER)
    assert other.value.message_dict == {"other_reason": ["Enter the other ground"]}
    added = services.redaction_add(item=item, by=officer, text="too tired", ground=RedactionGround.SERIOUS_HARM)
    assert added.state == RedactionState.CONFIRMED and not added.automatic
    assert THEIR_WORDS  # the subject's own words: only the officer's own redaction applies to them (test_views)


def test_rig_1_board_figures_count_received_on_time_and_extended(world):
    from doorstep.core.board import Period
    from doorstep.subjectaccess.board import subject_access_figures

    found, officer = _walk_to_approval(world)
    services.request_extend(request=found, by=officer, months=1, reason="Many records")
    services.consultation_answer(consultation=Consultation.objects.get(request=found),
                                 by=world.users["involved_postholder"], objection=True, response="Withhold the PNC ref")
    services.request_submit(request=found, by=officer)
    services.request_approve(request=found, by=world.users["involved_manager"])
    services.request_release(request=found, by=officer)
    today = timezone.localdate()
    start, end = Period(today, today).bounds()
    (table,) = subject_access_figures(start=start, end=end, partnership=world.family.partnership)
    assert {f.key: f.value for f in table.figures} == {"sar_received": 1, "sar_on_time": 1, "sar_late": 0,
                                                       "sar_extended": 1}


def test_rig_1_supervision_decisions_are_gathered_never_the_workers_reflections(world):
    from doorstep.supervision.tests.builders import DECISION, REFLECTION, case

    case(world)
    found = gathered(world)
    decisions = DisclosureItem.objects.filter(request=found, kind=ItemKind.DECISION)
    assert decisions.exists()
    words = str(list(DisclosureItem.objects.filter(request=found).values_list("lines", flat=True)))
    assert DECISION in words and REFLECTION not in words


def test_rig_1_the_extension_letter_is_in_the_requesters_language(world):
    found = record(world, language="cy")
    found = services.request_extend(request=found, by=world.users["involved_practitioner"], months=1,
                                    reason="Cofnodion gan bedair asiantaeth")
    letter = " ".join(found.extension_letter_shown)
    assert "Comisiynydd Gwybodaeth" in letter and "Cofnodion gan bedair asiantaeth" in letter

"""UK GDPR Article 16 and RIG-2 through the real services: a request to correct a record is logged by any involved
worker, becomes the RIG-2 tracked action of the record's agency (one calendar month), and is decided: corrected (the
earlier version kept) or not corrected (the person's statement attached). The partnership's list is maintained by an
administrator, audited, bad input refused."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry
from doorstep.core.workingdays import end_of_day
from doorstep.engagement.models import ContactRevision
from doorstep.engagement.tests.helpers import record
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.incidents.tests.access import incident
from doorstep.recording import services
from doorstep.recording.check import Term
from doorstep.recording.defaults import DEFAULT_TERMS
from doorstep.recording.models import CorrectionRequest, CorrectionState, RecordingTerm, RecordKind
from doorstep.recording.rules import CorrectionFacts, correction_key, rig_2
from doorstep.recording.selectors import terms_in_force


def _log(world, record_=None, *, by="other_involved", received_on=None, text="Nobody knocked: I was at home."):
    return services.correction_request_log(
        record=record_ or record(world, note="No answer at the door."), by=world.users[by], person=world.parent,
        received_on=received_on or timezone.localdate(), request_text=text)


def _action(request) -> Escalation:
    return Escalation.objects.get(key=correction_key(request.pk))


# The rule, with plain values ---------------------------------------------------------------------------------

@pytest.mark.parametrize("received, due", [
    (date(2027, 1, 31), date(2027, 3, 1)),  # 28 February 2027 is a Sunday
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year: the month's last day
    (date(2026, 9, 3), date(2026, 10, 5)),  # 3 October 2026 is a Saturday
    (date(2027, 3, 31), date(2027, 4, 30)),  # no 31 April
])
def test_rig_2_rule_one_calendar_month_from_receipt(received, due):
    facts = CorrectionFacts(request_id=7, family_name="Evans household", person_name="Rhys Evans", record="Contact",
                            owner_id=3, received_on=received, nation="england-wales")
    (raised,) = rig_2(facts, {}).outcomes
    assert raised.rule_id == "RIG-2" and raised.key == "RIG-2:correction:7" and raised.owner_id == 3
    assert raised.deadline == due and raised.trigger_date == received
    assert raised.facts[0].ref == ("correction", 7)


# Logging ------------------------------------------------------------------------------------------------------

def test_rig_2_any_involved_worker_logs_a_request_the_recorders_agency_owns_the_deadline(world):
    contact = record(world, note="No answer at the door.")
    request = _log(world, contact, received_on=timezone.localdate() - timedelta(days=3))
    assert request.record_kind == RecordKind.CONTACT and request.contact == contact
    assert request.agency_id == contact.agency_id and request.state == CorrectionState.AWAITING
    action = _action(request)
    assert action.owner == world.users["involved_practitioner"]  # whoever recorded it, in the record's agency
    assert action.deadline == end_of_day(request.due_on) and action.state == EscalationState.OPEN
    assert action.rule_id == "RIG-2" and action.family == world.family
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="recording.CorrectionRequest",
                                     object_id=str(request.pk), actor=world.users["other_involved"]).exists()
    entry = ChronologyEntry.objects.get(source_type="recording.CorrectionRequest", source_id=str(request.pk))
    assert "asked for a record to be corrected" in entry.summary_shown and world.parent.given_name in entry.summary_shown
    assert "correction_requested" in entry.tag_list


@pytest.mark.clock("2027-01-31 10:00")
def test_rig_2_received_on_31_january_is_decided_by_1_march_2027(world):
    request = _log(world)
    assert request.due_on == date(2027, 3, 1)
    assert _action(request).deadline == end_of_day(date(2027, 3, 1))


def test_rig_2_a_chronology_entry_from_a_contact_is_a_request_about_the_contact(world):
    contact = record(world, note="Father shouted.")
    entry = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))
    request = _log(world, entry)
    assert request.record_kind == RecordKind.CONTACT and request.contact == contact and request.entry is None


def test_rig_2_bad_requests_are_refused_with_a_specific_message_and_nothing_saved(world):
    contact = record(world)
    with pytest.raises(ValidationError) as refused:
        services.correction_request_log(record=contact, by=world.users["other_involved"], person=world.parent,
                                        received_on=timezone.localdate() + timedelta(days=1), request_text="  ")
    assert set(refused.value.message_dict) == {"received_on", "request_text"}
    assert "must be today or in the past" in refused.value.message_dict["received_on"][0]
    with pytest.raises(PermissionDenied):  # emergency access is read-only
        _log(world, contact, by="break_glass")
    assert not CorrectionRequest.objects.exists() and not Escalation.objects.filter(rule_id="RIG-2").exists()


# Deciding -----------------------------------------------------------------------------------------------------

def test_rig_2_corrected_the_earlier_version_is_kept_and_the_action_closes(world):
    contact = record(world, note="Mum was hostile and refused to engage.")
    request = _log(world, contact)
    with pytest.raises(PermissionDenied):  # another agency never rewrites someone else's record
        services.correction_decide(request=request, by=world.users["other_involved"], decision="corrected",
                                   reason="x", corrected_text="y")
    decided = services.correction_decide(
        request=request, by=world.users["involved_practitioner"], decision=CorrectionState.CORRECTED,
        reason="Mum's account matches the neighbour's.", corrected_text="Mum said she did not hear the door.")
    contact.refresh_from_db()
    assert contact.note == "Mum said she did not hear the door." and contact.version == 2
    kept = ContactRevision.objects.get(contact=contact)
    assert kept.data["note"] == "Mum was hostile and refused to engage." and "Article 16" in kept.reason
    assert decided.state == CorrectionState.CORRECTED and decided.before_text == "Mum was hostile and refused to engage."
    assert _action(decided).state == EscalationState.DONE
    entry = ChronologyEntry.objects.get(source_type="recording.CorrectionRequest", source_id=str(request.pk),
                                        tags__contains="|correction_decided|")
    assert "Corrected; the earlier version is kept" in entry.summary_shown
    with pytest.raises(ValidationError):  # decided once
        services.correction_decide(request=decided, by=world.users["involved_manager"], decision="not_corrected",
                                   reason="x", statement="y")


def test_rig_2_not_corrected_the_persons_statement_is_attached(world):
    request = _log(world)
    with pytest.raises(ValidationError) as refused:
        services.correction_decide(request=request, by=world.users["involved_manager"],
                                   decision=CorrectionState.NOT_CORRECTED, reason="", statement="")
    assert set(refused.value.message_dict) == {"reason", "statement"}
    decided = services.correction_decide(
        request=request, by=world.users["involved_manager"], decision=CorrectionState.NOT_CORRECTED,
        reason="Two workers knocked and heard the television.", statement="I was in the bath and did not hear them.")
    assert decided.state == CorrectionState.NOT_CORRECTED and decided.statement.startswith("I was in the bath")
    assert decided.contact.note == "No answer at the door."  # unchanged
    assert _action(decided).state == EscalationState.DONE


def test_rig_2_an_incidents_worker_account_corrected_keeps_the_earlier_words(world):
    found = incident(world)
    request = _log(world, found)
    services.correction_decide(request=request, by=world.users["involved_practitioner"], decision="corrected",
                               reason="He said he would report me, not kill me.",
                               corrected_text="Shouted that he would report me.")
    found.refresh_from_db()
    request.refresh_from_db()
    assert found.account == "Shouted that he would report me."
    assert request.before_text == "Shouted that he would kill me."
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="incidents.Incident",
                                     object_id=str(found.pk)).exists()


# The partnership's list (RIG-2) --------------------------------------------------------------------------------

def test_rig_2_the_defaults_are_in_force_until_an_administrator_changes_the_list(world):
    assert terms_in_force() == list(DEFAULT_TERMS)
    admin = world.users["administrator"]
    with pytest.raises(PermissionDenied):
        services.recording_term_add(by=world.users["involved_manager"], term="unkempt", suggestion="x", language="en")
    added = services.recording_term_add(by=admin, term="  Unkempt ", suggestion="Describe what you saw.",
                                        language="en")
    assert added.term == "unkempt"
    assert RecordingTerm.objects.count() == len(DEFAULT_TERMS) + 1  # the defaults copied first: nothing lost
    assert Term("unkempt", "Describe what you saw.", "en") in terms_in_force()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="recording.RecordingTerm",
                                     actor=admin).exists()
    for term, suggestion, field in (("unkempt", "x", "term"), ("ab", "x", "term"), ("123", "x", "term"),
                                    ("slovenly", "", "suggestion")):
        with pytest.raises(ValidationError) as refused:
            services.recording_term_add(by=admin, term=term, suggestion=suggestion, language="en")
        assert field in refused.value.message_dict
    hostile = RecordingTerm.objects.get(term="hostile", language="en")
    services.recording_term_update(by=admin, term_id=hostile.pk, term="hostile", suggestion=hostile.suggestion,
                                   language="en", active=False)
    assert "hostile" not in {t.term for t in terms_in_force()}
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(hostile.pk)).exists()


def test_article_16_a_persons_details_the_overall_leads_agency_records_the_correction_made_on_their_page(world):
    from doorstep.families.services import person_update

    request = _log(world, world.parent, text="My name is spelt Siân, with a circumflex.")
    assert request.record_kind == RecordKind.PERSON and request.person_details == world.parent
    assert _action(request).owner == world.users["involved_practitioner"]  # the overall lead
    lead = world.users["involved_practitioner"]
    with pytest.raises(ValidationError) as refused:  # not yet changed on the person's page
        services.correction_decide(request=request, by=lead, decision="corrected", reason="Spelling.")
    assert "decision" in refused.value.message_dict
    person_update(person=world.parent, by=lead, given_name="Siân")
    decided = services.correction_decide(request=request, by=lead, decision="corrected", reason="Spelling.")
    assert decided.state == CorrectionState.CORRECTED and "Siân" in decided.after_text
    assert "Siân" not in decided.before_text
    assert world.parent.history.count() >= 2  # the earlier version is kept in the person's history

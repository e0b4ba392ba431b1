"""ENG-1..6: recording, validation (nothing half-saved), defaulted from configuration, corrections, entered in
error, follow-up, the summary for a parent, and the escalation engine being run in the same transaction."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.engagement import services
from doorstep.engagement.models import (
    AssessmentArea,
    Behaviour,
    Contact,
    ContactChild,
    ContactKind,
    ContactRevision,
    EngagementSettings,
    NonCooperationReason,
    Outcome,
    ParentLetter,
    ReasonBasis,
    ThreatKind,
)
from doorstep.escalations import evaluate
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole

from .helpers import record


def _counts():
    return (Contact.objects.count(), ContactChild.objects.count(), AuditEvent.objects.count(),
            ChronologyEntry.objects.filter(kind=EntryKind.CONTACT).count())


def test_no_access_visit_is_recorded_with_audit_chronology_and_defaulted(world):
    worker = world.users["involved_practitioner"]
    contact = record(world, outcome=Outcome.NO_ANSWER, follow_up="Card left")
    assert contact.defaulted is True
    assert contact.agency == worker.agency and contact.recorded_by == worker
    # The household's child is part of the contact, not seen (ESC-8 reads these rows).
    row = ContactChild.objects.get(contact=contact)
    assert (row.child, row.seen, row.seen_alone) == (world.child, False, False)
    audit = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="engagement.Contact").get()
    assert audit.object_id == str(contact.pk) and audit.family == world.family and audit.actor == worker
    entry = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))
    assert entry.kind == EntryKind.CONTACT and entry.occurred_at == contact.occurred_at
    assert {"no_answer", "home_visit", "defaulted"} <= set(entry.tag_list)
    assert "No answer" in entry.summary and entry.agency == worker.agency
    assert list(entry.people.all()) == [world.child]
    assert contact.follow_ups.get().text == "Card left"


def test_behaviours_and_threats_are_tags_and_make_the_entry_significant(world):
    """ENG-2 (behaviours observed) and ENG-3 (threatening behaviour) are recorded on the contact and its chronology
    entry."""
    contact = record(world, outcome=Outcome.REFUSED_ENTRY, behaviours=[Behaviour.CONFRONTATION],
                     threats=[ThreatKind.SHOUTING, ThreatKind.ANIMALS], adults_present=[world.parent],
                     child_impact="The child hears this every day.")
    entry = ChronologyEntry.objects.get(source_id=str(contact.pk), source_type="engagement.Contact")
    assert {"confrontation", "shouting", "animals", "refused_entry"} <= set(entry.tag_list)
    assert entry.significant and contact.significant
    assert set(entry.people.all()) == {world.child, world.parent}
    assert "threatening behaviour: shouting, dogs or other animals used as a threat" in entry.summary


def test_fam_5_and_eng_4_reasons_for_non_cooperation_and_areas_not_achieved_are_recorded(world):
    """FAM-5 (001 §5.1.2, 004 §1.4): the reasons for non-cooperation, given by the family or assessed; ENG-4
    (002 §3.3, 004 §2.1): the areas of assessment that could not be achieved, and why."""
    contact = record(
        world, outcome=Outcome.REFUSED_ENTRY,
        non_cooperation_codes=[NonCooperationReason.PRIVACY, NonCooperationReason.DENIES_PROBLEM],
        non_cooperation_basis=ReasonBasis.BOTH, non_cooperation_reasons="Mother says we are interfering.",
        assessment_areas_missed=[AssessmentArea.CHILD_ALONE, AssessmentArea.SLEEPING],
        areas_not_achieved="Entry refused: could not see Alfie alone or where he sleeps.")
    contact.refresh_from_db()
    assert contact.non_cooperation_codes == ["privacy", "denies_problem"]
    assert contact.non_cooperation_basis == "both" and contact.non_cooperation_reasons.startswith("Mother says")
    assert contact.assessment_areas_missed == ["child_alone", "sleeping"]
    assert contact.assessment_area_labels() == ["Seeing the child alone", "Where the child sleeps"]
    before = _counts()
    with pytest.raises(ValidationError) as error:
        record(world, non_cooperation_codes=["bored"], assessment_areas_missed=["everything"])
    assert set(error.value.message_dict) >= {"non_cooperation_codes", "assessment_areas_missed"}
    assert _counts() == before


def test_an_ordinary_visit_is_not_significant_unless_marked(world):
    plain = record(world, children={world.child: {"seen": True}})
    marked = record(world, children={world.child: {"seen": True}}, significant=True)
    assert (plain.significant, marked.significant) == (False, True)


def test_the_escalation_engine_runs_inside_the_transaction(world, monkeypatch):
    seen = []

    def evaluator(*, family):
        # The contact is visible to the engine: it runs after the write, in the same transaction.
        seen.append((family, Contact.objects.filter(family=family).count()))

    monkeypatch.setattr(evaluate, "FAMILY_EVALUATORS", [evaluator])
    record(world, outcome=Outcome.NO_ANSWER)
    assert seen == [(world.family, 1)]


def test_engine_failure_rolls_back_the_contact(world, monkeypatch):
    def broken(*, family):
        raise RuntimeError("engine down")

    monkeypatch.setattr(evaluate, "FAMILY_EVALUATORS", [broken])
    before = _counts()
    with pytest.raises(RuntimeError):
        record(world, outcome=Outcome.NO_ANSWER)
    assert _counts() == before


@pytest.mark.parametrize("kwargs, field, message", [
    ({"ago": timedelta(minutes=-5)}, "occurred_at", "must be in the past"),
    ({"children": {"not-a-child": {"seen": True}}}, "children", "not a member of this family"),
    ({"outcome": Outcome.NO_ANSWER, "children": "seen"}, "outcome", "means nobody was seen"),
    ({"outcome": Outcome.CHILD_NOT_AVAILABLE, "children": "seen"}, "outcome", "contradicts every child being seen"),
    ({"children": {"seen_alone": True}}, "children", "cannot be seen alone without being seen"),
    ({"kind": ContactKind.PHONE, "children": "seen"}, "children", "Nobody can be seen by phone call"),
    ({"kind": ContactKind.OFFICE, "children": {"seen": True, "food_seen": True}}, "children",
     "can only be seen on a home visit"),
    ({"behaviours": ["shouting"]}, "behaviours", "Select behaviours from the list"),
    ({"threats": ["rudeness"]}, "threats", "Select threatening behaviour from the list"),
    ({"unknown_adults_present": -1}, "unknown_adults_present", "whole number from 0 to 20"),
    ({"kind": "carrier_pigeon"}, "kind", "Select the kind of contact"),
    ({"outcome": "maybe"}, "outcome", "Select what happened"),
    ({"purpose": "x" * 301}, "purpose", "300 characters or fewer"),
])
def test_bad_input_is_refused_with_a_specific_error_and_nothing_is_saved(world, kwargs, field, message):
    kwargs = dict(kwargs)
    children = kwargs.pop("children", None)
    if children == "seen":
        kwargs["children"] = {world.child: {"seen": True}}
    elif children is not None and "not-a-child" in children:
        kwargs["children"] = {999999: {"seen": True}}
    elif children is not None:
        kwargs["children"] = {world.child: children}
    before = _counts()
    with pytest.raises(ValidationError) as error:
        record(world, **kwargs)
    assert any(message in m for m in error.value.message_dict[field]), error.value.message_dict
    assert _counts() == before


def test_a_child_of_another_family_and_an_adult_as_child_are_refused(world):
    other_child = family_services.person_add(family=world.other_family, by=world.users["uninvolved"],
                                             role=MemberRole.CHILD, given_name="Ela", family_name="Other")
    with pytest.raises(ValidationError) as error:
        record(world, children={other_child: {"seen": True}})
    assert "That child is not a member of this family" in error.value.message_dict["children"]
    with pytest.raises(ValidationError) as error:
        record(world, children={world.parent: {"seen": True}})
    assert "Kelly Testing is not a child in this family" in error.value.message_dict["children"]
    with pytest.raises(ValidationError) as error:
        record(world, adults_present=[world.child])
    assert "Alfie Testing is a child" in error.value.message_dict["adults_present"][0]
    assert Contact.objects.count() == 0


def test_an_unborn_child_cannot_be_seen(world):
    unborn = family_services.person_add(family=world.family, by=world.users["involved_practitioner"],
                                        role=MemberRole.UNBORN, given_name="Baby", family_name="Testing",
                                        expected_date=timezone.localdate() + timedelta(days=40))
    with pytest.raises(ValidationError) as error:
        record(world, children={unborn: {"seen": True}})
    assert "is not born yet" in error.value.message_dict["children"][0]
    # An unborn child is not part of a contact by default either.
    contact = record(world)
    assert list(contact.children.values_list("child", flat=True)) == [world.child.pk]


def test_board_chair_cannot_record(world):
    with pytest.raises(PermissionDenied):
        record(world, by=world.users["board_chair"])


def test_defaulted_comes_from_configuration_and_stays_as_recorded(world):
    """ENG-6: which outcomes count as defaulted is configuration; a change applies to new contacts only."""
    admin = world.users["administrator"]
    before = record(world, outcome=Outcome.RESCHEDULED_BY_PROFESSIONAL)
    assert before.defaulted is False
    services.engagement_settings_update(by=admin, defaulted_outcomes=[Outcome.RESCHEDULED_BY_PROFESSIONAL,
                                                                      Outcome.NO_ANSWER], late_entry_hours=48)
    after = record(world, outcome=Outcome.RESCHEDULED_BY_PROFESSIONAL)
    refused = record(world, outcome=Outcome.REFUSED_ENTRY)
    before.refresh_from_db()
    assert (before.defaulted, after.defaulted, refused.defaulted) == (False, True, False)
    audit = AuditEvent.objects.filter(object_type="engagement.EngagementSettings").get()
    assert audit.actor == admin and audit.action == AuditAction.UPDATE
    assert "defaulted_outcomes" in audit.summary and "rescheduled" in audit.reason
    assert EngagementSettings.current().history.count() == 2  # created on first save, then changed


def test_only_administrators_change_the_settings_and_bad_values_are_refused(world):
    with pytest.raises(PermissionDenied):
        services.engagement_settings_update(by=world.users["involved_manager"], defaulted_outcomes=[], late_entry_hours=1)
    with pytest.raises(ValidationError) as error:
        services.engagement_settings_update(by=world.users["administrator"], defaulted_outcomes=[Outcome.SEEN], late_entry_hours=0)
    assert set(error.value.message_dict) == {"defaulted_outcomes", "late_entry_hours"}
    assert not AuditEvent.objects.filter(object_type="engagement.EngagementSettings").exists()


def test_a_late_entry_is_marked_late(world):
    now = timezone.now()
    late = services.contact_record(family=world.family, by=world.users["involved_practitioner"],
                                   kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                                   occurred_at=now - timedelta(days=3))
    prompt = record(world, ago=timedelta(hours=5))
    assert (late.recorded_late, prompt.recorded_late) == (True, False)
    assert late.late_by_days == 3
    entry = ChronologyEntry.objects.get(source_id=str(late.pk), source_type="engagement.Contact")
    assert "late" in entry.tag_list and entry.recorded_at - entry.occurred_at >= timedelta(days=3)


def test_recorded_at_cannot_precede_the_contact_or_be_in_the_future(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        record(world, recorded_at=now - timedelta(days=5))
    assert "cannot be recorded before it happened" in error.value.message_dict["occurred_at"][0]
    with pytest.raises(ValidationError):
        record(world, recorded_at=now + timedelta(hours=1))


# Corrections ------------------------------------------------------------------------------------------------


def test_a_correction_keeps_the_earlier_version_with_who_and_why(world):
    worker = world.users["involved_practitioner"]
    contact = record(world, outcome=Outcome.NO_ANSWER, note="Nobody home")
    corrected = services.contact_correct(
        contact=contact, by=worker, reason="Mother answered after all", outcome=Outcome.SEEN,
        children={world.child: {"seen": True, "seen_alone": True}}, note="Child seen alone in the kitchen")
    assert corrected.version == 2 and corrected.outcome == Outcome.SEEN and not corrected.defaulted
    revision = ContactRevision.objects.get(contact=contact)
    assert revision.version == 1 and revision.replaced_by == worker and revision.reason == "Mother answered after all"
    assert revision.data["outcome"] == "no_answer" and revision.data["note"] == "Nobody home"
    assert revision.data["children"][0]["seen"] is False
    assert ContactChild.objects.get(contact=contact).seen_alone is True
    audit = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="engagement.Contact").get()
    assert audit.reason == "Mother answered after all" and "outcome" in audit.summary and "children" in audit.summary
    entry = ChronologyEntry.objects.get(source_id=str(contact.pk), source_type="engagement.Contact")
    assert "corrected" in entry.tag_list and "seen" in entry.tag_list and "defaulted" not in entry.tag_list
    assert "Alfie (alone)" in entry.summary


def test_a_correction_needs_a_reason_a_change_and_the_right_person(world):
    contact = record(world)
    worker = world.users["involved_practitioner"]
    with pytest.raises(ValidationError) as error:
        services.contact_correct(contact=contact, by=worker, reason=" ", note="x")
    assert "Enter why you are correcting" in error.value.message_dict["reason"][0]
    with pytest.raises(ValidationError) as error:
        services.contact_correct(contact=contact, by=worker, reason="No change")
    assert "You have not changed anything" in error.value.message_dict["reason"][0]
    # Another agency never rewrites someone else's record; the recorder's manager may.
    with pytest.raises(PermissionDenied):
        services.contact_correct(contact=contact, by=world.users["other_involved"], reason="x", note="y")
    services.contact_correct(contact=contact, by=world.users["involved_manager"], reason="Typo", note="Fixed")
    assert ContactRevision.objects.count() == 1
    # Bad corrected values are refused like bad new ones, and the contact is left as it was.
    with pytest.raises(ValidationError):
        services.contact_correct(contact=contact, by=worker, reason="x", occurred_at=timezone.now() + timedelta(1))
    contact.refresh_from_db()
    assert contact.version == 2 and contact.note == "Fixed" and ContactRevision.objects.count() == 1


def test_entered_in_error_keeps_the_contact_and_stops_it_counting(world):
    from doorstep.engagement.selectors import child_panel, defaulted_summary

    worker = world.users["involved_practitioner"]
    contact = record(world, outcome=Outcome.NO_ANSWER)
    seen = record(world, children={world.child: {"seen": True, "seen_alone": True}}, ago=timedelta(hours=3))
    assert defaulted_summary(family=world.family)["total"] == 1
    with pytest.raises(ValidationError):
        services.contact_enter_in_error(contact=contact, by=worker, reason="")
    services.contact_enter_in_error(contact=contact, by=worker, reason="Wrong family")
    services.contact_enter_in_error(contact=seen, by=worker, reason="Duplicate")
    contact.refresh_from_db()
    assert contact.entered_in_error and contact.entered_in_error_by == worker
    assert contact.entered_in_error_reason == "Wrong family"
    assert defaulted_summary(family=world.family)["total"] == 0
    assert child_panel(family=world.family)[0]["last_seen"] is None
    entry = ChronologyEntry.objects.get(source_id=str(contact.pk), source_type="engagement.Contact")
    assert "entered_in_error" in entry.tag_list and entry.summary.startswith("Entered in error (Wrong family)")
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(contact.pk),
                                     reason="Wrong family").exists()
    with pytest.raises(ValidationError):
        services.contact_correct(contact=contact, by=worker, reason="x", note="y")
    with pytest.raises(PermissionDenied):
        services.contact_enter_in_error(contact=seen, by=world.users["other_involved"], reason="x")


def test_follow_up_is_for_defaulted_contacts_by_the_recording_agency(world):
    defaulted = record(world, outcome=Outcome.DID_NOT_ATTEND, kind=ContactKind.HEALTH_APPOINTMENT)
    seen = record(world)
    with pytest.raises(PermissionDenied):
        services.contact_follow_up_record(contact=defaulted, by=world.users["other_involved"], text="x")
    with pytest.raises(ValidationError) as error:
        services.contact_follow_up_record(contact=seen, by=world.users["involved_practitioner"], text="x")
    assert "Only a defaulted" in error.value.message_dict["text"][0]
    follow_up = services.contact_follow_up_record(contact=defaulted, by=world.users["involved_manager"],
                                                  text="New appointment sent")
    assert follow_up.by == world.users["involved_manager"]
    assert AuditEvent.objects.filter(object_id=str(defaulted.pk), summary__contains="follow-up").exists()


# The end-of-contact summary (ENG-5) -----------------------------------------------------------------------


def test_a_summary_for_the_parent_is_kept_audited_and_in_the_chronology(world):
    contact = record(world)
    today = timezone.localdate()
    letter = services.parent_letter_create(
        contact=contact, by=world.users["involved_practitioner"], addressee=world.parent, language="cy",
        plain_language=True, purpose="Gweld Alfie", what_was_done="Siarad",
        requirements=[services.Requirement(who="Kelly", what="Mynd i'r clinig", by=today + timedelta(days=7))])
    assert letter.requirements == [{"who": "Kelly", "what": "Mynd i'r clinig",
                                    "by": (today + timedelta(days=7)).isoformat()}]
    assert AuditEvent.objects.filter(object_type="engagement.ParentLetter", action=AuditAction.CREATE).exists()
    entry = ChronologyEntry.objects.get(source_type="engagement.ParentLetter", source_id=str(letter.pk))
    assert "summary_letter" in entry.tag_list and list(entry.people.all()) == [world.parent]


def test_a_summary_refuses_bad_input(world):
    contact = record(world)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.parent_letter_create(
            contact=contact, by=world.users["involved_practitioner"], addressee=world.child, language="fr",
            plain_language=False, purpose="", what_was_done="x",
            requirements=[services.Requirement(who="Kelly", what="Call", by=yesterday)])
    assert set(error.value.message_dict) == {"addressee", "language", "purpose", "by_1"}
    assert ParentLetter.objects.count() == 0


def _years_of_visits(world, n: int) -> None:
    """`n` home visits over three years, a third of them defaulted (ENG-6), the child seen at the others."""
    worker = world.users["involved_practitioner"]
    start = timezone.now() - timedelta(days=3 * 365)
    step = timedelta(days=3 * 365) / n
    Contact.objects.bulk_create([
        Contact(family=world.family, agency_id=worker.agency_id, recorded_by=worker, kind=ContactKind.HOME_VISIT,
                outcome=Outcome.NO_ANSWER if i % 3 == 0 else Outcome.SEEN, defaulted=i % 3 == 0,
                occurred_at=start + step * i)
        for i in range(n)])
    ContactChild.objects.bulk_create([
        ContactChild(contact=c, child=world.child, seen=True, seen_alone=c.pk % 4 == 0)
        for c in Contact.objects.filter(family=world.family, outcome=Outcome.SEEN, children__isnull=True)])


def test_recording_a_contact_takes_the_same_queries_however_long_the_familys_history(world):
    """Issue 15: a defaulted visit recorded with a family known for years, with the rule evaluation it triggers (ESC-1
    counting every defaulted visit since the family became known, and updating its action), runs the same queries
    for 300 earlier contacts as for 900, and no more than a bounded number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def recorded() -> int:
        with CaptureQueriesContext(connection) as queries:
            record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(hours=1))
        return len(queries.captured_queries)

    _years_of_visits(world, 300)
    recorded()  # raises ESC-1 (and what else the history calls for) once
    recorded()  # the second failed visit in a row raises ESC-3; from then on, each one updates both actions
    small = recorded()
    _years_of_visits(world, 600)
    recorded()
    large = recorded()
    assert large == small <= 40
    esc_1 = Escalation.objects.get(rule_id="ESC-1", state__in=ACTIVE_STATES)
    assert f": {Contact.objects.filter(defaulted=True).count()} (" in esc_1.facts[0]["text"]

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.families import services
from doorstep.families.models import BreakGlassAccess, BreakGlassGround, FamilyAddress, Involvement, MemberRole, Person
from doorstep.families.selectors import family_is_visible_to
from doorstep.testing.factories import AgencyFactory, ProfessionalFactory


def test_family_create_involves_the_creators_agency_with_audit_and_chronology(db):
    worker = ProfessionalFactory()
    family = services.family_create(by=worker, name="Evans household", reason="Missed health visits",
                                    line1="1 Heol y Felin", town="Afonwy", postcode="af1 1aa")
    assert family.reference == f"DS-{family.pk:06d}"
    involvement = Involvement.objects.get(family=family)
    assert (involvement.agency_id, involvement.lead_professional, involvement.ended_on) == (worker.agency_id, worker, None)
    assert family.overall_lead == worker
    assert FamilyAddress.objects.get(family=family).address.postcode == "AF1 1AA"
    assert AuditEvent.objects.filter(family=family, action=AuditAction.CREATE, actor=worker).count() == 1
    assert ChronologyEntry.objects.filter(family=family, kind=EntryKind.FAMILY).count() == 1


def test_unborn_child_needs_an_expected_date_and_nothing_is_saved(world):
    """FAM-1 (004 §2.3): an unborn child is a member of the household, with their expected date."""
    before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.person_add(family=world.family, by=world.users["involved_practitioner"], role=MemberRole.UNBORN,
                            given_name="Baby", family_name="Testing")
    assert "expected_date" in exc.value.message_dict
    assert Person.objects.count() == before


def test_date_of_birth_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.person_add(family=world.family, by=world.users["involved_practitioner"], role=MemberRole.CHILD,
                            given_name="Future", family_name="Testing",
                            date_of_birth=timezone.localdate() + timedelta(days=1))
    assert exc.value.message_dict["date_of_birth"] == ["Date of birth must be today or in the past"]


def test_child_status_change_goes_on_the_chronology_as_significant(world):
    """FAM-2: a child's status (child in need, child protection plan, looked after) is kept and its change recorded."""
    services.person_update(person=world.child, by=world.users["involved_practitioner"], child_status="cp",
                           child_status_since=date(2026, 11, 1))
    entry = ChronologyEntry.objects.get(family=world.family, kind=EntryKind.STATUS)
    assert entry.significant and "Child protection plan" in entry.summary
    assert list(entry.people.all()) == [world.child]


def test_an_agency_cannot_be_involved_twice_at_once(world):
    police = world.users["other_involved"].agency
    with pytest.raises(ValidationError) as exc:
        services.involvement_start(family=world.family, by=world.users["involved_practitioner"], agency=police,
                                   reason="Again")
    assert "already involved" in exc.value.message_dict["agency"][0]


def test_the_lead_professional_must_work_for_the_agency(world):
    housing = world.users["uninvolved"].agency
    with pytest.raises(ValidationError) as exc:
        services.involvement_start(family=world.family, by=world.users["involved_practitioner"], agency=housing,
                                   reason="Tenancy", lead_professional=world.users["other_involved"])
    assert "lead_professional" in exc.value.message_dict
    assert not Involvement.objects.filter(family=world.family, agency=housing).exists()


def test_ending_an_involvement_needs_a_reason_and_ends_access(world):
    police_worker = world.users["other_involved"]
    involvement = Involvement.objects.get(family=world.family, agency=police_worker.agency)
    with pytest.raises(ValidationError):
        services.involvement_end(involvement=involvement, by=police_worker, reason="  ")
    assert family_is_visible_to(professional=police_worker, family_id=world.family.pk)
    services.involvement_end(involvement=involvement, by=police_worker, reason="No further call-outs")
    assert not family_is_visible_to(professional=police_worker, family_id=world.family.pk)
    assert ChronologyEntry.objects.filter(family=world.family, kind=EntryKind.INVOLVEMENT, significant=True).exists()


def test_involvement_end_checks_can_refuse_with_their_reasons(world, monkeypatch):
    monkeypatch.setattr(services, "INVOLVEMENT_END_CHECKS", [lambda inv: ["Consult the other agencies first"]])
    with pytest.raises(ValidationError) as exc:
        services.involvement_end(involvement=world.involvement, by=world.users["involved_practitioner"], reason="Done")
    assert exc.value.message_dict["reason"] == ["Consult the other agencies first"]
    world.involvement.refresh_from_db()
    assert world.involvement.ended_on is None


def test_break_glass_needs_a_ground_from_the_list_a_description_and_a_known_reference(world):
    housing = world.users["uninvolved"]
    with pytest.raises(ValidationError) as exc:
        services.break_glass_open(professional=housing, family_reference=world.family.reference,
                                  ground="I just want to look", reason="  ")
    assert set(exc.value.message_dict) == {"ground", "reason"}
    with pytest.raises(ValidationError) as exc:
        services.break_glass_open(professional=housing, family_reference="DS-999999",
                                  ground=BreakGlassGround.CHILD_AT_IMMEDIATE_RISK,
                                  reason="A child may be at risk tonight at this address")
    assert "reference" in exc.value.message_dict
    assert not BreakGlassAccess.objects.filter(professional=housing).exists()


def test_break_glass_access_ends_after_24_hours(world, time_machine):
    time_machine.move_to(timezone.now())
    housing = world.users["uninvolved"]
    grant = services.break_glass_open(professional=housing, family_reference=world.family.reference.lower(),
                                      ground=BreakGlassGround.POLICE_AT_ADDRESS,
                                      reason="Police called about a child at the address tonight")
    assert family_is_visible_to(professional=housing, family_id=world.family.pk)
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS, actor=housing)
    assert event.reason == "Police called to the address: Police called about a child at the address tonight"
    time_machine.shift(timedelta(hours=24, seconds=1))
    assert not family_is_visible_to(professional=housing, family_id=world.family.pk)


def test_a_move_closes_the_previous_address(world):
    worker = world.users["involved_practitioner"]
    services.family_move(family=world.family, by=worker, line1="4 Lôn Las", town="Cwm Glas", postcode="AF4 4DD",
                         moved_in=timezone.localdate())
    rows = list(FamilyAddress.objects.filter(family=world.family).order_by("moved_in", "id"))
    assert len(rows) == 2 and rows[0].moved_out == timezone.localdate() and rows[1].moved_out is None
    with pytest.raises(ValidationError):
        services.family_move(family=world.family, by=worker, line1="4 Lôn Las", town="Cwm Glas", postcode="AF4 4DD",
                             moved_in=timezone.localdate())


def test_board_chair_and_administrator_cannot_change_family_records(world):
    """ORG-2: roles decide what a person may do; the Board chair and the administrator do not change family records."""
    for role in ("board_chair", "administrator"):
        with pytest.raises(Exception) as exc:
            services.person_add(family=world.family, by=world.users[role], role=MemberRole.CHILD, given_name="X",
                                family_name="Y")
        assert issubclass(exc.type, PermissionDenied)  # the one access guard's refusal (issue 14)


def test_only_a_manager_of_the_same_agency_reviews_break_glass(world):
    grant = BreakGlassAccess.objects.get(professional=world.users["break_glass"])
    with pytest.raises(Exception) as exc:
        services.break_glass_review(grant=grant, by=world.users["involved_manager"], note="Seen")
    assert exc.type.__name__ == "PermissionDenied"
    services.break_glass_review(grant=grant, by=world.users["uninvolved_manager"], note="Justified: police call")
    grant.refresh_from_db()
    assert grant.reviewed_by == world.users["uninvolved_manager"] and grant.reviewed_at is not None


# --- Issue 13, finding 3: emergency access never becomes an involvement -------------------------------------------

def test_emergency_access_cannot_involve_its_own_agency_and_so_still_ends_after_24_hours(world, time_machine):
    from django.core.exceptions import PermissionDenied

    time_machine.move_to(timezone.now())
    holder = world.users["break_glass"]
    with pytest.raises(PermissionDenied):
        services.involvement_start(family=world.family, by=holder, agency=holder.agency, reason="Keep access",
                                   lead_professional=holder, started_on=timezone.localdate() - timedelta(days=300))
    assert not Involvement.objects.filter(family=world.family, agency=holder.agency).exists()
    time_machine.shift(timedelta(hours=24, seconds=1))
    assert not family_is_visible_to(professional=holder, family_id=world.family.pk)
    assert not family_is_visible_to(professional=world.users["uninvolved"], family_id=world.family.pk)


def test_a_practitioner_of_an_involved_agency_who_is_neither_a_lead_nor_a_manager_cannot_involve_another(world):
    from django.core.exceptions import PermissionDenied

    postholder = world.users["involved_postholder"]  # police, not the police lead
    housing = world.users["uninvolved"].agency
    with pytest.raises(PermissionDenied):
        services.involvement_start(family=world.family, by=postholder, agency=housing, reason="Tenancy")
    assert not Involvement.objects.filter(family=world.family, agency=housing).exists()


def test_the_lead_of_an_involved_agency_and_a_manager_may_involve_another(world):
    housing = world.users["uninvolved"].agency
    school = world.ended_involvement.agency
    assert services.involvement_start(family=world.family, by=world.users["other_involved"], agency=housing,
                                      reason="Tenancy").is_active
    assert services.involvement_start(family=world.family, by=world.users["involved_manager"], agency=school,
                                      reason="Attendance again").is_active


def test_the_added_agencys_managers_and_its_lead_are_told(world):
    from doorstep.notifications.models import Notification

    housing_manager, housing_worker = world.users["uninvolved_manager"], world.users["uninvolved"]
    involvement = services.involvement_start(family=world.family, by=world.users["involved_practitioner"],
                                             agency=housing_manager.agency, reason="Rent arrears",
                                             lead_professional=housing_worker)
    told = Notification.objects.filter(dedupe_key=f"involvement:{involvement.pk}:started")
    assert set(told.values_list("recipient", flat=True)) == {housing_manager.pk, housing_worker.pk}
    note = told.get(recipient=housing_manager)
    assert world.family.reference in note.message and "Housing is involved" in note.message
    assert note.link == f"/families/{world.family.pk}/" and note.family_id == world.family.pk


def test_the_involvement_notice_is_a_message_id_read_in_each_recipients_language(world):
    """Issue 14: the notice is stored as its message id and parameters, and reads in Welsh for a Welsh reader (the
    English words kept beside it are the recipient's language when it was written)."""
    from django.utils import translation

    from doorstep.notifications.models import Notification

    housing_manager = world.users["uninvolved_manager"]
    housing_manager.preferred_language = "cy"
    housing_manager.save(update_fields=["preferred_language"])
    involvement = services.involvement_start(family=world.family, by=world.users["involved_practitioner"],
                                             agency=housing_manager.agency, reason="Rent arrears")
    note = Notification.objects.get(dedupe_key=f"involvement:{involvement.pk}:started", recipient=housing_manager)
    assert note.message_text["msgid"].startswith("%(name)s (%(by_agency)s) has recorded that %(agency)s")
    assert note.message_text["params"]["reference"] == world.family.reference
    assert note.message.startswith(f"Mae {world.users['involved_practitioner']} (")  # in the recipient's Welsh
    with translation.override("cy"):
        assert "wedi cofnodi bod" in note.message_shown and world.family.reference in note.message_shown
    with translation.override("en"):
        assert "has recorded that" in note.message_shown


def test_emergency_access_is_audited_with_its_ground_in_the_readers_language(world):
    """Issue 14: the reason the audit gives for emergency access is a sentence: the ground in the reader's language,
    the circumstances as they were written."""
    from django.utils import translation

    housing = world.users["uninvolved"]
    services.break_glass_open(professional=housing, family_reference=world.family.reference,
                              ground=BreakGlassGround.POLICE_AT_ADDRESS,
                              reason="Police called about a child at the address tonight")
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS, actor=housing)
    assert event.reason_text["msgid"] == "%(ground)s: %(reason)s"
    with translation.override("cy"):
        welsh_ground = str(BreakGlassGround.POLICE_AT_ADDRESS.label)
        assert event.reason_shown == f"{welsh_ground}: Police called about a child at the address tonight"
    assert welsh_ground != "Police called to the address"

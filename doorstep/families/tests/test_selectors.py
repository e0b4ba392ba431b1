from datetime import date

import pytest
from django.http import Http404

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families import selectors
from doorstep.testing.world import ROLES

VISIBLE = {"involved_practitioner", "involved_manager", "involved_postholder", "other_involved", "break_glass"}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_p4_a_family_is_visible_only_while_the_agency_is_involved(world, role):
    user = world.users[role]
    visible = set(selectors.families_visible_to(professional=user))
    assert (world.family in visible) == (role in VISIBLE)
    # The housing household is visible to housing staff only.
    assert (world.other_family in visible) == (role in {"uninvolved", "uninvolved_manager", "break_glass"})


def test_family_get_for_audits_the_read_and_the_refusal(world):
    worker = world.users["involved_practitioner"]
    selectors.family_get_for(professional=worker, family_id=world.family.pk, purpose="case file")
    read = AuditEvent.objects.filter(actor=worker, action=AuditAction.VIEW, family=world.family).latest("id")
    assert (read.summary, read.actor_agency_id) == ("case file", worker.agency_id)
    outsider = world.users["uninvolved"]
    with pytest.raises(Http404):
        selectors.family_get_for(professional=outsider, family_id=world.family.pk)
    denied = AuditEvent.objects.filter(actor=outsider, action=AuditAction.DENIED).latest("id")
    assert denied.object_id == str(world.family.pk) and denied.family is None


def test_break_glass_reads_carry_the_reason(world):
    user = world.users["break_glass"]
    selectors.family_get_for(professional=user, family_id=world.family.pk)
    event = AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW).latest("id")
    assert "Police called" in event.reason


@pytest.mark.parametrize("query", [
    {"name": "alf"},  # part of a child's first name
    {"name": "testing household"},
    {"name": "REF"},
    {"date_of_birth": date(2020, 3, 2)},
    {"address": "af1"},  # postcode prefix, any case
    {"address": "heol y"},
])
def test_search_finds_by_partial_name_reference_dob_and_address(world, query):
    if query.get("name") == "REF":
        query = {"name": world.family.reference.lower()}
    found = list(selectors.family_search(professional=world.users["involved_practitioner"], **query))
    assert found == [world.family]


def test_search_never_returns_a_family_the_professional_cannot_see(world):
    assert list(selectors.family_search(professional=world.users["uninvolved"], name="Testing")) == []
    assert list(selectors.family_search(professional=world.users["ended"], name="Testing")) == []


def test_possible_duplicates_are_found_by_name_and_date_of_birth(world):
    found = list(selectors.people_possible_duplicates(given_name="alfie", family_name="TESTING",
                                                      date_of_birth=date(2020, 3, 2)))
    assert found == [world.child]
    assert list(selectors.people_possible_duplicates(given_name="Zed", family_name="Nobody")) == []


# --- Issue 13, finding 3: emergency access is read-only ---------------------------------------------------------

def _every_write(world, by):
    """One call of each service that changes a family's record, made by `by` with otherwise valid data."""
    from datetime import timedelta

    from django.utils import timezone

    from doorstep.agencies.models import AgencyKind
    from doorstep.agreements import services as agreements
    from doorstep.agreements.tests.builders import content
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.chronology.services import chronology_comment_add
    from doorstep.engagement.tests.helpers import record as contact_record
    from doorstep.escalations.services import non_compliance_record
    from doorstep.families import services
    from doorstep.families.models import MemberRole
    from doorstep.incidents.services import incident_record
    from doorstep.markers.models import MarkerCategory
    from doorstep.markers.services import marker_raise
    from doorstep.testing.factories import AgencyFactory
    from doorstep.visits.tests.helpers import plan

    today = timezone.localdate()
    return {
        "add a person": lambda: services.person_add(family=world.family, by=by, role=MemberRole.CHILD,
                                                    given_name="Ela", family_name="Testing"),
        "change a person": lambda: services.person_update(person=world.child, by=by, given_name="Alfred"),
        "move": lambda: services.family_move(family=world.family, by=by, line1="5 New Road", town="Afonwy",
                                             postcode="AF1 9ZZ", moved_in=today),
        "involve an agency": lambda: services.involvement_start(
            family=world.family, by=by, agency=AgencyFactory(name="Refuge", kind=AgencyKind.VOLUNTARY),
            reason="Support"),
        "overall lead": lambda: services.family_set_overall_lead(family=world.family, by=by,
                                                                 lead=world.users["other_involved"]),
        "record a contact": lambda: contact_record(world, by=by),
        "comment on the chronology": lambda: chronology_comment_add(
            entry=ChronologyEntry.objects.filter(family=world.family).first(), by=by, text="A pattern."),
        "raise a marker": lambda: marker_raise(
            family=world.family, by=by, person=world.parent, category=MarkerCategory.VIOLENCE, nature="Pushed.",
            advice="Two workers.", source="Seen", review_date=today + timedelta(days=90)),
        "record an incident": lambda: incident_record(
            family=world.family, by=by, occurred_at=timezone.now() - timedelta(hours=1), affected=[by],
            people=[world.parent], threats=["shouting"], account="He shouted."),
        "plan a visit": lambda: plan(world, by=by),
        "draft an agreement": lambda: agreements.agreement_draft(family=world.family, by=by,
                                                                 **content(world, professionals=[by])),
        "record non-compliance": lambda: non_compliance_record(
            family=world.family, by=by, evidence="Refused entry three times", concerns="Children not seen",
            identified_on=today),
    }


WRITES = ["add a person", "change a person", "move", "involve an agency", "overall lead", "record a contact",
          "comment on the chronology", "raise a marker", "record an incident", "plan a visit", "draft an agreement",
          "record non-compliance"]


@pytest.mark.parametrize("write", WRITES)
def test_emergency_access_is_refused_every_write_on_the_family_record(world, write):
    from django.core.exceptions import PermissionDenied

    holder = world.users["break_glass"]
    before = AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED]).count()
    with pytest.raises(PermissionDenied) as exc:
        _every_write(world, holder)[write]()
    assert "Emergency access is read-only" in str(exc.value)
    assert AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED]).count() == before
    # The same write by a practitioner of an involved agency goes through (the data above is valid).
    _every_write(world, world.users["involved_practitioner"])[write]()


def test_emergency_access_still_reads_the_family(world):
    holder = world.users["break_glass"]
    assert selectors.family_get_for(professional=holder, family_id=world.family.pk) == world.family
    assert not selectors.family_may_write(professional=holder, family_id=world.family.pk)
    assert selectors.family_may_write(professional=world.users["other_involved"], family_id=world.family.pk)


def test_the_duplicate_warning_names_whom_to_contact_and_nothing_about_the_family(world):
    found = selectors.possible_duplicates_for(professional=world.users["uninvolved"], given_name="Alfie",
                                              family_name="Testing", date_of_birth=date(2020, 3, 2))
    assert found == {"visible": [], "hidden": True, "contacts": [world.users["involved_practitioner"]]}
    mine = selectors.possible_duplicates_for(professional=world.users["other_involved"], given_name="Alfie",
                                             family_name="Testing", date_of_birth=date(2020, 3, 2))
    assert mine == {"visible": [world.child], "hidden": False, "contacts": []}

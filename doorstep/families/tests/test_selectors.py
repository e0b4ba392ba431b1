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

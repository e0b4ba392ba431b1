import re
from datetime import date

import pytest
from django.urls import reverse

from doorstep.agencies.models import AgencyKind
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families import services
from doorstep.families.models import Family, MemberRole, Person
from doorstep.testing.factories import AgencyFactory, ProfessionalFactory


def test_case_file_queries_are_bounded_for_a_family_of_200_people_and_50_involvements(world, client,
                                                                                       django_assert_max_num_queries):
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    url = reverse("families:detail", args=[world.family.pk])
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    for i in range(200):
        Person.objects.create(family=world.family, role=MemberRole.CHILD if i % 2 else MemberRole.ADULT_VISITING,
                              given_name=f"P{i}", family_name="Testing", date_of_birth=date(2015, 1, 1))
    for i in range(48):
        agency = AgencyFactory(name=f"Agency {i}", kind=AgencyKind.VOLUNTARY)
        services.involvement_start(family=world.family, by=worker, agency=agency, reason="Support",
                                   lead_professional=ProfessionalFactory(agency=agency))
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') >= 100
    assert len(big.captured_queries) == len(small.captured_queries)


def test_bad_input_shows_the_error_summary_linked_to_the_field_and_saves_nothing(world, client):
    client.force_login(world.users["involved_practitioner"])
    before = Family.objects.count()
    response = client.post(reverse("families:create"), {"name": "", "reason": "Concerns", "line1": "1 Road",
                                                          "town": "Afonwy", "postcode": "NOT A CODE"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_name">Enter household name</a>' in html
    assert '<a href="#id_postcode">Enter a real postcode, like CF10 1AA</a>' in html
    assert Family.objects.count() == before


def test_an_impossible_date_gets_a_specific_error(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.post(reverse("families:person_add", args=[world.family.pk]), {
        "role": "child", "given_name": "Ela", "family_name": "Testing", "date_of_birth_0": "31",
        "date_of_birth_1": "2", "date_of_birth_2": "2020", "child_status": "none", "literacy": "reads",
        "correspondence_language": "en"})
    assert "Date of birth must be a real date" in response.content.decode()
    assert not Person.objects.filter(given_name="Ela").exists()


def test_adding_a_possible_duplicate_warns_without_revealing_a_family_you_cannot_see(world, client):
    outsider = world.users["uninvolved"]
    client.force_login(outsider)
    data = {"role": "child", "given_name": "Alfie", "family_name": "Testing", "date_of_birth_0": "2",
            "date_of_birth_1": "3", "date_of_birth_2": "2020", "child_status": "none", "literacy": "reads",
            "correspondence_language": "en"}
    url = reverse("families:person_add", args=[world.other_family.pk])
    html = client.post(url, data).content.decode()
    assert "This person may already be known to Doorstep" in html
    assert "Testing household" not in html and world.family.reference not in html
    assert not Person.objects.filter(family=world.other_family, given_name="Alfie").exists()
    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(family=world.other_family, given_name="Alfie").exists()


def test_refused_case_file_is_a_404_and_audited(world, client):
    outsider = world.users["uninvolved"]
    client.force_login(outsider)
    response = client.get(reverse("families:detail", args=[world.family.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=outsider, action=AuditAction.DENIED,
                                     object_id=str(world.family.pk)).exists()


def test_search_page_lists_only_visible_families_and_audits_the_search(world, client):
    client.force_login(world.users["uninvolved"])
    html = client.get(reverse("families:search"), {"name": "household"}).content.decode()
    assert "Other household" in html and "Testing household" not in html
    assert AuditEvent.objects.filter(actor=world.users["uninvolved"], action=AuditAction.SEARCH).exists()


def test_search_without_criteria_asks_for_one(world, client):
    client.force_login(world.users["uninvolved"])
    html = client.get(reverse("families:search"), {"name": ""}).content.decode()
    assert "Enter a name, a date of birth or an address to search" in html


def test_who_has_seen_this_record_lists_reads(world, client):
    client.force_login(world.users["other_involved"])
    client.get(reverse("families:detail", args=[world.family.pk]))
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("families:seen_by", args=[world.family.pk])).content.decode()
    assert str(world.users["other_involved"]) in html and "case file" in html


def test_break_glass_page_grants_access_and_the_case_file_says_so(world, client):
    user = world.users["uninvolved"]
    client.force_login(user)
    response = client.post(reverse("families:break_glass"), {
        "reference": world.family.reference, "ground": "child_at_immediate_risk",
        "reason": "Ambulance crew report a child alone at the address"})
    assert response.status_code == 302 and response["Location"] == reverse("families:detail", args=[world.family.pk])
    html = client.get(response["Location"]).content.decode()
    assert "You are using emergency access until" in html


def test_ending_an_involvement_from_the_page(world, client):
    police = world.users["other_involved"]
    client.force_login(police)
    involvement = world.family.involvements.get(agency=police.agency)
    response = client.post(reverse("families:involvement_end", args=[involvement.pk]), {"reason": "Case closed"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    involvement.refresh_from_db()
    assert involvement.end_reason == "Case closed"


def test_home_lists_the_agencys_families(world, client):
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("home")).content.decode()
    assert "Testing household" in html and "Other household" not in html


def test_a_draft_typed_before_the_session_timed_out_comes_back_after_signing_in(world, client):
    # The session has ended (signed out); the form is posted anyway.
    data = {"name": "Draft household", "reason": "Typed before the timeout", "line1": "2 Mill Lane",
            "town": "Afonwy", "postcode": "AF1 2BB"}
    response = client.post(reverse("families:create"), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Family.objects.filter(name="Draft household").exists()
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("families:create")).content.decode()
    assert 'value="Draft household"' in html and "Typed before the timeout" in html
    # Offered once only.
    assert 'value="Draft household"' not in client.get(reverse("families:create")).content.decode()


def test_the_person_page_shows_field_level_history(world, client):
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    url = reverse("families:person_edit", args=[world.child.pk])
    data = {"role": "child", "given_name": "Alfie", "family_name": "Testing", "date_of_birth_0": "2",
            "date_of_birth_1": "3", "date_of_birth_2": "2020", "child_status": "cp", "literacy": "reads",
            "correspondence_language": "cy"}
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert "History of changes" in html
    assert "“Child in need” → “Child protection plan”" in html and "“English” → “Welsh”" in html

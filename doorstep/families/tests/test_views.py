import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    # Issue 13 (finding 11): not the person's name and year of birth either; only whom to contact.
    assert "Alfie Testing" not in html and "born 2020" not in html
    lead = world.users["involved_practitioner"]
    assert f"{lead} (Health Board), 07700 900123" in html
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


def _households(world, n: int, name: str = "Brynmor") -> list[Family]:
    worker = world.users["involved_practitioner"]
    return [services.family_create(by=worker, name=f"{name} household {i:03d}", reason="Concerns",
                                   line1=f"{i} Heol Brynmor", town="Afonwy", postcode="AF9 9ZZ")
            for i in range(n)]


def test_search_with_more_than_100_matches_shows_the_first_100_and_asks_to_narrow_it(world, client):
    """Issue 15: no count of every match; the first 100 by name, in pages of 20, and a request to narrow."""
    _households(world, 101)
    client.force_login(world.users["involved_practitioner"])
    url = reverse("families:search")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url, {"name": "brynmor"}).content.decode()
    assert "More than 100 families match: narrow your search" in html and "families found" not in html
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert re.findall(r"Brynmor household (\d{3})", html) == [f"{i:03d}" for i in range(20)]
    last = client.get(url, {"name": "brynmor", "page": "5"}).content.decode()
    assert re.findall(r"Brynmor household (\d{3})", last) == [f"{i:03d}" for i in range(80, 100)]
    shown = AuditEvent.objects.filter(action=AuditAction.VIEW, summary="Shown in search results")
    assert shown.count() == 40


def test_search_with_100_matches_or_fewer_counts_them(world, client):
    _households(world, 21)
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("families:search"), {"address": "af9 9z"}).content.decode()
    assert "21 families found" in html and "narrow your search" not in html
    second = client.get(reverse("families:search"), {"address": "af9 9z", "page": "2"}).content.decode()
    assert re.findall(r"Brynmor household (\d{3})", second) == ["020"]


def test_search_queries_do_not_grow_with_the_matches(world, client):
    """Members, addresses and markers of the page's families are fetched together, whatever the number of
    matches."""
    client.force_login(world.users["involved_practitioner"])
    url = reverse("families:search")
    _households(world, 3)
    client.get(url, {"name": "brynmor"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"name": "brynmor"})
    _households(world, 40, name="Brynmor Fawr")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url, {"name": "brynmor"}).content.decode()
    assert "43 families found" in html
    assert len(many) == len(few)


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


def test_another_agency_proposes_the_ending_from_the_page_and_the_lead_sees_the_action(world, client):
    from doorstep.escalations.models import Escalation

    client.force_login(world.users["other_involved"])  # police, looking at health's involvement
    url = reverse("families:involvement_end", args=[world.involvement.pk])
    page = client.get(url).content.decode()
    assert "Propose that Health Board ends its involvement" in page
    response = client.post(url, {"reason": "Family moved away"})
    assert response.status_code == 302
    world.involvement.refresh_from_db()
    assert world.involvement.is_active
    escalation = Escalation.objects.get(key=services.involvement_proposal_key(world.involvement))
    client.force_login(world.users["involved_practitioner"])
    assert "Family moved away" in client.get(reverse("escalations:detail", args=[escalation.pk])).content.decode()
    assert "Health Board should end its involvement" in client.get(reverse("escalations:mine")).content.decode()


def test_ending_an_involvement_from_the_page(world, client):
    police = world.users["other_involved"]
    client.force_login(police)
    involvement = world.family.involvements.get(agency=police.agency)
    response = client.post(reverse("families:involvement_end", args=[involvement.pk]), {"reason": "Case closed"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    involvement.refresh_from_db()
    assert involvement.end_reason == "Case closed"


def test_home_lists_the_families_the_worker_leads_not_every_family_of_the_agency(world, client):
    # Issue 18: the practitioner's own caseload (families/tests/test_caseload.py ranks it).
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("home")).content.decode()
    assert "Testing household" in html and "Other household" not in html
    client.force_login(world.users["involved_manager"])  # the same agency, but leads and visits no family
    html = client.get(reverse("home")).content.decode()
    assert "Testing household" not in html and "You do not lead or visit any family yet." in html


def test_a_draft_typed_before_the_session_timed_out_comes_back_after_signing_in(world, client, time_machine):
    # The practitioner's session times out (30 minutes idle) while they type; the form is posted anyway.
    client.force_login(world.users["involved_practitioner"])
    client.get(reverse("families:create"))
    time_machine.shift(timedelta(minutes=31))
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


# --- Issue 13: emergency access is read-only on every page that writes ---------------------------------------------

def _write_pages(world):
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.engagement.tests.helpers import world_contact

    family = world.family.pk
    return [
        reverse("families:person_add", args=[family]),
        reverse("families:person_edit", args=[world.child.pk]),
        reverse("families:move", args=[family]),
        reverse("families:involvement_add", args=[family]),
        reverse("families:involvement_end", args=[world.involvement.pk]),
        reverse("families:overall_lead", args=[family]),
        reverse("engagement:record", args=[family]),
        reverse("engagement:letter_create", args=[world_contact(world).pk]),
        reverse("chronology:comment", args=[ChronologyEntry.objects.filter(family=world.family).first().pk]),
        reverse("markers:create", args=[family]),
        reverse("incidents:create", args=[family]),
        reverse("visits:plan", args=[family]),
        reverse("agreements:create", args=[family]),
        reverse("escalations:non_compliance", args=[family]),
        reverse("escalations:ending", args=[world.involvement.pk]),
    ]


def test_emergency_access_is_refused_every_page_that_writes_and_the_refusal_is_audited(world, client):
    holder = world.users["break_glass"]
    client.force_login(holder)
    assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 200
    for url in _write_pages(world):
        for response in (client.get(url), client.post(url, {"reason": "x", "agency": holder.agency_id})):
            assert response.status_code == 403, url
            assert "Emergency access is read-only" in response.content.decode(), url
    assert AuditEvent.objects.filter(actor=holder, action=AuditAction.DENIED,
                                     summary__startswith="Refused (read-only access)").count() >= 2 * 15
    from doorstep.families.models import Involvement

    assert not Involvement.objects.filter(family=world.family, agency=holder.agency).exists()


def test_the_case_file_offers_emergency_access_no_change_links(world, client):
    client.force_login(world.users["break_glass"])
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Emergency access is read-only" in html
    for name in ("families:person_add", "families:involvement_add", "families:move", "families:overall_lead"):
        assert reverse(name, args=[world.family.pk]) not in html
    assert reverse("families:involvement_end", args=[world.involvement.pk]) not in html


def test_a_practitioner_who_is_neither_lead_nor_manager_is_refused_the_involve_page(world, client):
    client.force_login(world.users["involved_postholder"])
    response = client.post(reverse("families:involvement_add", args=[world.family.pk]),
                           {"agency": world.users["uninvolved"].agency_id, "reason": "Tenancy"})
    assert response.status_code == 403 and "lead professional" in response.content.decode()


# --- Issue 13, finding 11 -----------------------------------------------------------------------------------------

def test_a_hidden_record_and_a_missing_one_get_the_same_404_page(world, client):
    """Not yours and does not exist look the same, for a family, a person and an involvement."""
    import re as _re

    client.force_login(world.users["uninvolved"])
    missing = 987654

    def body(name, pk):
        url = reverse(name, args=[pk])
        response = client.get(url)
        # Only the page's own address (in the language switch), the nonce and the CSRF token may differ.
        return response.status_code, _re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode().replace(url, ""))

    for name, hidden in (("families:detail", world.family.pk), ("families:person_add", world.family.pk),
                         ("families:person_edit", world.child.pk), ("families:move", world.family.pk),
                         ("families:involvement_end", world.involvement.pk),
                         ("families:seen_by", world.family.pk)):
        assert body(name, hidden) == body(name, missing), name
        assert body(name, hidden)[0] == 404


def test_break_glass_needs_a_ground_and_the_managers_review_shows_it(world, client):
    from doorstep.families.models import BreakGlassAccess

    user = world.users["uninvolved"]
    client.force_login(user)
    html = client.post(reverse("families:break_glass"), {
        "reference": world.family.reference, "reason": "aaaaaaaaaaaaaaaaaaaaaaaaa"}).content.decode()
    assert "Select why you need emergency access" in html
    assert not BreakGlassAccess.objects.filter(professional=user).exists()
    response = client.post(reverse("families:break_glass"), {
        "reference": world.family.reference, "ground": "out_of_hours", "reason": "Duty call about the children"})
    assert response.status_code == 302
    assert BreakGlassAccess.objects.get(professional=user).ground == "out_of_hours"
    client.force_login(world.users["uninvolved_manager"])
    review = client.get(reverse("families:break_glass_review")).content.decode()
    assert "Out-of-hours emergency" in review and "Duty call about the children" in review
    assert "Police called to the address" in review  # the world's own grant
    event = AuditEvent.objects.filter(actor=user, action=AuditAction.BREAK_GLASS).get()
    assert event.reason == "Out-of-hours emergency: Duty call about the children"


# Issue 18: each sub page of the case file, and the panels it shows (each panel is on exactly one).
SUB_PAGE_PANELS = {
    "overview": ['id="children-seen"', 'id="open-actions"', 'id="agencies"', "Protocol steps"],
    "children": ["The children of the family"],
    "engagement": ['id="engagement"', 'id="defaulted"'],
    "meetings": ['id="meetings-plan-heading"', 'id="supervision-decisions"'],
    "agreement": ['id="written-agreement"'],
    "safety": ['id="incidents-panel"', 'id="visits-panel"', 'id="markers-panel"'],
}


def test_each_sub_page_of_the_case_file_is_a_page_of_its_own_name_first_audited_as_a_read(world, client):
    from doorstep.escalations.models import ACTIVE_STATES, Escalation
    from doorstep.families.casefile import SECTIONS
    from doorstep.markers.tests.test_services import raise_marker
    from doorstep.testing.escalations import escalation_make

    raise_marker(world, urgent=True)  # shown at once, awaiting authorisation (FLG-1)
    escalation_make(rule_id="ESC-1", clause="003 §7.9", key="T:1", title="Convene a multi-agency meeting",
                    owner=world.users["involved_practitioner"], family=world.family,
                    deadline=timezone.now() - timedelta(days=1), facts=[])
    # The urgent marker asks a manager to authorise it: that action is open too, not yet due.
    opened = Escalation.objects.filter(family=world.family, state__in=ACTIVE_STATES).count()
    assert opened > 1
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    every_panel = {marker for markers in SUB_PAGE_PANELS.values() for marker in markers}
    for section in SECTIONS:
        url = reverse(section.url_name, args=[world.family.pk])
        html = client.get(url).content.decode()
        # The family's name first, then the short banners, then MOJ Frontend's sub navigation with this page current.
        name = html.index(f'<h1 class="govuk-heading-l">{world.family.display_name}</h1>')
        assert name < html.index('id="risk-banner"') < html.index('class="moj-sub-navigation')
        assert f"{opened} actions open, 1 overdue" in html and f'href="/families/{world.family.pk}/#open-actions"' in html
        sub_navigation = re.search(r'<nav class="moj-sub-navigation.*?</nav>', html, re.S).group(0)
        assert sub_navigation.count('aria-current="page"') == 1 and f'aria-current="page" href="{url}"' in html
        assert f'href="{reverse("chronology:family", args=[world.family.pk])}"' in html
        assert all(marker in html for marker in SUB_PAGE_PANELS[section.slug]), section.slug
        assert not any(marker in html for marker in every_panel - set(SUB_PAGE_PANELS[section.slug])), section.slug
        assert AuditEvent.objects.filter(actor=worker, family=world.family, action=AuditAction.VIEW,
                                         summary=section.purpose).exists(), section.slug
        assert client.post(url).status_code == 405

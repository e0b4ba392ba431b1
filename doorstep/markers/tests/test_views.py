"""FLG-1: markers visible everywhere (case file banner, search results, exports, API), the household-change
wording, the address check, and bounded queries."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families import services as family_services
from doorstep.families.casefile import export_sections
from doorstep.families.models import BreakGlassGround, Involvement
from doorstep.markers import services
from doorstep.markers.models import MarkerCategory, WarningMarker

from .test_services import raise_marker

HOME = {"line1": "1 Heol y Felin", "town": "Afonwy", "postcode": "AF1 1AA"}


def _address_marker(world, **overrides):
    values = dict(person=None, address=world.family.addresses.get().address, category=MarkerCategory.ANIMALS,
                  nature="Kelly Testing set two dogs on a health visitor.", advice="Phone ahead; dogs shut away.")
    values.update(overrides)
    return raise_marker(world, by="involved_manager", **values)


def _new_household_at_the_address(world):
    """The Testing household moves out; a household that only housing works with moves in."""
    today = timezone.localdate()
    family_services.family_move(family=world.family, by=world.users["involved_practitioner"],
                                line1="5 New Road", town="Afonwy", postcode="AF1 9ZZ", moved_in=today)
    family_services.family_move(family=world.other_family, by=world.users["uninvolved"], moved_in=today, **HOME)
    return world.other_family


def test_the_banner_shows_on_every_page_of_the_family_for_every_involved_agency(world, client):
    marker = raise_marker(world, urgent=True)
    for role in ("involved_practitioner", "other_involved", "involved_postholder", "break_glass"):
        client.force_login(world.users[role])
        for url in (reverse("families:detail", args=[world.family.pk]),
                    reverse("markers:family", args=[world.family.pk]),
                    reverse("incidents:family", args=[world.family.pk])):
            page = client.get(url).content.decode()
            assert 'id="risk-banner"' in page and marker.advice in page and "Awaiting authorisation" in page, url


def test_a_new_household_at_a_marked_address_is_warned_without_naming_the_previous_occupants(world, client):
    marker = _address_marker(world)
    newcomers = _new_household_at_the_address(world)
    client.force_login(world.users["uninvolved"])  # housing: works with the newcomers, never with the Testing family
    page = client.get(reverse("families:detail", args=[newcomers.pk])).content.decode()
    assert 'id="risk-banner"' in page and marker.advice in page
    assert "recorded before the current household lived here" in page
    assert "Kelly" not in page and "Testing" not in page and marker.nature not in page
    # The API family detail is worded the same way.
    data = client.get(f"/api/v1/families/{newcomers.pk}/").json()["warning_markers"]
    assert data == [{"on": "address", "other_household": True, "category": "animals",
                     "category_label": "Dogs or other animals", "advice": marker.advice, "status": "active",
                     "urgent": False}]
    # The Testing household's own agencies still read it in full on their family's markers page.
    client.force_login(world.users["other_involved"])
    page = client.get(reverse("markers:family", args=[world.family.pk])).content.decode()
    assert marker.nature in page and "On addresses the household has left" in page


def test_the_address_check_answers_yes_with_the_advice_and_nothing_else_and_is_audited(world, client):
    marker = _address_marker(world)
    person_marker = raise_marker(world, by="involved_manager", advice="Never visit alone.")
    client.force_login(world.users["uninvolved"])
    response = client.get(reverse("markers:address_check"), {"line1": "1 heol y felin", "postcode": "af11aa"})
    page = response.content.decode()
    assert "Yes: there is a warning for visitors" in page
    assert marker.advice in page and person_marker.advice in page
    for secret in ("Testing", "Kelly", "Alfie", marker.nature, person_marker.nature, world.family.reference,
                   "Health Board"):
        assert secret not in page
    event = AuditEvent.objects.get(action=AuditAction.ADDRESS_CHECK)
    assert event.actor == world.users["uninvolved"] and event.family is None and "warning" in event.summary


def test_the_address_check_answers_alike_for_an_unknown_and_an_unmarked_address(world, client):
    client.force_login(world.users["uninvolved"])
    unmarked = client.get(reverse("markers:address_check"), {"line1": "1 Heol y Felin", "postcode": "AF1 1AA"})
    unknown = client.get(reverse("markers:address_check"), {"line1": "77 Nowhere Lane", "postcode": "AF9 9ZZ"})

    def result(response):
        html = response.content.decode()
        return html[html.index('id="address-check-result"'):html.index('<form method="get"')]

    assert result(unmarked) == result(unknown)
    assert "No warning for visitors is held" in result(unknown)
    assert AuditEvent.objects.filter(action=AuditAction.ADDRESS_CHECK).count() == 2
    api = client.get("/api/v1/address-check/", {"line1": "77 Nowhere Lane", "postcode": "AF9 9ZZ"}).json()
    assert api == {"warning": False, "addresses": []}


def test_the_address_check_api_and_a_house_number_alone(world, client):
    marker = _address_marker(world)
    client.force_login(world.users["uninvolved"])
    data = client.get("/api/v1/address-check/", {"line1": "1", "postcode": "AF1 1AA"}).json()
    assert data == {"warning": True, "addresses": [{"address": "1 Heol y Felin, Afonwy, AF1 1AA",
                                                    "advice": [marker.advice]}]}
    # "1" does not find "10 Heol y Felin": words must match from the start.
    assert client.get("/api/v1/address-check/", {"line1": "10", "postcode": "AF1 1AA"}).json()["warning"] is False


def test_search_results_show_markers_in_a_fixed_number_of_queries(world, client):
    client.force_login(world.users["involved_practitioner"])
    url = reverse("families:search") + "?name=Testing"
    raise_marker(world, by="involved_manager")
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Violence (Kelly Testing). Advice for visitors: Two workers, daylight only." in page
    for i in range(4):
        raise_marker(world, by="involved_manager", person=world.child, advice=f"Advice {i}")
    _address_marker(world)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Advice 3" in page and "(the address). Advice for visitors: Phone ahead" in page
    assert len(many) == len(one)


def test_the_case_file_costs_the_same_queries_with_one_marker_or_many(world, client):
    client.force_login(world.users["other_involved"])
    url = reverse("families:detail", args=[world.family.pk])
    raise_marker(world, by="involved_manager")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(5):
        raise_marker(world, by="involved_manager", person=world.child, advice=f"Advice {i}")
    _address_marker(world)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Advice 4" in page
    assert len(many) == len(one)


def test_exports_carry_every_shown_marker_in_full(world):
    marker = services.marker_authorise(marker=raise_marker(world), by=world.users["involved_manager"])
    lines = {s["title"]: s["lines"] for s in export_sections(family=world.family)}["Warning markers"]
    assert len(lines) == 1
    for part in (marker.nature, marker.advice, marker.source, "Kelly Testing", "authorised by"):
        assert part in lines[0]


def test_the_marker_detail_of_an_unauthorised_marker_is_only_for_the_raising_agency(world, client):
    marker = raise_marker(world)
    client.force_login(world.users["other_involved"])
    assert client.get(reverse("markers:detail", args=[marker.pk])).status_code == 404
    assert client.get("/api/v1/markers/").json()["count"] == 0
    client.force_login(world.users["involved_manager"])
    assert client.get(reverse("markers:detail", args=[marker.pk])).status_code == 200
    response = client.post(reverse("markers:authorise", args=[marker.pk]), {"decision": "authorise"})
    assert response.status_code == 302
    client.force_login(world.users["other_involved"])
    assert client.get("/api/v1/markers/").json()["count"] == 1


def test_raising_a_marker_from_an_incident_in_one_step(world, client):
    from doorstep.engagement.models import ThreatKind
    from doorstep.incidents.services import incident_record

    incident = incident_record(family=world.family, by=world.users["involved_practitioner"],
                               occurred_at=timezone.now() - timedelta(hours=1), people=[world.parent],
                               affected=[world.users["involved_practitioner"]], account="Dogs set on me",
                               threats=[ThreatKind.ANIMALS])
    client.force_login(world.users["involved_practitioner"])
    url = reverse("markers:create", args=[world.family.pk]) + f"?incident={incident.pk}"
    page = client.get(url).content.decode()
    assert 'value="animals" checked' in page and f'value="person:{world.parent.pk}" checked' in page
    review = timezone.localdate() + timedelta(days=100)
    response = client.post(url, {
        "subject": f"person:{world.parent.pk}", "category": "animals", "nature": "Set dogs on a health visitor.",
        "advice": "Dogs shut away before entry", "source": "Incident", "urgent": "on",
        "review_date_0": review.day, "review_date_1": review.month, "review_date_2": review.year,
    })
    marker = WarningMarker.objects.get()
    assert response.status_code == 302 and marker.incident == incident and marker.urgent


def test_the_board_chair_sees_marker_and_incident_figures_and_nothing_identifiable(world, client):
    from doorstep.engagement.models import ThreatKind
    from doorstep.incidents.services import incident_record

    marker = raise_marker(world, urgent=True)
    incident_record(family=world.family, by=world.users["involved_practitioner"], threat_to_kill=True,
                    occurred_at=timezone.now() - timedelta(hours=1), affected=[world.users["involved_practitioner"]],
                    threats=[ThreatKind.SHOUTING], account="Threatened to kill me")
    client.force_login(world.users["board_chair"])
    page = client.get("/").content.decode()
    assert "Incidents against staff, by kind" in page and "Warning markers raised, by category" in page
    for secret in ("Testing", marker.nature, marker.advice, "Threatened to kill me"):
        assert secret not in page


def test_a_marker_raised_from_an_incident_of_another_family_is_refused_and_nothing_is_saved(world, client):
    """Issue 13, finding 10: `?incident=<id>` of another family the worker can see was dropped silently and the
    marker saved without it."""
    from doorstep.engagement.models import ThreatKind
    from doorstep.incidents.services import incident_record

    worker = world.users["involved_practitioner"]
    elsewhere = family_services.family_create(by=worker, name="Second household", reason="Health visiting",
                                              line1="3 Heol y Felin", town="Afonwy", postcode="AF1 1AA")
    incident = incident_record(family=elsewhere, by=worker, occurred_at=timezone.now() - timedelta(hours=1),
                               affected=[worker], account="Dogs set on me", threats=[ThreatKind.ANIMALS])
    client.force_login(worker)
    url = reverse("markers:create", args=[world.family.pk]) + f"?incident={incident.pk}"
    review = timezone.localdate() + timedelta(days=100)
    assert client.get(url).status_code == 404
    response = client.post(url, {
        "subject": f"person:{world.parent.pk}", "category": "animals", "nature": "Set dogs on a health visitor.",
        "advice": "Dogs shut away before entry", "source": "Incident",
        "review_date_0": review.day, "review_date_1": review.month, "review_date_2": review.year,
    })
    assert response.status_code == 404 and not WarningMarker.objects.exists()


def _police_left_and_its_manager_on_emergency_access(world):
    """Issue 13: the raising agency (the police) has left the family; its manager reads it on emergency access only."""
    police_manager = world.users["other_involved"].line_manager
    police = Involvement.objects.get(family=world.family, agency=police_manager.agency)
    family_services.involvement_end(involvement=police, by=world.users["other_involved"], reason="Case closed")
    family_services.break_glass_open(professional=police_manager, family_reference=world.family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    return police_manager


def test_emergency_access_does_not_authorise_review_or_end_a_marker(world, client):
    awaiting = raise_marker(world, by="other_involved")
    active = services.marker_authorise(marker=raise_marker(world, by="other_involved"),
                                       by=world.users["other_involved"].line_manager)
    manager = _police_left_and_its_manager_on_emergency_access(world)
    client.force_login(manager)
    assert client.get(reverse("markers:detail", args=[active.pk])).status_code == 200  # reading is allowed
    posts = [("markers:authorise", awaiting, {"decision": "authorise"}),
             ("markers:review", active, {"note": "Still needed"}),
             ("markers:end", active, {"reason": "Moved away"})]
    for name, marker, data in posts:
        assert client.post(reverse(name, args=[marker.pk]), data).status_code == 403, name
    for service, marker, kwargs in [(services.marker_authorise, awaiting, {}),
                                    (services.marker_decline, awaiting, {"reason": "No evidence"}),
                                    (services.marker_end, active, {"reason": "Moved away"})]:
        with pytest.raises(PermissionDenied, match="read-only"):
            service(marker=marker, by=manager, **kwargs)
    assert WarningMarker.objects.get(pk=awaiting.pk).status == "awaiting"
    assert WarningMarker.objects.get(pk=active.pk).status == "active"

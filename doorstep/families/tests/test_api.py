import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from doorstep.agencies.services import system_token_revoke
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families.models import Family
from doorstep.testing.world import partner_token


@pytest.fixture
def api():
    return APIClient()


def test_family_list_shows_only_families_the_agency_is_involved_with(world, api):
    api.force_authenticate(world.users["other_involved"])
    data = api.get(reverse("family-list")).json()
    assert [f["reference"] for f in data["results"]] == [world.family.reference]
    assert data["results"][0]["current_address"].startswith("1 Heol y Felin")


def test_family_detail_has_members_and_involvements_and_is_audited(world, api):
    user = world.users["involved_practitioner"]
    api.force_authenticate(user)
    data = api.get(reverse("family-detail", args=[world.family.pk])).json()
    assert {m["given_name"] for m in data["members"]} == {"Kelly", "Alfie"}
    assert {i["agency_name"] for i in data["involvements"]} == {"Health Board", "Police", "School"}
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW, summary="API family").exists()


def test_uninvolved_agency_gets_404_from_the_api(world, api):
    api.force_authenticate(world.users["uninvolved"])
    assert api.get(reverse("family-detail", args=[world.family.pk])).status_code == 404


def test_bad_input_is_a_400_with_field_errors_and_nothing_saved(world, api):
    api.force_authenticate(world.users["involved_practitioner"])
    before = Family.objects.count()
    response = api.post(reverse("family-list"), {"name": "", "reason": "x", "line1": "1 Road", "town": "Afonwy",
                                                 "postcode": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "postcode"}
    assert Family.objects.count() == before


def test_service_validation_errors_are_400_with_the_field(world, api):
    api.force_authenticate(world.users["involved_practitioner"])
    response = api.post(reverse("family-add-person", args=[world.family.pk]),
                        {"role": "unborn", "given_name": "Baby", "family_name": "Testing"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"expected_date": ["Enter the expected date of delivery for an unborn child"]}


def test_partner_system_token_acts_for_its_agency_and_can_be_revoked(world, api):
    token, key = partner_token(world, agency=world.users["other_involved"].agency, system_name="Police RMS")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(reverse("family-detail", args=[world.family.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, summary="API family").latest("id")
    assert event.actor == token.account and event.actor_agency_id == token.agency_id
    assert api.get(reverse("family-detail", args=[world.other_family.pk])).status_code == 404
    system_token_revoke(by=world.users["administrator"], token=token)
    response = api.get(reverse("family-list"))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_token_is_stored_only_as_a_digest(world):
    token, key = partner_token(world, agency=world.users["uninvolved"].agency, system_name="Housing CRM")
    assert key not in (token.digest, token.prefix) and token.digest == token.digest_of(key)


def test_schema_is_served_to_signed_in_people(world, api):
    api.force_authenticate(world.users["involved_practitioner"])
    response = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/families/{id}/" in response.json()["paths"]

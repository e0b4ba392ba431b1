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


# --- Issue 13, finding 3: emergency access is read-only through the API too ---------------------------------------

def test_emergency_access_is_refused_every_write_through_the_api(world, api):
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.engagement.tests.helpers import world_contact
    from doorstep.families.models import Involvement, Person

    holder = world.users["break_glass"]
    entry = ChronologyEntry.objects.filter(family=world.family).first()
    world_contact(world)
    api.force_authenticate(holder)
    assert api.get(reverse("family-detail", args=[world.family.pk])).status_code == 200
    writes = [
        ("post", reverse("family-add-person", args=[world.family.pk]),
         {"role": "child", "given_name": "Ela", "family_name": "Testing"}),
        ("patch", reverse("person-detail", args=[world.child.pk]), {"given_name": "Alfred"}),
        ("post", reverse("family-add-involvement", args=[world.family.pk]),
         {"agency": holder.agency_id, "reason": "Keep access", "lead_professional": holder.pk,
          "started_on": "2025-01-01"}),
        ("post", reverse("involvement-end", args=[world.involvement.pk]), {"reason": "Not needed"}),
        ("post", reverse("involvement-propose-end", args=[world.involvement.pk]), {"reason": "Not needed"}),
        ("post", reverse("family-contacts-list", args=[world.family.pk]), {}),
        ("post", reverse("chronology-entry-comments", args=[entry.pk]), {"text": "A pattern."}),
    ]
    for method, url, data in writes:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 403, url
        assert "Emergency access is read-only" in response.json()["detail"], url
    assert not Person.objects.filter(given_name__in=["Ela", "Alfred"]).exists()
    assert not Involvement.objects.filter(family=world.family, agency=holder.agency).exists()
    world.involvement.refresh_from_db()
    assert world.involvement.is_active


def test_the_api_involves_an_agency_only_for_a_lead_or_a_manager_of_an_involved_agency(world, api):
    housing = world.users["uninvolved"].agency
    api.force_authenticate(world.users["involved_postholder"])
    url = reverse("family-add-involvement", args=[world.family.pk])
    response = api.post(url, {"agency": housing.pk, "reason": "Tenancy"}, format="json")
    assert response.status_code == 403 and "lead professional" in response.json()["detail"]
    api.force_authenticate(world.users["other_involved"])
    assert api.post(url, {"agency": housing.pk, "reason": "Tenancy", "started_on": "2026-12-01"},
                    format="json").status_code == 201


# --- Issue 13, finding 4 ------------------------------------------------------------------------------------------

def test_the_api_lets_another_agency_propose_but_not_end_an_involvement(world, api):
    api.force_authenticate(world.users["other_involved"])
    end = api.post(reverse("involvement-end", args=[world.involvement.pk]), {"reason": "Moved"}, format="json")
    assert end.status_code == 403 and "propose" in end.json()["detail"]
    proposal = api.post(reverse("involvement-propose-end", args=[world.involvement.pk]), {"reason": "Moved"},
                        format="json")
    assert proposal.status_code == 201 and proposal.json()["owner"] == world.users["involved_practitioner"].pk
    world.involvement.refresh_from_db()
    assert world.involvement.is_active
    api.force_authenticate(world.users["involved_manager"])  # a manager of the agency itself
    assert api.post(reverse("involvement-end", args=[world.involvement.pk]), {"reason": "Moved"},
                    format="json").status_code == 200


# --- Issue 13, finding 11: one 404 for "does not exist" and "not yours" ---------------------------------------------

def test_a_hidden_record_and_a_missing_one_get_the_same_api_404(world, api):
    from doorstep.engagement.tests.helpers import world_contact

    contact = world_contact(world)
    api.force_authenticate(world.users["uninvolved"])
    for name, hidden in (("family-detail", world.family.pk), ("person-detail", world.child.pk),
                         ("involvement-detail", world.involvement.pk), ("contact-detail", contact.pk),
                         ("family-chronology-list", None)):
        if hidden is None:
            a = api.get(reverse(name, args=[world.family.pk]))
            b = api.get(reverse(name, args=[987654]))
        else:
            a, b = api.get(reverse(name, args=[hidden])), api.get(reverse(name, args=[987654]))
        assert (a.status_code, a.json()) == (b.status_code, b.json()) == (404, {"detail": "Not found."}), name

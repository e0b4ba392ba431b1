"""Issue 13: a partner system's token acts for its agency through the API, but its account is no one. It opens no
family record (the opener becomes the family's lead, and the protocol's actions go to the lead and their line
manager: a system has neither), is never made a lead professional, and holds no emergency access (P-2, P-4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from doorstep.families import services
from doorstep.families.models import BreakGlassGround, Family, Involvement
from doorstep.testing.world import partner_token

NEW_FAMILY = {"name": "Pushed household", "reason": "Referral from the health records system", "line1": "2 Heol Las",
              "town": "Afonwy", "postcode": "AF1 2CD"}


def test_a_partner_system_cannot_open_a_family_record(world):
    token, key = partner_token(world)  # health's, read and write
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    before = Family.objects.count()
    response = api.post(reverse("family-list"), NEW_FAMILY, format="json")
    assert response.status_code == 403
    assert Family.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.family_create(by=token.account, **NEW_FAMILY)
    # A person of the same agency opens it, and leads it.
    api.credentials()
    api.force_authenticate(world.users["involved_practitioner"])
    assert api.post(reverse("family-list"), NEW_FAMILY, format="json").status_code == 201


def test_a_partner_system_is_never_made_a_lead_professional(world):
    worker, police = world.users["involved_practitioner"], world.users["other_involved"].agency
    health_system = partner_token(world)[0].account
    police_system = partner_token(world, agency=police)[0].account
    with pytest.raises(ValidationError) as refused:
        services.family_set_overall_lead(family=world.family, by=worker, lead=health_system)
    assert "lead" in refused.value.message_dict
    world.family.refresh_from_db()
    assert world.family.overall_lead == worker
    other = services.family_create(by=worker, **NEW_FAMILY)
    with pytest.raises(ValidationError) as refused:
        services.involvement_start(family=other, by=worker, agency=police, reason="Call-outs",
                                   lead_professional=police_system)
    assert "lead_professional" in refused.value.message_dict
    # Through the API too: a 400 naming the field, nothing saved.
    api = APIClient()
    api.force_authenticate(worker)
    response = api.post(reverse("family-add-involvement", args=[other.pk]),
                        {"agency": police.pk, "reason": "Call-outs", "lead_professional": police_system.pk,
                         "started_on": timezone.localdate().isoformat()},
                        format="json")
    assert response.status_code == 400 and "lead_professional" in response.json()
    assert not Involvement.objects.filter(family=other, agency=police).exists()


def test_a_partner_system_holds_no_emergency_access(world):
    token, _key = partner_token(world, agency=world.users["uninvolved"].agency)
    with pytest.raises(PermissionDenied):
        services.break_glass_open(professional=token.account, family_reference=world.family.reference,
                                  ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Police called to the address")
    assert not token.account.break_glass.exists()

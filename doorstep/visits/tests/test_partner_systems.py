"""Issue 13: a partner system's token writes for its agency, but plans no visit. Whoever plans a visit is the lone
worker who goes, checks in and is looked for if they do not (SAF-1..6); a system is no one, so a visit it planned would
be one nobody makes and nobody looks for."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from doorstep.testing.world import partner_token
from doorstep.visits.models import Visit

from .helpers import SAFE_ANSWERS, plan


def test_a_partner_system_cannot_plan_a_visit(world):
    token, key = partner_token(world)  # health's, read and write, involved with the family
    body = {"family": world.family.pk, "planned_start": (timezone.now() + timedelta(hours=1)).isoformat(),
            "planned_minutes": 30, "purpose": "Weigh the baby", "contingency": "Clinic appointment",
            "factors": [], "answers": SAFE_ANSWERS, "arrangements": ["sole"]}
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/visits/", body, format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        plan(world, by=token.account)
    assert not Visit.objects.exists()
    # The practitioner plans it, and is its worker.
    api.credentials()
    api.force_authenticate(world.users["involved_practitioner"])
    created = api.post("/api/v1/visits/", body, format="json")
    assert created.status_code == 201 and Visit.objects.get().worker == world.users["involved_practitioner"]

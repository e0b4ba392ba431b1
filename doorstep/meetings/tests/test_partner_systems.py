"""Issue 13: a partner system's token writes for its agency, but calls no meeting. Its caller chairs and minutes a
meeting unless others are named, and a system can do neither: the protocol's meeting would be run by no one
(MTG-2, P-4)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from doorstep.meetings import services
from doorstep.meetings.models import Meeting, MeetingKind
from doorstep.testing.world import partner_token


def _call(world) -> dict:
    return {"family": world.family.pk, "kind": MeetingKind.PROFESSIONALS, "reason": "Fourth defaulted visit",
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(), "location": "Civic Centre"}


def test_a_partner_system_cannot_call_a_meeting(world):
    token, key = partner_token(world)  # health's, read and write, involved with the family
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(reverse("meeting-list"), _call(world), format="json")
    assert response.status_code == 403
    assert not Meeting.objects.exists()
    with pytest.raises(PermissionDenied):
        services.meeting_call(family=world.family, by=token.account, kind=MeetingKind.PROFESSIONALS,
                              reason="Fourth defaulted visit", starts_at=timezone.now() + timedelta(days=1),
                              location="Civic Centre")
    # The practitioner of the same agency may call this kind of meeting.
    api.credentials()
    api.force_authenticate(world.users["involved_practitioner"])
    assert api.post(reverse("meeting-list"), _call(world), format="json").status_code == 201


def test_a_partner_system_is_never_named_chair_or_minute_taker(world):
    system = partner_token(world)[0].account
    with pytest.raises(ValidationError) as refused:
        services.meeting_call(family=world.family, by=world.users["involved_practitioner"],
                              kind=MeetingKind.PROFESSIONALS, reason="Fourth defaulted visit",
                              starts_at=timezone.now() + timedelta(days=1), location="Civic Centre",
                              chair=system, minute_taker=system)
    assert {"chair", "minute_taker"} <= set(refused.value.message_dict)
    assert not Meeting.objects.exists()

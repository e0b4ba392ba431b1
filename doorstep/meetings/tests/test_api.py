"""Meetings, minutes and plan actions through /api/v1/: the same rules as the pages, refusals with reasons."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from doorstep.meetings.models import Meeting, MinutesState

from . import helpers as h


def _call(world, **overrides) -> dict:
    return {"family": world.family.pk, "kind": "marp", "reason": "Fourth defaulted visit",
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(), "location": "Civic Centre",
            "parents": "excluded", "parents_excluded_reason": "Threats to staff", **overrides}


def test_the_api_refuses_a_marp_to_someone_who_is_not_a_designated_postholder_with_the_reason(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.post(reverse("meeting-list"), _call(world), content_type="application/json")
    assert response.status_code == 403
    assert "designated postholder" in response.json()["detail"]
    assert not Meeting.objects.exists()


def test_a_meeting_from_call_to_circulated_minutes_through_the_api(world, client):
    chair = world.users["involved_manager"]
    police = world.users["other_involved"]
    client.force_login(chair)
    response = client.post(reverse("meeting-list"), _call(world), content_type="application/json")
    assert response.status_code == 201, response.json()
    meeting_id = response.json()["id"]
    assert response.json()["kind"] == "marp" and response.json()["hold_by"]
    response = client.post(reverse("meeting-invite", args=[meeting_id]), {"invitees": [police.pk]},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()[0]["is_specialist"] is False
    attended = [i["id"] for i in client.get(reverse("meeting-detail", args=[meeting_id])).json()["invitations"]]
    response = client.post(reverse("meeting-held", args=[meeting_id]),
                           {"held_on": timezone.localdate().isoformat(), "attended": attended},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "draft"
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    minutes = {"concerns": "Not seen", "plan_agreed": True, "sharing_with_family": "Letter", "no_dissent": True,
               "outcome": "continue",
               "roles": [{"agency": chair.agency_id, "role": "Health"}, {"agency": police.agency_id, "role": "Police"}],
               "actions": [{"description": "Welfare check", "agency": police.agency_id, "owner": police.pk,
                            "due_date": due}]}
    response = client.put(reverse("meeting-minutes", args=[meeting_id]), minutes, content_type="application/json")
    assert response.status_code == 200 and len(response.json()["actions"]) == 1
    response = client.put(reverse("meeting-minutes", args=[meeting_id]), minutes, content_type="application/json")
    assert len(response.json()["actions"]) == 1  # replaced, not added twice
    response = client.post(reverse("meeting-approve-minutes", args=[meeting_id]))
    assert response.status_code == 200 and response.json()["state"] == MinutesState.APPROVED
    response = client.post(reverse("meeting-circulate-minutes", args=[meeting_id]))
    assert response.json()["state"] == MinutesState.CIRCULATED
    client.force_login(police)
    (action,) = client.get(reverse("plan-action-list")).json()["results"]
    assert action["description"] == "Welfare check" and action["state"] == "open" and action["due_date"] == due
    response = client.post(reverse("plan-action-progress", args=[action["id"]]), {"note": "Done", "completed": True},
                           content_type="application/json")
    assert response.json()["state"] == "done"


def test_approval_refused_through_the_api_names_what_is_missing(world, client):
    minutes = h.held(world)
    client.force_login(world.users["involved_manager"])
    response = client.post(reverse("meeting-approve-minutes", args=[minutes.meeting_id]))
    assert response.status_code == 400 and {"plan_agreed", "outcome", "dissent"} <= set(response.json())


def test_the_board_chair_reads_minutes_but_no_meeting(world, client):
    minutes = h.circulated(world)
    client.force_login(world.users["board_chair"])
    assert client.get(reverse("meeting-minutes", args=[minutes.meeting_id])).json()["outcome"] == "continue"
    assert client.get(reverse("meeting-detail", args=[minutes.meeting_id])).status_code == 403
    assert client.get(reverse("plan-action-detail", args=[minutes.actions.get().pk])).status_code == 404


def test_a_specialist_who_has_not_accepted_is_told_why(world, client):
    meeting = h.with_specialist(world, accepted=False)
    client.force_login(world.users["uninvolved"])
    response = client.get(reverse("meeting-detail", args=[meeting.pk]))
    assert response.status_code == 403 and "confidentiality" in response.json()["detail"]
    response = client.post(reverse("invitation-respond", args=[world.specialist_invitation.pk]),
                           {"response": "accepted"}, content_type="application/json")
    assert response.status_code == 400 and "confidentiality" in str(response.json())

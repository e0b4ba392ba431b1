"""Contacts through /api/v1/: the same validation, access rule, audit and chronology as the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry
from doorstep.engagement.models import Contact, Outcome

from .helpers import record


@pytest.fixture
def api(client, world):
    client.force_login(world.users["involved_practitioner"])
    return client


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_record_a_contact_through_the_api(world, api):
    url = reverse("family-contacts-list", kwargs={"family_id": world.family.pk})
    response = _post(api, url, {
        "kind": "home_visit", "outcome": "seen", "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "children": [{"child": world.child.pk, "seen": True, "seen_alone": True}],
        "adults_present": [world.parent.pk], "behaviours": ["ambivalence"], "note": "Seen in the garden"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "seen" and body["agency_name"] == "Health Board" and not body["defaulted"]
    assert body["children"] == [{"child": world.child.pk, "child_name": "Alfie Testing", "seen": True,
                                 "seen_alone": True, "sleeping_place_seen": False, "home_conditions_seen": False,
                                 "food_seen": False}]
    contact = Contact.objects.get()
    assert ChronologyEntry.objects.filter(source_type="engagement.Contact", source_id=str(contact.pk)).exists()
    listed = api.get(url).json()
    assert [c["id"] for c in listed["results"]] == [contact.pk]


@pytest.mark.parametrize("change, field, message", [
    ({"occurred_at": "2999-01-01T10:00:00Z"}, "occurred_at", "must be in the past"),
    ({"children": [{"child": 999999, "seen": True}]}, "children", "not a member of this family"),
    ({"outcome": "refused_entry", "children": "seen"}, "outcome", "means nobody was seen"),
    ({"kind": "fax"}, "kind", "is not a valid choice"),
    ({"threats": ["rudeness"]}, "threats", "is not a valid choice"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(world, api, change, field, message):
    data = {"kind": "home_visit", "outcome": "seen", "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat()}
    if change.get("children") == "seen":
        change = {**change, "children": [{"child": world.child.pk, "seen": True}]}
    data.update(change)
    response = _post(api, reverse("family-contacts-list", kwargs={"family_id": world.family.pk}), data)
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Contact.objects.count() == 0


def test_correct_enter_in_error_and_follow_up_through_the_api(world, api):
    contact = record(world, outcome=Outcome.NO_ANSWER)
    url = reverse("contact-correct", kwargs={"pk": contact.pk})
    assert _post(api, url, {"note": "x"}).status_code == 400  # a reason is required
    response = _post(api, url, {"reason": "Typo in the note", "note": "Card left at 10:00"})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert response.json()["revisions"][0]["data"]["note"] == ""
    contact.refresh_from_db()
    assert contact.outcome == Outcome.NO_ANSWER and contact.children.count() == 1  # the rest is kept
    follow = _post(api, reverse("contact-follow-ups", kwargs={"pk": contact.pk}), {"text": "Phoned mother"})
    assert follow.status_code == 201 and follow.json()["text"] == "Phoned mother"
    gone = _post(api, reverse("contact-entered-in-error", kwargs={"pk": contact.pk}), {"reason": "Wrong family"})
    assert gone.status_code == 200 and gone.json()["entered_in_error"] is True
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(contact.pk)).count() == 3


def test_another_agency_cannot_correct_and_an_uninvolved_one_cannot_see(world, client):
    contact = record(world)
    client.force_login(world.users["other_involved"])
    assert client.get(reverse("contact-detail", kwargs={"pk": contact.pk})).status_code == 200
    response = _post(client, reverse("contact-correct", kwargs={"pk": contact.pk}), {"reason": "x", "note": "y"})
    assert response.status_code == 403
    client.force_login(world.users["uninvolved"])
    assert client.get(reverse("contact-detail", kwargs={"pk": contact.pk})).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=world.users["uninvolved"]).exists()


def test_contacts_list_is_cursor_paginated_newest_first(world, api):
    for i in range(55):
        record(world, ago=timedelta(hours=3 + i))
    url = reverse("family-contacts-list", kwargs={"family_id": world.family.pk})
    first = api.get(url).json()
    second = api.get(first["next"]).json()
    ids = [c["id"] for c in first["results"] + second["results"]]
    expected = list(Contact.objects.order_by("-occurred_at", "-id").values_list("id", flat=True))
    assert ids == expected and second["next"] is None

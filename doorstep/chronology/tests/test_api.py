"""The chronology through /api/v1/: filters, cursor pages, analysis comments; same access rule and audit."""

import pytest
from django.urls import reverse

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyComment

from .helpers import long_history


@pytest.fixture
def api(client, world):
    client.force_login(world.users["other_involved"])
    return client


def test_filtered_chronology_pages_through_the_api(world, api):
    entries = long_history(world, n=400)
    url = reverse("family-chronology-list", kwargs={"family_id": world.family.pk})
    agency = entries[2].agency_id
    first = api.get(url, {"agency": agency, "behaviour": "shouting"})
    assert first.status_code == 200
    results = first.json()["results"]
    assert [r["summary"][:11] for r in results] == [f"Entry {i:05d}" for i in range(399, -1, -1)
                                                    if i % 8 == 2 and i % 10 == 0]
    assert results[0]["tags"] == ["refused_entry", "shouting"]
    page = api.get(url).json()
    assert len(page["results"]) == 50 and page["next"]
    nxt = api.get(page["next"]).json()
    assert nxt["results"][0]["occurred_at"] < page["results"][-1]["occurred_at"]
    assert AuditEvent.objects.filter(actor=world.users["other_involved"], action=AuditAction.VIEW,
                                     summary="API chronology").count() == 3


def test_bad_filters_are_a_400(world, api):
    url = reverse("family-chronology-list", kwargs={"family_id": world.family.pk})
    response = api.get(url, {"kind": "gossip", "date_from": "2026-02-31"})
    assert response.status_code == 400 and set(response.json()) == {"kind", "date_from"}
    response = api.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "the same as or after the start" in str(response.json()["date_to"])


def test_comment_through_the_api(world, api, client):
    entry = long_history(world, n=3)[0]
    url = reverse("chronology-entry-comments", kwargs={"pk": entry.pk})
    assert api.post(url, {"text": ""}, content_type="application/json").status_code == 400
    response = api.post(url, {"text": "Pattern of refusals"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["author_name"] == str(world.users["other_involved"])
    detail = api.get(reverse("chronology-entry-detail", kwargs={"pk": entry.pk})).json()
    assert [c["text"] for c in detail["comments"]] == ["Pattern of refusals"]
    client.force_login(world.users["uninvolved"])
    assert client.post(url, {"text": "x"}, content_type="application/json").status_code == 404
    assert ChronologyComment.objects.count() == 1

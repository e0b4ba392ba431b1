"""OVR-1 pages and API: what each person sees, audited, in Welsh, reachable from the navigation, and in a number of
queries that does not grow with the list (the access matrix, core/tests/test_access_matrix.py, covers refusals)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.escalations.rules import RULES
from doorstep.families.services import family_create
from doorstep.oversight.models import Explanation, SignalKind, VisitDiscrepancy
from doorstep.oversight.scheduled import oversight_nightly
from doorstep.oversight.services import family_oversight_compute

from .helpers import discrepancy, seen_home_visit

DRIFT_AFTER = RULES["ESC-8"].defaults()["not_seen_alone_days"] + 1


@pytest.fixture
def drifting(world, time_machine):
    time_machine.shift(timedelta(days=DRIFT_AFTER))
    oversight_nightly(now=timezone.now())
    return world


def test_manager_sees_the_drift_of_families_their_agency_is_involved_with_audited(drifting, client):
    world = drifting
    client.force_login(world.users["involved_manager"])
    page = client.get(reverse("oversight:signals"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Testing household" in html and "Other household" not in html
    assert str(SignalKind.NOT_SEEN_ALONE.label) in html and "Alfie" in html
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, actor=world.users["involved_manager"],
                                     family=world.family).exists()
    # Housing's manager: housing is involved with the other family only.
    client.force_login(world.users["uninvolved_manager"])
    html = client.get(reverse("oversight:signals")).content.decode()
    assert "Other household" in html and "Testing household" not in html


def test_manager_and_worker_see_the_discrepancy_only_the_worker_explains(world, client):
    found = discrepancy(world)
    url = reverse("oversight:discrepancy", args=[found.pk])
    client.force_login(world.users["involved_manager"])
    assert str(found.get_kind_display()) in client.get(reverse("oversight:discrepancies")).content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {"explanation": Explanation.SESSION_NOT_USED}).status_code == 403
    client.force_login(world.users["other_involved"])  # the police worker: not theirs
    assert client.get(url).status_code == 404
    assert "Testing household" not in client.get(reverse("oversight:discrepancies")).content.decode()

    client.force_login(world.users["involved_practitioner"])
    refused = client.post(url, {"explanation": Explanation.OTHER, "note": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_note">Say what happened' in html
    assert not VisitDiscrepancy.objects.get(pk=found.pk).explanation
    done = client.post(url, {"explanation": Explanation.JOINT_VISIT, "note": "Recorded by Sam for both of us."})
    assert done.status_code == 302
    found.refresh_from_db()
    assert found.explanation == Explanation.JOINT_VISIT and found.explained_by == world.users["involved_practitioner"]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="oversight.VisitDiscrepancy",
                                     actor=world.users["involved_manager"]).exists()


def test_board_chair_sees_no_family(drifting, client):
    client.force_login(drifting.users["board_chair"])
    assert client.get(reverse("oversight:signals")).status_code == 403
    assert client.get(reverse("oversight:discrepancies")).status_code == 403
    assert client.get("/api/v1/oversight/signals/").status_code == 403


def test_reachable_from_the_navigation(drifting, client):
    client.force_login(drifting.users["involved_manager"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("oversight:signals")}"' in html and f'href="{reverse("oversight:discrepancies")}"' in html
    client.force_login(drifting.users["involved_practitioner"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("oversight:signals")}"' not in html
    assert f'href="{reverse("oversight:discrepancies")}"' in html


def test_api_lists_signals_and_discrepancies_for_managers(world, client, time_machine):
    found = discrepancy(world)
    time_machine.shift(timedelta(days=DRIFT_AFTER))
    oversight_nightly(now=timezone.now())
    client.force_login(world.users["involved_manager"])
    signals = client.get("/api/v1/oversight/signals/").json()["results"]
    assert {s["kind"] for s in signals if s["family"] == world.family.pk} >= {"not_seen_alone", "no_contact"}
    assert all(s["reasons"] for s in signals)
    rows = client.get("/api/v1/oversight/discrepancies/").json()["results"]
    assert [r["id"] for r in rows] == [found.pk] and rows[0]["evidence"]
    client.force_login(world.users["involved_practitioner"])
    assert client.get("/api/v1/oversight/discrepancies/").status_code == 403


def test_pages_in_welsh(world, client):
    found = discrepancy(world)
    family_oversight_compute(family=world.family, now=timezone.now())
    exact, patterns = _english_messages()
    client.force_login(world.users["involved_manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    for url in (reverse("oversight:signals"), reverse("oversight:discrepancies"),
                reverse("oversight:discrepancy", args=[found.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert [t for t in english_found(response.content.decode(), exact, patterns) if t not in ALLOWED] == [], url
    html = client.get(reverse("oversight:discrepancy", args=[found.pk])).content.decode()
    assert "nid oes gan y gweithiwr sesiwn ymweliad" in html


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_run_the_same_queries_however_many_rows(world, client, time_machine):
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    discrepancy(world)
    time_machine.shift(timedelta(days=DRIFT_AFTER))
    oversight_nightly(now=timezone.now())
    client.force_login(manager)
    small = {url: _queries(client, url) for url in (reverse("oversight:signals"), reverse("oversight:discrepancies"),
                                                     "/api/v1/oversight/signals/", "/api/v1/oversight/discrepancies/")}
    for n in range(3):
        family_create(by=worker, name=f"Extra{n} household", reason="Health visiting", line1=f"{n} Stryd Fawr",
                      town="Afonwy", postcode="AF2 3CC")
    time_machine.shift(timedelta(days=DRIFT_AFTER))
    seen_home_visit(world, hours_ago=1)
    oversight_nightly(now=timezone.now())
    assert VisitDiscrepancy.objects.count() >= 2
    client.force_login(manager)  # the first session has long expired
    big = {url: _queries(client, url) for url in small}
    assert big == small
    assert max(small.values()) <= 20

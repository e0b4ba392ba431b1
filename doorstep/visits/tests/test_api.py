"""Visit plans and check-ins under /api/v1/ (SAF-1..3): what a phone app or an alarm-receiving centre would use."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from doorstep.visits.models import Visit, VisitStatus
from doorstep.visits.scheduled import visit_alarm_sweep

from .helpers import SAFE_ANSWERS, dog_marker, plan


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_phone_app_plans_starts_extends_and_checks_out(world):
    dog_marker(world)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    api = _client(worker)
    suggested = api.get(f"/api/v1/visits/suggestions/{world.family.pk}/").json()
    assert set(suggested["factors"]) == {"animals", "warning_markers"}
    proposal = api.post("/api/v1/visits/proposal/", {"factors": list(suggested["factors"]), "answers": SAFE_ANSWERS},
                        format="json").json()
    assert proposal["sole_allowed"] is False and proposal["agreement_required"] is True
    assert {"arrangement": "two_workers", "rule": "no-sole-worker", "strength": "proposed", "clause": "003 §5.3"}.items(
    ) <= proposal["proposed"][0].items()
    body = {"family": world.family.pk, "planned_start": (timezone.now() + timedelta(hours=1)).isoformat(),
            "planned_minutes": 30, "purpose": "Weigh the baby", "contingency": "Clinic appointment",
            "factors": list(suggested["factors"]), "answers": SAFE_ANSWERS, "arrangements": ["sole"]}
    refused = api.post("/api/v1/visits/", body, format="json")
    assert refused.status_code == 400 and "sole worker" in refused.json()["arrangements"][0]
    created = api.post("/api/v1/visits/", {**body, "arrangements": ["two_workers"], "companions": "Sam, Police"},
                       format="json")
    assert created.status_code == 201 and created.json()["status"] == "awaiting"
    pk = created.json()["id"]
    assert api.post(f"/api/v1/visits/{pk}/start/", {"contact_number": "07700 900123"}).status_code == 400
    decided = _client(manager).post(f"/api/v1/visits/{pk}/decide/", {"decision": "agreed"}, format="json")
    assert decided.json()["status"] == "ready"
    live = api.post(f"/api/v1/visits/{pk}/start/", {"contact_number": "07700 900123", "vehicle": "ab12 cde"},
                    format="json").json()
    assert live["status"] == "in_progress" and live["contact_number"] == "07700 900123"
    extended = api.post(f"/api/v1/visits/{pk}/extend/", {"minutes": 15}, format="json").json()
    assert extended["expected_back"] > live["expected_back"]
    done = api.post(f"/api/v1/visits/{pk}/check-out/", {}, format="json").json()
    assert done["status"] == "completed"
    kinds = [e["kind"] for e in api.get(f"/api/v1/visits/{pk}/check-ins/").json()]
    assert kinds == ["planned", "sent", "agreed", "started", "extended", "checked_out"]


def test_the_contact_number_is_only_the_workers_until_the_chain_needs_it(world):
    manager = world.users["involved_manager"]
    visit = plan(world)
    _client(visit.worker).post(f"/api/v1/visits/{visit.pk}/start/", {"contact_number": "07700 900444", "minutes": 10},
                               format="json")
    api = _client(manager)
    assert api.get(f"/api/v1/visits/{visit.pk}/").json()["contact_number"] is None
    assert all(v["contact_number"] is None for v in api.get("/api/v1/visits/live/").json())
    assert api.get(f"/api/v1/visits/{visit.pk}/emergency-card/").status_code == 404
    visit = Visit.objects.get(pk=visit.pk)
    visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15))
    card = api.get(f"/api/v1/visits/{visit.pk}/emergency-card/").json()
    assert card["contact_number"] == "07700 900444" and card["where"] == "1 Heol y Felin, Afonwy, AF1 1AA"
    assert [a["step"] for a in card["alerts"]] == ["reminder", "line_manager"]
    assert api.post(f"/api/v1/visits/{visit.pk}/acknowledge/").json()["acknowledged_by"] == manager.pk
    resolved = api.post(f"/api/v1/visits/{visit.pk}/resolve/", {"outcome": "continuing", "minutes": 30,
                                                                   "note": "Spoke to her: fine"}, format="json").json()
    assert resolved["status"] == VisitStatus.IN_PROGRESS and resolved["alarm_round"] == 2
    assert api.get(f"/api/v1/visits/{visit.pk}/emergency-card/").status_code == 403  # the alarm is over


def test_help_through_the_api_goes_to_the_top(world):
    visit = plan(world)
    api = _client(visit.worker)
    api.post(f"/api/v1/visits/{visit.pk}/start/", {"contact_number": "07700 900444"}, format="json")
    helped = api.post(f"/api/v1/visits/{visit.pk}/help/").json()
    assert helped["alarm_step"] == "help" and helped["escalated_at"] is not None

"""Incident pages and endpoints in the access matrix (P-4). The incident is recorded by the health practitioner
(involved_practitioner), whose line manager is involved_manager: only those two may see the support and impact."""

from datetime import timedelta

from django.utils import timezone

from doorstep.engagement.models import ThreatKind
from doorstep.incidents.models import AffectedWorker
from doorstep.incidents.services import incident_record
from doorstep.testing.access import AGENCY_STAFF, FAMILY, FAMILY_INVOLVED, INVOLVED_MANAGER, PEOPLE_ONLY, Route

WORKER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})


def incident(world):
    worker = world.users["involved_practitioner"]
    return incident_record(
        family=world.family, by=worker, occurred_at=timezone.now() - timedelta(hours=1), affected=[worker],
        threats=[ThreatKind.SHOUTING, ThreatKind.THREAT_TO_KILL], people=[world.parent],
        account="Shouted that he would kill me.", impact="I felt shaken.",
    )


def _incident(world) -> dict:
    return {"incident_id": incident(world).pk}


def _pk(world) -> dict:
    return {"pk": incident(world).pk}


def _worker(world) -> dict:
    return {"affected_id": AffectedWorker.objects.get(incident=incident(world)).pk}


def _worker_pk(world) -> dict:
    return {"pk": _worker(world)["affected_id"]}


ROUTES = [
    # Reversed with family_id: the same page as /incidents/new/?contact=<id> (tested in test_views).
    Route("incidents:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # Empty POSTs: the form back with its errors (200) to whoever may write; emergency access is read-only.
    Route("incidents:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("incidents:family", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("incidents:detail", FAMILY, _incident),
    # The recording agency (health) and the involved police force.
    Route("incidents:police", FAMILY_INVOLVED, _incident),
    Route("incidents:police", FAMILY_INVOLVED, _incident, method="post"),
    Route("incidents:share", INVOLVED_MANAGER, _incident),
    Route("incidents:share", INVOLVED_MANAGER, _incident, method="post"),
    # 004 §5.3: the impact on the worker, only the worker and their manager.
    Route("incidents:worker", WORKER_AND_MANAGER, _worker),
    # The worker's own form: only the worker writes their support and impact (the manager writes the follow-up).
    Route("incidents:worker", frozenset({"involved_practitioner"}), _worker, method="post",
          data=lambda w: {"form": "own"}),
    Route("incident-list", AGENCY_STAFF, api=True),
    Route("incident-list", AGENCY_STAFF, method="post", api=True),  # empty: bad input (400) to whoever gets past the access gate
    Route("incident-detail", FAMILY, _pk, api=True),
    Route("incident-police", FAMILY_INVOLVED, _pk, method="post", api=True, data=lambda w: {"reference": "AB1"}),
    Route("incident-share", INVOLVED_MANAGER, _pk, method="post", api=True, data=lambda w: {"reason": "Referral"}),
    Route("incident-worker-detail", WORKER_AND_MANAGER, _worker_pk, api=True, tokens=PEOPLE_ONLY),
    # The worker records the support they need and the impact on them; their manager reads it (INC-2).
    Route("incident-worker-detail", frozenset({"involved_practitioner"}), _worker_pk, method="patch", api=True,
          tokens=PEOPLE_ONLY),
    Route("incident-worker-follow-up", INVOLVED_MANAGER, _worker_pk, method="post", api=True,
          data=lambda w: {"support_offered": ["debrief"], "note": "Debrief held."}),
]

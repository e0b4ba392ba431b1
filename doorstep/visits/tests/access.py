"""Visit pages and endpoints in the access matrix (P-4). The visit is the health practitioner's
(involved_practitioner); their line manager, also the team's duty manager, is involved_manager, so the chain is them.

- a plan: the worker and the managers of the worker's agency; an uninvolved manager of another agency is refused;
- the out-on-a-visit page and its check-ins: the worker only;
- the emergency card and its actions: the people on the chain only, once escalation has started.
"""

from datetime import timedelta

from django.utils import timezone

from doorstep.testing.access import (
    AGENCY_STAFF,
    EVERYONE,
    FAMILY,
    FAMILY_INVOLVED,
    INVOLVED_MANAGER,
    MANAGERS,
    PEOPLE_ONLY,
    Route,
)
from doorstep.visits import services
from doorstep.visits.models import Visit, VisitStatus
from doorstep.visits.scheduled import visit_alarm_sweep

from .helpers import plan

WORKER = frozenset({"involved_practitioner"})
WORKER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})


def _free(world):
    """One visit at a time per worker: each role's request gets a fresh visit, so end the last one."""
    Visit.objects.filter(worker=world.users["involved_practitioner"], status=VisitStatus.IN_PROGRESS).update(
        status=VisitStatus.COMPLETED, next_alert_at=None)


def ready(world) -> Visit:
    _free(world)
    return plan(world)


def live(world) -> Visit:
    visit = ready(world)
    return services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900999", minutes=5)


def escalated(world) -> Visit:
    visit = live(world)
    visit_alarm_sweep(now=timezone.now() + timedelta(minutes=21))  # reminder at +5, line manager at +20
    return visit


def helped(world) -> Visit:
    visit = live(world)
    services.visit_help(visit=visit, by=visit.worker)
    return visit


def completed(world) -> Visit:
    visit = live(world)
    return services.visit_check_out(visit=visit, by=visit.worker)


def awaiting(world) -> Visit:
    return plan(world, factors=["animals"])


def _id(make):
    return lambda w: {"visit_id": make(w).pk}


def _pk(make):
    return lambda w: {"pk": make(w).pk}


ROUTES = [
    Route("visits:mine", AGENCY_STAFF),
    # Issue 18, poor signal: the visit page's web app (its page shell, service worker and manifest) holds nobody's
    # data, and is served to anyone (a service worker is fetched again by the browser at any time, signed in or not).
    Route("visits:offline", EVERYONE),
    Route("visits:service_worker", EVERYONE),
    Route("visits:manifest", EVERYONE),
    Route("visits:board", MANAGERS),
    Route("visits:to_agree", MANAGERS),
    Route("visits:plan", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # Empty POSTs: the form back with its errors (200) to whoever may write.
    Route("visits:plan", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("visits:detail", WORKER_AND_MANAGER, _id(ready)),
    Route("visits:decide", INVOLVED_MANAGER, _id(awaiting)),
    Route("visits:decide", INVOLVED_MANAGER, _id(awaiting), method="post"),
    Route("visits:cancel", WORKER_AND_MANAGER, _id(ready)),
    Route("visits:cancel", WORKER_AND_MANAGER, _id(ready), method="post"),
    Route("visits:out", WORKER, _id(ready)),
    Route("visits:out", WORKER, _id(ready), method="post"),
    Route("visits:extend", WORKER, _id(live), method="post", data=lambda w: {"minutes": "15"}),
    Route("visits:check_out", WORKER, _id(live), method="post", data=lambda w: {"something_happened": "no"}),
    Route("visits:something_happened", WORKER, _id(completed), method="post"),
    Route("visits:help", WORKER, _id(live), method="post"),
    # Issue 18: "Cancel: false alarm" (an empty POST: the form back with its error, to the worker only).
    Route("visits:help_cancel", WORKER, _id(helped)),
    Route("visits:help_cancel", WORKER, _id(helped), method="post"),
    Route("visits:alarm", INVOLVED_MANAGER, _id(escalated)),
    Route("visits:acknowledge", INVOLVED_MANAGER, _id(escalated), method="post"),
    Route("visits:resolve", INVOLVED_MANAGER, _id(escalated)),
    Route("visits:resolve", INVOLVED_MANAGER, _id(escalated), method="post"),
    Route("visits:emergency", INVOLVED_MANAGER, _id(escalated), method="post"),
    Route("visit-list", AGENCY_STAFF, api=True),
    # Empty: bad input (400) to whoever gets past the access gate. A partner system plans no visit (it would be the worker).
    Route("visit-list", AGENCY_STAFF, method="post", api=True, tokens=PEOPLE_ONLY),
    Route("visit-detail", WORKER_AND_MANAGER, _pk(ready), api=True, tokens=PEOPLE_ONLY),
    Route("visit-proposal", AGENCY_STAFF, method="post", api=True, data=lambda w: {"factors": ["animals"]}),
    Route("visit-suggestions", FAMILY, lambda w: {"family_id": w.family.pk}, api=True),
    Route("visit-live", MANAGERS, api=True),
    Route("visit-decide", INVOLVED_MANAGER, _pk(awaiting), method="post", api=True,
          data=lambda w: {"decision": "agreed"}),
    Route("visit-cancel", WORKER_AND_MANAGER, _pk(ready), method="post", api=True, data=lambda w: {"reason": "Ill"},
          tokens=PEOPLE_ONLY),
    Route("visit-start", WORKER, _pk(ready), method="post", api=True, data=lambda w: {"contact_number": "07700 900123"},
          tokens=PEOPLE_ONLY),
    Route("visit-extend", WORKER, _pk(live), method="post", api=True, data=lambda w: {"minutes": 15},
          tokens=PEOPLE_ONLY),
    Route("visit-check-out", WORKER, _pk(live), method="post", api=True, tokens=PEOPLE_ONLY),
    Route("visit-help", WORKER, _pk(live), method="post", api=True, tokens=PEOPLE_ONLY),
    Route("visit-check-ins", WORKER_AND_MANAGER, _pk(ready), api=True, tokens=PEOPLE_ONLY),
    Route("visit-emergency-card", INVOLVED_MANAGER, _pk(escalated), api=True),
    Route("visit-acknowledge", INVOLVED_MANAGER, _pk(escalated), method="post", api=True),
    Route("visit-resolve", INVOLVED_MANAGER, _pk(escalated), method="post", api=True,
          data=lambda w: {"outcome": "ended", "note": "Phoned her: safe"}),
]

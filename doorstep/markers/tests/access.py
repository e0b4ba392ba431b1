"""Warning-marker pages and endpoints in the access matrix (P-4, FLG-1). Markers are raised by the health
practitioner (involved_practitioner); involved_manager is a manager of the raising agency."""

from datetime import timedelta

from django.utils import timezone

from doorstep.markers.models import MarkerCategory
from doorstep.markers.services import marker_authorise, marker_raise
from doorstep.testing.access import (
    AGENCY_STAFF,
    FAMILY,
    FAMILY_INVOLVED,
    INVOLVED_MANAGER,
    MANAGERS,
    PEOPLE_ONLY,
    Route,
)

RAISER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})
ADDRESS = "line1=1+Heol+y+Felin&postcode=AF1+1AA"


def marker(world, *, authorised: bool = True):
    m = marker_raise(
        family=world.family, by=world.users["involved_practitioner"], person=world.parent,
        category=MarkerCategory.VIOLENCE, nature="Pushed a worker.", advice="Two workers.", source="Incident",
        review_date=timezone.localdate() + timedelta(days=90),
    )
    return marker_authorise(marker=m, by=world.users["involved_manager"]) if authorised else m


def _active(world) -> dict:
    return {"marker_id": marker(world).pk}


def _awaiting(world) -> dict:
    return {"marker_id": marker(world, authorised=False).pk}


def _active_pk(world) -> dict:
    return {"pk": marker(world).pk}


def _awaiting_pk(world) -> dict:
    return {"pk": marker(world, authorised=False).pk}


ROUTES = [
    # Any professional of an agency, involved or not: the answer reveals nothing about the household.
    Route("markers:address_check", AGENCY_STAFF, query=ADDRESS),
    Route("markers:awaiting", MANAGERS),
    Route("markers:family", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("markers:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # Empty POSTs: the form back with its errors (200) to whoever may write; emergency access is read-only.
    Route("markers:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("markers:detail", FAMILY, _active),
    # FLG-2: authorised by a manager of the raising agency.
    Route("markers:authorise", INVOLVED_MANAGER, _awaiting),
    Route("markers:authorise", INVOLVED_MANAGER, _awaiting, method="post", data=lambda w: {"decision": "decline"}),
    Route("markers:review", RAISER_AND_MANAGER, _active),
    Route("markers:review", RAISER_AND_MANAGER, _active, method="post"),
    Route("markers:end", INVOLVED_MANAGER, _active),
    Route("markers:end", INVOLVED_MANAGER, _active, method="post"),
    Route("marker-list", AGENCY_STAFF, api=True),
    Route("marker-list", AGENCY_STAFF, method="post", api=True),  # empty: bad input (400) to whoever gets past the access gate
    Route("marker-detail", FAMILY, _active_pk, api=True),
    Route("marker-authorise", INVOLVED_MANAGER, _awaiting_pk, method="post", api=True),
    Route("marker-decline", INVOLVED_MANAGER, _awaiting_pk, method="post", api=True,
          data=lambda w: {"reason": "Not enough evidence"}),
    Route("marker-review", RAISER_AND_MANAGER, _active_pk, method="post", api=True,
          data=lambda w: {"review_date": (timezone.localdate() + timedelta(days=60)).isoformat(), "note": "Still needed"},
          tokens=PEOPLE_ONLY),
    Route("marker-end", INVOLVED_MANAGER, _active_pk, method="post", api=True, data=lambda w: {"reason": "Moved away"}),
    Route("address-check-list", AGENCY_STAFF, api=True, query=ADDRESS),
]

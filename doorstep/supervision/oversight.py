"""Figures for supervision oversight that belong to other capabilities: incidents towards staff and families with
warning markers (issue 8). SUP-4 asks for incidents since the last supervision; OVR-3 for workers carrying many
families with markers.

They are read from the incidents and markers apps when those are installed (through `apps.get_model`, so that
supervision does not import them), and a capability may register a replacement here in its AppConfig.ready():

    INCIDENT_COUNTERS.append(fn)  # fn(*, since: dict[int, datetime | None]) -> dict[int, int] | None
        for each professional id, how many incidents directed at them happened after `since[id]` (all if None)
    MARKED_FAMILIES.append(fn)    # fn(*, family_ids: set[int]) -> set[int] | None
        which of these families have a warning marker shown (on a person of the family, or on their address)

Without either app the figure is "not available", never a misleading zero.
"""

import logging
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldError

log = logging.getLogger(__name__)

INCIDENT_COUNTERS: list = []
MARKED_FAMILIES: list = []


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _incidents_from_model(*, since: dict[int, datetime | None]) -> dict[int, int] | None:
    """INC-1: an incident names the professionals it was directed at (incidents.AffectedWorker)."""
    affected = _model("incidents", "AffectedWorker")
    if affected is None:
        return None
    rows = affected.objects.filter(professional_id__in=list(since))
    starts = [s for s in since.values() if s is not None]
    if starts and len(starts) == len(since):
        rows = rows.filter(incident__occurred_at__gt=min(starts))
    counts = {pk: 0 for pk in since}
    for worker_id, when in rows.values_list("professional_id", "incident__occurred_at"):
        start = since.get(worker_id)
        if start is None or when > start:
            counts[worker_id] += 1
    return counts


def _marked_from_model(*, family_ids: set[int]) -> set[int] | None:
    """FLG-1: the markers a visitor to the family sees: on a person of the family, or on its current address."""
    marker = _model("markers", "WarningMarker")
    if marker is None:
        return None
    from doorstep.families.models import FamilyAddress

    shown = marker.objects.shown()
    marked = set(shown.filter(person__family_id__in=family_ids).values_list("person__family_id", flat=True))
    marked |= set(
        FamilyAddress.objects.filter(family_id__in=family_ids, moved_out__isnull=True,
                                     address_id__in=shown.filter(address__isnull=False).values("address_id"))
        .values_list("family_id", flat=True)
    )
    return marked


def incidents_since(*, since: dict[int, datetime | None]) -> dict[int, int] | None:
    """Incidents towards each professional after their moment, or None when no incidents record is available."""
    if not since:
        return {}
    for counter in [*INCIDENT_COUNTERS, _incidents_from_model]:
        try:
            result = counter(since=since)
        except (FieldError, ValueError, TypeError):
            log.exception("Incident counter %s failed", counter)
            continue
        if result is not None:
            return result
    return None


def marked_families(*, family_ids: set[int]) -> set[int] | None:
    """Which of the families have active warning markers, or None when no markers record is available."""
    if not family_ids:
        return set()
    for finder in [*MARKED_FAMILIES, _marked_from_model]:
        try:
            result = finder(family_ids=family_ids)
        except (FieldError, ValueError, TypeError):
            log.exception("Marker finder %s failed", finder)
            continue
        if result is not None:
            return result
    return None

"""Figures for supervision oversight that belong to other capabilities: incidents towards staff and families with
warning markers (issue 8). SUP-4 asks for incidents since the last supervision; OVR-3 for workers carrying many
families with markers.

They are read from the incidents and markers records directly: every app is always installed (issue 14), so a
renamed field fails loudly instead of turning a figure into "not available".
"""

from datetime import datetime

from doorstep.families.models import FamilyAddress
from doorstep.incidents.models import AffectedWorker
from doorstep.markers.models import WarningMarker


def incidents_since(*, since: dict[int, datetime | None]) -> dict[int, int]:
    """INC-1: incidents directed at each professional (incidents.AffectedWorker) after their moment (all if None)."""
    if not since:
        return {}
    rows = AffectedWorker.objects.filter(professional_id__in=list(since))
    starts = [s for s in since.values() if s is not None]
    if starts and len(starts) == len(since):
        rows = rows.filter(incident__occurred_at__gt=min(starts))
    counts = {pk: 0 for pk in since}
    for worker_id, when in rows.values_list("professional_id", "incident__occurred_at"):
        start = since.get(worker_id)
        if start is None or when > start:
            counts[worker_id] += 1
    return counts


def marked_families(*, family_ids: set[int]) -> set[int]:
    """FLG-1: which of the families have a warning marker a visitor sees: on a person of the family, or on its
    current address."""
    if not family_ids:
        return set()
    shown = WarningMarker.objects.shown()
    marked = set(shown.filter(person__family_id__in=family_ids).values_list("person__family_id", flat=True))
    marked |= set(
        FamilyAddress.objects.filter(family_id__in=family_ids, moved_out__isnull=True,
                                     address_id__in=shown.filter(address__isnull=False).values("address_id"))
        .values_list("family_id", flat=True)
    )
    return marked

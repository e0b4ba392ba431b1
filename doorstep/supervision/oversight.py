"""Figures for supervision oversight that belong to other capabilities: incidents towards staff and families with
warning markers (issue 8). SUP-4 asks for incidents since the last supervision; OVR-3 for workers carrying many
families with markers.

The incidents and markers apps register their own functions here, in their AppConfig.ready():

    INCIDENT_COUNTERS.append(fn)  # fn(*, since: dict[int, datetime | None]) -> dict[int, int] | None
        for each professional id, how many incidents towards them happened after `since[id]` (all if None)
    MARKED_FAMILIES.append(fn)    # fn(*, family_ids: set[int]) -> set[int] | None
        which of these families have an active warning marker (on a person of the family, or their address)

Until they do, Doorstep reads the installed models if they have the shape issue 8 describes (an `Incident` with
a date and the professionals affected; a `WarningMarker` on a family, person or address that can be ended). When
neither works the figure is "not available", never a misleading zero.
"""

import logging
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError

log = logging.getLogger(__name__)

INCIDENT_COUNTERS: list = []
MARKED_FAMILIES: list = []

INCIDENT_DATE_FIELDS = ("occurred_at", "happened_at", "at", "created_at")
INCIDENT_STAFF_FIELDS = ("affected_professionals", "professionals_affected", "professionals", "affected",
                         "staff", "targets", "professional", "affected_professional", "worker")


def _model(app_label: str, *names: str):
    for name in names:
        try:
            return apps.get_model(app_label, name)
        except LookupError:
            continue
    return None


def _field(model, names):
    for name in names:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _incidents_from_model(*, since: dict[int, datetime | None]) -> dict[int, int] | None:
    model = _model("incidents", "Incident")
    if model is None:
        return None
    date_field = _field(model, INCIDENT_DATE_FIELDS)
    staff_field = _field(model, INCIDENT_STAFF_FIELDS)
    if date_field is None or staff_field is None or staff_field.related_model is None or \
            staff_field.related_model._meta.label != settings.AUTH_USER_MODEL:
        return None
    starts = [s for s in since.values() if s is not None]
    qs = model.objects.filter(**{f"{staff_field.name}__in": list(since)})
    if starts and len(starts) == len(since):
        qs = qs.filter(**{f"{date_field.name}__gt": min(starts)})
    counts = {pk: 0 for pk in since}
    for worker_id, when in qs.values_list(staff_field.name, date_field.name):
        start = since.get(worker_id)
        if worker_id in counts and (start is None or when > start):
            counts[worker_id] += 1
    return counts


def _marked_from_model(*, family_ids: set[int]) -> set[int] | None:
    model = _model("markers", "WarningMarker", "Marker")
    if model is None:
        return None
    qs = model.objects.all()
    for name, value in (("ended_at__isnull", True), ("ended_on__isnull", True), ("is_active", True)):
        if _field(model, [name.split("__")[0]]) is not None:
            qs = qs.filter(**{name: value})
            break
    else:
        return None
    marked: set[int] = set()
    routes = [("family", "family_id"), ("person", "person__family_id"),
              ("address", "address__households__family_id")]
    found = False
    for field_name, path in routes:
        if _field(model, [field_name]) is None:
            continue
        found = True
        extra = {"address__households__moved_out__isnull": True} if field_name == "address" else {}
        marked |= set(qs.filter(**{f"{path}__in": family_ids}, **extra).values_list(path, flat=True))
    return marked if found else None


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

"""Writing audit rows. Every service that reads or writes family data calls `audit_record` in its transaction."""

from collections.abc import Iterable

from django.db import models

from .context import current_origin
from .models import AuditAction, AuditEvent


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    family=None,
    summary: str = "",
    reason: str = "",
) -> AuditEvent:
    origin = current_origin.get()
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_agency_id=getattr(actor, "agency_id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        family=family,
        summary=summary[:300],
        reason=reason,
        ip_address=origin.ip_address,
        path=origin.path,
    )


def audit_record_many(*, actor, action: AuditAction, objects: Iterable[models.Model], summary: str = "") -> None:
    """One row per object in a single INSERT: for list pages and API lists that show several families."""
    origin = current_origin.get()
    rows = [
        AuditEvent(
            actor=actor,
            actor_agency_id=getattr(actor, "agency_id", None),
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            family_id=obj.pk if obj._meta.label == "families.Family" else getattr(obj, "family_id", None),
            summary=summary[:300],
            ip_address=origin.ip_address,
            path=origin.path,
        )
        for obj in objects
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)

"""Writing audit rows. Every service that reads or writes family data calls `audit_record` in its transaction.

What was done (`summary`) is a sentence Doorstep writes: a `Text` (`Text(gettext_noop("Raised a warning marker"))`,
with parameters for names and numbers), stored as its message id and parameters and shown in the reader's language
(issue 14). Its JSON form is part of the row's hashed content (audit/chain.py)."""

from collections.abc import Iterable

from django.db import connection, models, transaction

from doorstep.core.texts import Text, text_store

from . import chain
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
    summary: Text | None = None,
    reason: "str | Text" = "",
) -> AuditEvent:
    """`reason` is the person's own words (a str), kept as they wrote them, or a reason Doorstep gives itself (a
    `Text`), shown in the reader's language (issue 14)."""
    origin = current_origin.get()
    summary, summary_text = text_store(summary, max_length=300)
    reason, reason_text = text_store(reason)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_agency_id=getattr(actor, "agency_id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        family=family,
        summary=summary,
        summary_text=summary_text,
        reason=reason,
        reason_text=reason_text,
        ip_address=origin.ip_address,
        path=origin.path,
    )
    _append([event])
    return event


def audit_record_many(*, actor, action: AuditAction, objects: Iterable[models.Model],
                      summary: Text | None = None) -> None:
    """One row per object in a single INSERT: for list pages and API lists that show several families."""
    origin = current_origin.get()
    summary, summary_text = text_store(summary, max_length=300)
    rows = [
        AuditEvent(
            actor=actor,
            actor_agency_id=getattr(actor, "agency_id", None),
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            family_id=obj.pk if obj._meta.label == "families.Family" else getattr(obj, "family_id", None),
            summary=summary,
            summary_text=summary_text,
            ip_address=origin.ip_address,
            path=origin.path,
        )
        for obj in objects
    ]
    if rows:
        _append(rows)


def _append(events: list[AuditEvent]) -> None:
    """Issue 13 finding 12: chain the events onto the last row and insert them, under the chain lock.

    One query more than a bare INSERT. The lock is held until the caller's transaction ends (the row it chains
    onto must stay the last), so concurrent writers queue here instead of forking the chain."""
    with transaction.atomic(savepoint=False):
        previous = _chain_head_hash()
        for event in events:
            previous = chain.seal(event, previous)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)


def _chain_head_hash() -> str:
    if connection.vendor == "postgresql":
        # audit/migrations/0005: pg_advisory_xact_lock, then the last row's hash read after the lock is held.
        with connection.cursor() as cursor:
            cursor.execute("SELECT head_hash FROM audit_chain_head()")
            head = cursor.fetchone()[0]
    else:
        # SQLite: this transaction began IMMEDIATE (settings), so it already holds the database's only write lock.
        head = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    return head if head is not None else chain.GENESIS

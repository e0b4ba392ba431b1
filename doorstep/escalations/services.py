"""Raising and closing escalations. Other capabilities call these inside their own transaction, so that a
change and the escalation it causes commit together (issue 4)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from .models import ACTIVE_STATES, Escalation, EscalationEvent, EscalationState


def escalation_raise(
    *,
    rule_id: str,
    clause: str,
    key: str,
    title: str,
    owner,
    family=None,
    deadline: datetime | None = None,
    facts: Iterable[dict] = (),
    source: models.Model | None = None,
    notify_also: Iterable = (),
    notification_kind: NotificationKind = NotificationKind.ACTION,
    mandatory: bool = False,
) -> tuple[Escalation, bool]:
    """Raise the action for `key`, or bring the active one up to date with the new facts (idempotent).

    Returns (escalation, created). The owner (and `notify_also`) are notified only when it is first raised.
    """
    facts = list(facts)
    existing = Escalation.objects.select_for_update().filter(key=key, state__in=ACTIVE_STATES).first()
    if existing is not None:
        # New facts update the open action; its deadline stands (the first trigger started the clock).
        if existing.facts != facts:
            existing.facts = facts
            existing.save(update_fields=["facts", "updated_at"])
            EscalationEvent.objects.create(escalation=existing, action="updated", note="New facts")
        return existing, False
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                rule_id=rule_id, clause=clause, key=key, title=title[:300], owner=owner, family=family,
                deadline=deadline, facts=facts,
                source_type=source._meta.label if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
            )
    except IntegrityError:  # raised by another worker at the same moment
        return Escalation.objects.get(key=key, state__in=ACTIVE_STATES), False
    EscalationEvent.objects.create(escalation=escalation, action="raised")
    if family is not None:
        chronology_record(
            family=family, kind=EntryKind.ESCALATION, occurred_at=timezone.now(), agency=owner.agency,
            summary=f"{rule_id}: {title}"[:500], source=escalation, significant=True,
        )
    notify(
        recipients=[owner, *notify_also], kind=notification_kind, family=family, mandatory=mandatory,
        message=title, link=f"/escalations/{escalation.pk}/", dedupe_key=f"escalation:{escalation.pk}:raised",
    )
    return escalation, True


def _close(escalation: Escalation, *, by, state: EscalationState, note: str, action: str) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if not escalation.is_active:
        raise ValidationError({"outcome": _("This action is already closed")})
    escalation.state = state
    escalation.outcome = note
    escalation.closed_at = timezone.now()
    escalation.closed_by = by
    escalation.save(update_fields=["state", "outcome", "closed_at", "closed_by", "updated_at"])
    EscalationEvent.objects.create(escalation=escalation, by=by, action=action, note=note)
    if by is not None:
        audit_record(actor=by, action=AuditAction.UPDATE, obj=escalation, family=escalation.family,
                     summary=f"{action} {escalation.rule_id}", reason=note)
    if escalation.family is not None:
        chronology_record(
            family=escalation.family, kind=EntryKind.ESCALATION, occurred_at=timezone.now(), by=by,
            agency=getattr(by, "agency", None) or escalation.owner.agency, source=escalation,
            summary=f"{escalation.rule_id} {escalation.get_state_display().lower()}: {note or escalation.title}"[:500],
        )
    return escalation


@transaction.atomic
def escalation_complete(*, escalation: Escalation, by, outcome: str) -> Escalation:
    if not outcome.strip():
        raise ValidationError({"outcome": _("Enter what was done")})
    return _close(escalation, by=by, state=EscalationState.DONE, note=outcome.strip(), action="done")


@transaction.atomic
def escalation_cancel(*, escalation: Escalation, by, reason: str) -> Escalation:
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the action is cancelled")})
    return _close(escalation, by=by, state=EscalationState.CANCELLED, note=reason.strip(), action="cancelled")


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if by.pk not in (escalation.owner_id, escalation.overdue_escalated_to_id) and not (
        by.is_manager and by.agency_id == escalation.owner.agency_id
    ):
        raise PermissionDenied(_("Only the owner or their manager can acknowledge this action."))
    if escalation.state == EscalationState.OPEN:
        escalation.state = EscalationState.ACKNOWLEDGED
        escalation.save(update_fields=["state", "updated_at"])
        EscalationEvent.objects.create(escalation=escalation, by=by, action="acknowledged")
        audit_record(actor=by, action=AuditAction.UPDATE, obj=escalation, family=escalation.family,
                     summary=f"Acknowledged {escalation.rule_id}")
    return escalation


def escalations_close_by_key(*, key: str, by, outcome: str) -> int:
    """Close the active escalation for `key`, if any, as done (e.g. the meeting ESC-1 asked for was held)."""
    closed = 0
    for escalation in Escalation.objects.filter(key=key, state__in=ACTIVE_STATES):
        _close(escalation, by=by, state=EscalationState.DONE, note=outcome, action="done")
        closed += 1
    return closed

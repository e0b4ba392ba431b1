from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_manager(
    *, manager, actor=None, action: str = "", family_reference: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    """A manager searches the activity of their own agency's staff, nothing else."""
    qs = AuditEvent.objects.filter(actor_agency_id=manager.agency_id).select_related("actor", "actor_agency")
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action=action)
    if family_reference:
        qs = qs.filter(family__reference__iexact=family_reference.strip())
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs

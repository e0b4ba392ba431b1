from doorstep.audit.models import AuditEvent
from doorstep.testing.access import INVOLVED_MANAGER, MANAGERS, Route


def _health_event(world) -> dict:
    """An audit row of the health agency's staff: only the health manager may read it."""
    agency_id = world.users["involved_practitioner"].agency_id
    return {"pk": AuditEvent.objects.filter(actor_agency_id=agency_id).order_by("id").values_list("pk", flat=True)[0]}


ROUTES = [
    Route("audit:search", MANAGERS),
    Route("audit:csv", MANAGERS),
    Route("audit-list", MANAGERS, api=True),
    Route("audit-detail", INVOLVED_MANAGER, _health_event, api=True),
]

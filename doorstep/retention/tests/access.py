"""Retention pages in the access matrix (issue 20, P-4). The world's involved_manager is the health agency's
records manager; nobody else is one or manages one, and administrators change only the schedule."""

from doorstep.testing.access import ADMINISTRATOR, Route

from .helpers import hold, proposal

RECORDS_MANAGER = frozenset({"involved_manager"})


def _family(world) -> dict:
    return {"family_id": world.family.pk}


def _hold(world) -> dict:
    return {"hold_id": hold(world).pk}


def _proposal(world) -> dict:
    return {"request_id": proposal(world).pk}


ROUTES = [
    Route("retention:review", RECORDS_MANAGER),
    Route("retention:family", RECORDS_MANAGER, _family),
    # An empty POST is the form back with its errors (nothing saved).
    Route("retention:hold", RECORDS_MANAGER, _family),
    Route("retention:hold", RECORDS_MANAGER, _family, method="post"),
    Route("retention:propose", RECORDS_MANAGER, _family),
    Route("retention:propose", RECORDS_MANAGER, _family, method="post"),
    Route("retention:lift", RECORDS_MANAGER, _hold),
    Route("retention:lift", RECORDS_MANAGER, _hold, method="post"),
    # Proposed by another records manager: involved_manager is the second person.
    Route("retention:decide", RECORDS_MANAGER, _proposal),
    Route("retention:decide", RECORDS_MANAGER, _proposal, method="post"),
    Route("retention:schedule", ADMINISTRATOR),
    Route("retention:schedule", ADMINISTRATOR, method="post"),
]

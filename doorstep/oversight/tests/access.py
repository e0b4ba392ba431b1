"""Oversight pages and endpoints in the access matrix (P-4, OVR-1). The visit discrepancy is the health
practitioner's (involved_practitioner), whose line manager is involved_manager."""

from doorstep.testing.access import AGENCY_STAFF, MANAGERS, Route

from .helpers import discrepancy

WORKER = frozenset({"involved_practitioner"})
WORKER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})


def _discrepancy(world) -> dict:
    return {"discrepancy_id": discrepancy(world).pk}


ROUTES = [
    # Managers: drift of the families their agency is involved with (an empty list for an uninvolved agency).
    Route("oversight:signals", MANAGERS),
    # Every professional of an agency: their own visit records to check, and a manager's workers' too.
    Route("oversight:discrepancies", AGENCY_STAFF),
    Route("oversight:discrepancy", WORKER_AND_MANAGER, _discrepancy),
    # Only the worker explains; an empty POST is the form back with its errors.
    Route("oversight:discrepancy", WORKER, _discrepancy, method="post"),
    Route("oversight-signal-list", MANAGERS, api=True),
    Route("oversight-discrepancy-list", MANAGERS, api=True),
]

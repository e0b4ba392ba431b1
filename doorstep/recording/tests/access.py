"""Recording pages in the access matrix (P-4, RIG-2, UK GDPR Article 16). The request is about the world's contact,
recorded by the health practitioner (involved_practitioner): they and their agency's manager decide it."""

from doorstep.engagement.tests.helpers import world_contact
from doorstep.testing.access import ADMINISTRATOR, FAMILY, FAMILY_INVOLVED, Route

from .helpers import world_correction, world_term

DECIDE = frozenset({"involved_practitioner", "involved_manager"})


def _new(w):
    return {"kind": "contact", "record_id": world_contact(w).pk}


def _request(w):
    return {"request_id": world_correction(w).pk}


ROUTES = [
    # RIG-2: the partnership's list, maintained by administrators; an empty POST is the form back with its errors.
    Route("recording:terms", ADMINISTRATOR),
    Route("recording:terms", ADMINISTRATOR, method="post"),
    Route("recording:term", ADMINISTRATOR, lambda w: {"term_id": world_term(w).pk}),
    Route("recording:term", ADMINISTRATOR, lambda w: {"term_id": world_term(w).pk}, method="post"),
    # Article 16: any worker of an involved agency logs a request (emergency access is read-only).
    Route("recording:correction_new", FAMILY_INVOLVED, _new),
    Route("recording:correction_new", FAMILY_INVOLVED, _new, method="post"),
    Route("recording:correction", FAMILY, _request),
    # The record's agency decides: whoever recorded it, or a manager of that agency.
    Route("recording:correction_decide", DECIDE, _request),
    Route("recording:correction_decide", DECIDE, _request, method="post"),
]

"""Recording pages in the access matrix (P-4, RIG-2, UK GDPR Article 16). The request is about the world's contact,
recorded by the health practitioner (involved_practitioner): they and their agency's manager decide it."""

from doorstep.engagement.tests.helpers import world_contact
from doorstep.testing.access import ADMINISTRATOR, AGENCY_STAFF, FAMILY, FAMILY_INVOLVED, PEOPLE_ONLY, Route

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
    # The API: the record is named in the body, so an empty body is bad input (400) to any agency's staff (as for
    # incidents); one that names the world's contact is logged by whoever may write to its family.
    Route("correction-request-list", AGENCY_STAFF, method="post", api=True),
    Route("correction-request-detail", FAMILY, lambda w: {"pk": world_correction(w).pk}, api=True),
    # Access is checked before the body: an empty body is bad input (400) only to whoever may decide.
    Route("correction-request-decide", DECIDE, lambda w: {"pk": world_correction(w).pk}, method="post", api=True,
          tokens=PEOPLE_ONLY),
]

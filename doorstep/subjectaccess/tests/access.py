"""Subject access pages and endpoints in the access matrix (RIG-1, P-4). The world's health practitioner is made
health's disclosure officer (tests/helpers.py); their line manager (involved_manager) approves; the police postholder,
made the police's disclosure officer, answers the police's consultation. Nobody else sees a request: the family's
other workers see only that one exists (the case file's line)."""

from doorstep.testing.access import MANAGERS, PEOPLE_ONLY, Route

from .helpers import gathered, officers

OFFICER = frozenset({"involved_practitioner"})
OFFICER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})
MANAGER = frozenset({"involved_manager"})
POLICE_OFFICER = frozenset({"involved_postholder"})
# Recording: a disclosure officer of any agency involved with the family (health's, and the police's).
INVOLVED_OFFICERS = frozenset({"involved_practitioner", "involved_postholder"})
# The list: disclosure officers and every agency's managers (an empty list for an agency with no requests).
SEES_REQUESTS = frozenset({"involved_practitioner", "involved_postholder"}) | MANAGERS


def _officers(world) -> dict:
    officers(world)
    return {}


def _family(world) -> dict:
    officers(world)
    return {"family_id": world.family.pk}


def _request(world) -> dict:
    return {"request_id": gathered(world).pk}


def _item(world) -> dict:
    found = gathered(world)
    return {"request_id": found.pk, "item_id": found.items.order_by("id").first().pk}


def _redaction(world) -> dict:
    from doorstep.subjectaccess.models import Redaction

    found = gathered(world)
    return {"request_id": found.pk, "redaction_id": Redaction.objects.filter(item__request=found).first().pk}


def _api(world) -> dict:
    return {"pk": gathered(world).pk}


ROUTES = [
    Route("subjectaccess:list", SEES_REQUESTS, _officers),
    # Recording: a disclosure officer of an agency involved with the family; an empty POST is the form's errors.
    Route("subjectaccess:new", INVOLVED_OFFICERS, _family),
    Route("subjectaccess:new", INVOLVED_OFFICERS, _family, method="post"),
    Route("subjectaccess:detail", OFFICER_AND_MANAGER, _request),
    # Each step is the officer's or the manager's; when its turn has not come, it is refused with a message on the
    # request's page (the request is gathered: the officer's gather, submit and release are such messages).
    Route("subjectaccess:gather", OFFICER, _request, method="post"),
    Route("subjectaccess:extend", OFFICER, _request),
    Route("subjectaccess:extend", OFFICER, _request, method="post"),
    Route("subjectaccess:item", OFFICER_AND_MANAGER, _item),
    Route("subjectaccess:item", OFFICER, _item, method="post"),
    Route("subjectaccess:redaction", OFFICER, _redaction, method="post"),
    Route("subjectaccess:submit", OFFICER, _request, method="post"),
    # A second person approves: a manager of the officer's agency, never the officer.
    Route("subjectaccess:approve", MANAGER, _request, method="post"),
    Route("subjectaccess:return", MANAGER, _request, method="post"),
    Route("subjectaccess:release", OFFICER, _request, method="post"),
    Route("subjectaccess:bundle", OFFICER_AND_MANAGER, _request),
    Route("subjectaccess:consultation", POLICE_OFFICER, _request),
    Route("subjectaccess:consultation", POLICE_OFFICER, _request, method="post"),
    # The API: people only (a partner system is no disclosure officer).
    Route("subject-access-request-list", SEES_REQUESTS, _officers, api=True, tokens=PEOPLE_ONLY),
    Route("subject-access-request-detail", OFFICER_AND_MANAGER, _api, api=True, tokens=PEOPLE_ONLY),
    Route("subject-access-request-items", OFFICER_AND_MANAGER, _api, api=True, tokens=PEOPLE_ONLY),
    Route("subject-access-request-bundle", OFFICER_AND_MANAGER, _api, api=True, tokens=PEOPLE_ONLY),
]

"""Supervision (P-4, SUP-1): the record and the worker's reflections only for the worker and their manager; the
decisions for everyone who may see the family (involved agencies, and emergency access, which sees the whole
chronology); the oversight for managers, each of their own staff."""

from doorstep.testing.access import AGENCY_STAFF, FAMILY, MANAGERS, PEOPLE_ONLY, Route

from .builders import case

WORKER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})
MANAGER = frozenset({"involved_manager"})
WORKER = frozenset({"involved_practitioner"})


def _case(w):
    if not hasattr(w, "supervision_case"):
        w.supervision_case = case(w)
    return w.supervision_case


def _family_with_decision(w) -> dict:
    _case(w)
    return {"family_id": w.family.pk}


def _worker(w) -> dict:
    return {"worker_id": w.users["involved_practitioner"].pk}


ROUTES = [
    Route("supervision:home", AGENCY_STAFF),
    Route("supervision:worker", WORKER_AND_MANAGER, _worker),
    Route("supervision:plan", MANAGER, _worker),
    # The forms' POST rows send nothing: the form comes back with errors to the worker's manager (issue 13).
    Route("supervision:plan", MANAGER, _worker, method="post"),
    Route("supervision:record", MANAGER, _worker),
    Route("supervision:record", MANAGER, _worker, method="post"),
    Route("supervision:cancel", MANAGER, _worker),
    Route("supervision:cancel", MANAGER, _worker, method="post"),
    # The record holds the worker's reflections: only the worker and their manager.
    Route("supervision:session", WORKER_AND_MANAGER, lambda w: {"session_id": _case(w).session_id}),
    Route("supervision:case_add", MANAGER, lambda w: {"session_id": _case(w).session_id}),
    Route("supervision:case_add", MANAGER, lambda w: {"session_id": _case(w).session_id}, method="post"),
    Route("supervision:acknowledge", WORKER, lambda w: {"session_id": _case(w).session_id}, method="post"),
    Route("supervision:decision_add", MANAGER, lambda w: {"case_id": _case(w).pk}),
    Route("supervision:decision_add", MANAGER, lambda w: {"case_id": _case(w).pk}, method="post"),
    Route("supervision:action_plan", WORKER_AND_MANAGER, lambda w: {"plan_id": _case(w).action_plan.pk}),
    Route("supervision:action_plan_withdraw", MANAGER, lambda w: {"plan_id": _case(w).action_plan.pk}),
    Route("supervision:action_plan_withdraw", MANAGER, lambda w: {"plan_id": _case(w).action_plan.pk},
          method="post"),
    # The decisions are on the family's record.
    Route("supervision:family_decisions", FAMILY, _family_with_decision),
    Route("supervision-session-list", AGENCY_STAFF, api=True, tokens=PEOPLE_ONLY),
    Route("supervision-session-detail", WORKER_AND_MANAGER, lambda w: {"pk": _case(w).session_id}, api=True,
          tokens=PEOPLE_ONLY),
    Route("supervision-decision-list", AGENCY_STAFF, api=True),
    Route("supervision-decision-detail", FAMILY, lambda w: {"pk": _case(w).decisions.get().pk}, api=True),
    Route("supervision-oversight-list", MANAGERS, api=True),
    Route("supervision-action-plan-detail", WORKER_AND_MANAGER, lambda w: {"pk": _case(w).action_plan.pk},
          api=True, tokens=PEOPLE_ONLY),
]

"""Oversight pages and endpoints in the access matrix (P-4, OVR-1). The visit discrepancy is the health
practitioner's (involved_practitioner), whose line manager is involved_manager. The case-file audit round is the
health manager's (involved_manager), open, of the world's family (helpers.audit_round)."""

from doorstep.testing.access import ADMINISTRATOR, AGENCY_STAFF, INVOLVED_MANAGER, MANAGERS, Route

from .helpers import audit_round, audited, discrepancy

WORKER = frozenset({"involved_practitioner"})
WORKER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})


def _discrepancy(world) -> dict:
    return {"discrepancy_id": discrepancy(world).pk}


def _round(world) -> dict:
    return {"round_id": audit_round(world).pk}


def _audited(world) -> dict:
    found = audited(world)
    return {"round_id": found.round_id, "audited_id": found.pk}


def _question(world) -> dict:
    found = audited(world)
    return {"round_id": found.round_id, "audited_id": found.pk,
            "question_id": found.round.questions.order_by("position").first().pk}


def _any_question(world) -> dict:
    from doorstep.oversight.models import AuditQuestion
    from doorstep.oversight.services import audit_questions_seed
    from doorstep.partnerships.services import partnership_default

    audit_questions_seed(partnership_default())
    return {"question_id": AuditQuestion.objects.order_by("position").first().pk}


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
    # OVR-1 case-file audits: managers (and designated auditors) plan rounds; they and administrators keep the
    # partnership's questions. An empty POST is the form back with its errors (a question's POST retires it, keeping
    # one at least).
    Route("oversight:audits", MANAGERS),
    Route("oversight:audit_plan", MANAGERS),
    Route("oversight:audit_plan", MANAGERS, method="post"),
    Route("oversight:audit_questions", MANAGERS | ADMINISTRATOR),
    Route("oversight:audit_questions", MANAGERS | ADMINISTRATOR, method="post"),
    Route("oversight:audit_question_state", MANAGERS | ADMINISTRATOR, _any_question, method="post"),
    # A round and its families are its auditor's only (the planner); an empty POST changes nothing.
    Route("oversight:audit_round", INVOLVED_MANAGER, _round),
    Route("oversight:audit_round", INVOLVED_MANAGER, _round, method="post"),
    Route("oversight:audit_report", INVOLVED_MANAGER, _round),
    Route("oversight:audit_report_csv", INVOLVED_MANAGER, _round),
    Route("oversight:audit_report_pdf", INVOLVED_MANAGER, _round),
    Route("oversight:audit_family", INVOLVED_MANAGER, _audited),
    Route("oversight:audit_answer", INVOLVED_MANAGER, _question),
    Route("oversight:audit_answer", INVOLVED_MANAGER, _question, method="post"),
    Route("oversight-audit-list", MANAGERS, api=True),
    Route("oversight-audit-detail", INVOLVED_MANAGER, lambda w: {"pk": audit_round(w).pk}, api=True),
    Route("oversight-audit-finding-list", MANAGERS, api=True),
]

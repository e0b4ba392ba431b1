"""Reads of the oversight capability (OVR-1), with the access rule inside (P-4):

- drift signals: a manager sees those of the families their agency is actively involved with;
- visit discrepancies: a manager sees those of their own workers (ORG-3: line manager), a worker their own;
- the Board chair and administrators never see a family (core.access.require_family_worker);
- case-file audit rounds (OVR-1): a round and its families' audit forms are its auditor's (who planned it); while it
  is open the auditor reads its families under the audit grant (`AUDIT_GRANT`, one entry of the access guard's
  read grants, core/access.py), which ends when the round closes.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.core.access import NOT_FOUND, families_visible_to, is_family_worker, require_family_worker
from doorstep.core.texts import Text
from doorstep.families.models import Family, Involvement

from .models import (
    AuditAnswer, AuditedFamily, AuditQuestion, AuditRound, DriftSignal, Grade, RoundState, VisitDiscrepancy,
)



def is_oversight_manager(user) -> bool:
    return is_family_worker(user) and user.is_manager


def require_manager(user) -> None:
    require_family_worker(user)
    if not user.is_manager:
        raise PermissionDenied(_("Only managers see drift signals."))


def families_with_signals_for(*, manager) -> QuerySet[Family]:
    """Families the manager's agency is actively involved with that show drift, each with its signals prefetched
    (one query for the families, one for the signals, whatever the page's size)."""
    require_manager(manager)
    involved = Involvement.objects.filter(agency_id=manager.agency_id, ended_on__isnull=True).values("family_id")
    return (Family.objects.filter(pk__in=involved, drift_signals__isnull=False).distinct()
            .prefetch_related("drift_signals").order_by("name", "id"))


def signals_for(*, manager) -> QuerySet[DriftSignal]:
    """The same signals one row each (for the API)."""
    require_manager(manager)
    involved = Involvement.objects.filter(agency_id=manager.agency_id, ended_on__isnull=True).values("family_id")
    return DriftSignal.objects.filter(family_id__in=involved).select_related("family").order_by("family__name", "kind")


def _discrepancy_condition(professional) -> Q:
    condition = Q(worker=professional)
    if professional.is_manager:
        condition |= Q(worker__line_manager=professional)
    return condition


def discrepancies_for(*, professional, managers_only: bool = False) -> QuerySet[VisitDiscrepancy]:
    """A worker's own visit discrepancies; a manager's also those of the workers they manage."""
    require_family_worker(professional)
    if managers_only and not professional.is_manager:
        raise PermissionDenied(_("Only managers list their workers' visit records."))
    return (VisitDiscrepancy.objects.filter(_discrepancy_condition(professional))
            .select_related("family", "worker", "contact", "visit").order_by("explanation", "-found_at", "-id"))


def discrepancy_get_for(*, professional, discrepancy_id: int) -> VisitDiscrepancy:
    """One discrepancy, for its worker or their manager; anyone else: the one 404 (nothing confirmed)."""
    require_family_worker(professional)
    found = discrepancies_for(professional=professional).filter(pk=discrepancy_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def family_oversight(*, family: Family, professional) -> dict:
    """A family's drift signals and visit discrepancies, for a case-file audit (issue 19): for someone who may read
    the family; discrepancies are a manager's (all of the family's) or a worker's own."""
    require_family_worker(professional)
    if not families_visible_to(professional=professional).filter(pk=family.pk).exists():
        raise Http404(NOT_FOUND)
    discrepancies = VisitDiscrepancy.objects.filter(family=family).select_related("worker", "contact")
    # OVR-1: a manager, and a case-file auditor (who audits them), see all of the family's visit records to check.
    if not (professional.is_manager or professional.is_case_file_auditor):
        discrepancies = discrepancies.filter(worker=professional)
    return {"signals": list(DriftSignal.objects.filter(family=family).order_by("kind")),
            "discrepancies": list(discrepancies.order_by("-found_at", "-id"))}


# --- Case-file audit rounds (OVR-1) ------------------------------------------------------------------------------

def may_audit(user) -> bool:
    """Managers and designated case-file auditors of an agency (never a partner system)."""
    return is_family_worker(user) and user.role != "system" and (user.is_manager or user.is_case_file_auditor)


def require_auditor(user) -> None:
    require_family_worker(user)
    if not may_audit(user):
        raise PermissionDenied(_("Only managers and designated case-file auditors plan case-file audits."))


def may_keep_audit_questions(user) -> bool:
    """The partnership's question set: managers, designated auditors and administrators (no family data)."""
    return may_audit(user) or bool(getattr(user, "is_authenticated", False) and user.is_administrator)


def require_audit_question_keeper(user) -> None:
    if not may_keep_audit_questions(user):
        raise PermissionDenied(_("Only managers, designated case-file auditors and administrators keep the audit "
                                 "questions."))


class AuditGrant:
    """OVR-1 (issue 19): a round's auditor reads the round's families while it is open, read-only, whether or not
    their agency is involved; the grant ends when the round closes. Each read under it is audited with this reason
    (core/access.py `family_get_for`)."""

    def _rounds(self, professional, family) -> QuerySet[AuditedFamily]:
        return AuditedFamily.objects.filter(family=family, round__planned_by=professional,
                                            round__state=RoundState.OPEN)

    def condition(self, professional):
        if not may_audit(professional):
            return None
        return Q(Exists(self._rounds(professional, OuterRef("pk"))))

    def audit_reason(self, *, professional, family):
        if not may_audit(professional):
            return None
        found = self._rounds(professional, family).select_related("round").order_by("-round__opened_at").first()
        if found is None:
            return None
        return Text(gettext_noop("Case-file audit grant: the round “%(title)s”, until it closes"),
                    {"title": found.round.title})


AUDIT_GRANT = AuditGrant()


def audit_rounds_for(*, professional) -> QuerySet[AuditRound]:
    """The rounds the professional planned (and audits), newest first, with their counts."""
    require_auditor(professional)
    return (AuditRound.objects.filter(planned_by=professional)
            .annotate(family_count=Count("families", distinct=True),
                      completed_count=Count("families", filter=Q(families__completed_at__isnull=False),
                                            distinct=True))
            .order_by("-created_at", "-id"))


def audit_round_get_for(*, professional, round_id: int) -> AuditRound:
    """One round, for its auditor; anyone else: the one 404."""
    require_auditor(professional)
    found = (AuditRound.objects.filter(pk=round_id, planned_by=professional)
             .select_related("agency", "planned_by", "worker").first())
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def audit_round_families(*, audit_round: AuditRound) -> list[AuditedFamily]:
    return list(audit_round.families.select_related("family", "family__overall_lead")
                .annotate(answered=Count("answers"),
                          findings=Count("answers", filter=Q(answers__grade__in=[Grade.REQUIRES_IMPROVEMENT,
                                                                                 Grade.INADEQUATE])))
                .order_by("position", "id"))


def audited_family_get_for(*, professional, round_id: int, audited_id: int) -> AuditedFamily:
    audit_round = audit_round_get_for(professional=professional, round_id=round_id)
    found = (AuditedFamily.objects.filter(pk=audited_id, round=audit_round).select_related("family").first())
    if found is None:
        raise Http404(NOT_FOUND)
    found.round = audit_round
    return found


def audit_round_questions(*, audit_round: AuditRound) -> list[AuditQuestion]:
    return list(audit_round.questions.order_by("position", "id"))


def audit_answers_of(*, audited: AuditedFamily) -> dict[int, AuditAnswer]:
    """The family's answers by question, with their evidence (a fixed number of queries)."""
    return {a.question_id: a for a in AuditAnswer.objects.filter(audited=audited)
            .select_related("escalation").prefetch_related("evidence")}


def evidence_choices(*, family: Family, limit: int = 60):
    """The family's latest chronology entries an auditor links as evidence (each links to its record): bounded."""
    from doorstep.chronology.models import ChronologyEntry

    return list(ChronologyEntry.objects.filter(family=family).order_by("-occurred_at", "-id")[:limit])


def audit_questions(*, partnership) -> QuerySet[AuditQuestion]:
    """One partnership's question set (issue 21)."""
    return AuditQuestion.objects.filter(partnership=partnership).order_by("-is_active", "position", "id")


def audit_question_get(*, professional, question_id: int) -> AuditQuestion:
    """A question of a partnership whose set the professional keeps (issue 21: another's is refused)."""
    from doorstep.partnerships.selectors import list_partnerships_for

    require_audit_question_keeper(professional)
    found = AuditQuestion.objects.filter(pk=question_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    if found.partnership_id not in {p.pk for p in list_partnerships_for(professional=professional)}:
        raise PermissionDenied(_("You keep the questions of your own partnership only."))
    return found


def audit_findings_for(*, professional) -> QuerySet[AuditAnswer]:
    """The findings of the professional's rounds (the API)."""
    require_auditor(professional)
    return (AuditAnswer.objects.filter(audited__round__planned_by=professional,
                                       grade__in=[Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE])
            .select_related("audited", "audited__family", "question", "escalation")
            .order_by("audited__round_id", "audited__position", "question__position"))


# --- The round's report: per question, per agency, the grades' distribution -------------------------------------

@dataclass(frozen=True)
class ReportRow:
    question: AuditQuestion
    agency: str  # the agency whose lead professional holds the family's case (its first involved agency)
    counts: tuple[int, ...]  # one per Grade, in Grade's order


def audit_round_report(*, audit_round: AuditRound) -> list[ReportRow]:
    """Counts in the database (one query for the grades, one for the families' agencies), whatever the round's
    size. A family's agency: the agency of its overall lead (else of its first involvement)."""
    questions = {q.pk: q for q in audit_round_questions(audit_round=audit_round)}
    agencies = {}
    for family_id, agency in (AuditedFamily.objects.filter(round=audit_round)
                              .values_list("family_id", "family__overall_lead__agency__name")):
        agencies[family_id] = agency or "–"
    grades = list(Grade.values)
    cells: dict[tuple[int, str], list[int]] = {}
    for question_id, family_id, grade, count in (
            AuditAnswer.objects.filter(audited__round=audit_round)
            .order_by().values_list("question_id", "audited__family_id", "grade").annotate(n=Count("id"))):
        key = (question_id, agencies.get(family_id, "–"))
        cells.setdefault(key, [0] * len(grades))[grades.index(grade)] += count
    rows = []
    for question_id, question in questions.items():
        for (qid, agency), counts in sorted(cells.items(), key=lambda item: item[0][1]):
            if qid == question_id:
                rows.append(ReportRow(question, agency, tuple(counts)))
    return rows

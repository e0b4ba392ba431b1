"""Writes of the oversight capability (OVR-1): computing a family's drift signals and visit discrepancies (the
nightly job, oversight/scheduled.py), the worker's explanation of a discrepancy, and case-file audit rounds (the
partnership's questions, planning a round and its sample, opening and closing it, the auditor's answers, whose
findings become tracked actions through the rules engine, rule OVR-1A)."""

import random
import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.texts import Names, Text, text_to_json, value_to_json
from doorstep.engagement.models import Contact
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.services import rule_settings_all
from doorstep.families.models import Family, Involvement
from doorstep.partnerships.selectors import list_partnership_for

from . import facts as oversight_facts
from . import rules as oversight_rules
from .models import (
    FINDING_GRADES, AuditAnswer, AuditedFamily, AuditQuestion, AuditRound, DriftSignal, Explanation, Grade,
    OversightCheck, RoundScope, RoundState, SampleMethod, VisitDiscrepancy,
)
from .rules import drift_signals, visit_discrepancies
from .selectors import require_audit_question_keeper, require_auditor


@transaction.atomic
def family_oversight_compute(*, family: Family, now: datetime) -> tuple[list[DriftSignal], list[VisitDiscrepancy]]:
    """Recompute one family's drift signals and visit discrepancies, in one transaction and a fixed number of
    queries (facts.py). Idempotent: a signal is one row per family and kind, a discrepancy one row per contact and
    kind; what no longer holds is removed, except a discrepancy the worker has explained (their explanation stays)."""
    # OVR-1, ESC-8 and ESC-10 as the family's partnership set them (issue 21), in one query.
    rules = rule_settings_all(family.partnership_id)
    enabled, params = rules["OVR-1"]
    esc_8 = rules["ESC-8"][1]
    esc_10_enabled, esc_10 = rules["ESC-10"]
    gathered = oversight_facts.oversight_facts(family=family, now=now, params=params)
    # An administrator may switch OVR-1 off on the Rule settings page: then nothing is shown (explanations stay).
    signals = drift_signals(gathered, params, not_seen_alone_days=esc_8["not_seen_alone_days"], esc_10_params=esc_10,
                            esc_10_enabled=esc_10_enabled) if enabled else []
    DriftSignal.objects.filter(family=family).exclude(kind__in=[s.kind for s in signals]).delete()
    rows = []
    for signal in signals:
        row, _created = DriftSignal.objects.update_or_create(
            family=family, kind=signal.kind,
            defaults={"reasons": [text_to_json(r) for r in signal.reasons], "computed_at": now})
        rows.append(row)

    contacts, sessions, first = oversight_facts.lone_working_facts(family=family, now=now, params=params)
    found = visit_discrepancies(contacts=contacts, sessions=sessions, first_sessions=first, params=params,
                                now=now) if enabled else []
    workers = {c.id: c.worker_id for c in contacts}
    keep = {(d.contact_id, d.kind) for d in found}
    # What no longer holds goes (unless explained): a contact compared again without it, or entered in error. A
    # contact that has aged out of the compared period keeps what was found until it is explained.
    compared = {c.id for c in contacts}
    stale = [pk for pk, contact_id, kind, in_error in VisitDiscrepancy.objects.filter(family=family, explanation="")
             .values_list("pk", "contact_id", "kind", "contact__entered_in_error")
             if in_error or (contact_id in compared and (contact_id, kind) not in keep)]
    VisitDiscrepancy.objects.filter(pk__in=stale).delete()
    existing = {(d.contact_id, d.kind): d for d in VisitDiscrepancy.objects.filter(family=family)}
    discrepancies = []
    for d in found:
        row = existing.get((d.contact_id, d.kind))
        evidence = [text_to_json(t) for t in d.evidence]
        if row is None:
            row = VisitDiscrepancy.objects.create(contact_id=d.contact_id, family=family, worker_id=workers[d.contact_id],
                                                  kind=d.kind, visit_id=d.visit_id, evidence=evidence, found_at=now)
        elif row.evidence != evidence or row.visit_id != d.visit_id:
            row.evidence, row.visit_id = evidence, d.visit_id
            row.save(update_fields=["evidence", "visit"])
        discrepancies.append(row)
    OversightCheck.objects.update_or_create(family=family, defaults={"computed_at": now})
    return rows, discrepancies


@transaction.atomic
def discrepancy_explain(*, discrepancy: VisitDiscrepancy, by, explanation: str, note: str = "") -> VisitDiscrepancy:
    """The worker explains a visit discrepancy (issue 19: "the worker can explain"). Audited; a new explanation
    replaces the earlier one, which the audit trail keeps."""
    if by.pk != discrepancy.worker_id:
        raise PermissionDenied(_("Only the worker who recorded the contact explains it."))
    errors = {}
    if explanation not in Explanation.values:
        errors["explanation"] = _("Select an explanation")
    note = note.strip()
    if explanation == Explanation.OTHER and not note:
        errors["note"] = _("Say what happened")
    if errors:
        raise ValidationError(errors)
    discrepancy = VisitDiscrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    discrepancy.explanation, discrepancy.explanation_note = explanation, note
    discrepancy.explained_at, discrepancy.explained_by = timezone.now(), by
    discrepancy.save(update_fields=["explanation", "explanation_note", "explained_at", "explained_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=discrepancy, family=discrepancy.family,
                 summary=Text(gettext_noop("Explained a visit discrepancy: %(explanation)s"),
                              {"explanation": Explanation(explanation).label}),
                 reason=note)
    return discrepancy




# --- Case-file audit rounds (OVR-1, 004 §4.1; issue 19) ------------------------------------------------------------

# The partnership's default questions (issue 19, from the seeds): message ids, in English and Welsh.
DEFAULT_QUESTIONS = (
    ("seen_alone", gettext_noop("Is the child seen, and seen alone, as the plan requires?")),  # P-1, ESC-8
    ("attempts", gettext_noop("Is every attempt to see the family recorded?")),  # ENG-1
    ("chronology", gettext_noop("Is the chronology current and accurate?")),  # CHR-1
    ("hostility", gettext_noop("Is hostility recorded, flagged and shared?")),  # ENG-3, FLG-1
    ("protocol", gettext_noop("Was the protocol followed at each trigger, and on time?")),  # ESC-1..12
    ("plan", gettext_noop("Is there a plan, and does someone own it?")),  # MTG-3
    ("supervision", gettext_noop("Was supervision recorded?")),  # SUP-1
    ("voice", gettext_noop("Are the family's voice and the child's recorded?")),  # 004 §4.2
    # 004 §4.1: "visits recorded that did not take place" (the visit records to check are shown beside the form).
    ("visits", gettext_noop("Did every visit recorded take place?")),
)


def audit_questions_seed(partnership) -> None:
    """The default questions, when a partnership is created or the first time its question set is needed
    (idempotent; issue 21: each partnership has its own set)."""
    if AuditQuestion.objects.filter(partnership=partnership).exists():
        return
    AuditQuestion.objects.bulk_create(
        AuditQuestion(partnership=partnership, key=key, wording=text_to_json(Text(msgid)), position=(i + 1) * 10)
        for i, (key, msgid) in enumerate(DEFAULT_QUESTIONS))


def _keeper_partnership(by, partnership):
    """Issue 21: the partnership whose questions `by` keeps (their own when None); PermissionDenied for another's."""
    require_audit_question_keeper(by)
    return list_partnership_for(professional=by, partnership_id=getattr(partnership, "pk", partnership))


@transaction.atomic
def audit_question_add(*, by, english: str, welsh: str = "", partnership=None) -> AuditQuestion:
    """A manager or administrator adds a question of their own to their partnership's set, in English and
    (optionally) Welsh. Another partnership's set is refused (issue 21)."""
    partnership = _keeper_partnership(by, partnership)
    audit_questions_seed(partnership)
    english, welsh = english.strip(), welsh.strip()
    if not english:
        raise ValidationError({"english": _("Enter the question in English")})
    last = (AuditQuestion.objects.filter(partnership=partnership).order_by("-position")
            .values_list("position", flat=True).first() or 0)
    question = AuditQuestion.objects.create(partnership=partnership, position=last + 10,
                                            wording=value_to_json(Names({"en": english, "cy": welsh or english})))
    audit_record(actor=by, action=AuditAction.CREATE, obj=question,
                 summary=Text(gettext_noop("Added a case-file audit question: %(question)s"),
                              {"question": question.wording_text}))
    return question


@transaction.atomic
def audit_question_set_active(*, by, question: AuditQuestion, active: bool) -> AuditQuestion:
    """Retire a question from new rounds (rounds already planned keep it), or ask it again; in the keeper's own
    partnership only (issue 21)."""
    _keeper_partnership(by, question.partnership_id)
    if not active and not AuditQuestion.objects.filter(partnership_id=question.partnership_id, is_active=True).exclude(
            pk=question.pk).exists():
        raise ValidationError(_("The question set must keep at least one question."))
    AuditQuestion.objects.filter(pk=question.pk).update(is_active=active)
    question.is_active = active
    audit_record(actor=by, action=AuditAction.UPDATE, obj=question,
                 summary=Text(gettext_noop("Asked a case-file audit question in new rounds: %(question)s") if active
                              else gettext_noop("Retired a case-file audit question: %(question)s"),
                              {"question": question.wording_text}))
    return question


def own_cases(professional) -> Q:
    """The families a professional leads, or (a practitioner) holds open actions on: never theirs to audit (issue
    19: "a practitioner cannot audit their own cases"). A manager's open actions are the protocol's escalations to
    "the manager" (ESC-2, ESC-10: oversight of the case, not casework), so they leave the family auditable."""
    leads = Involvement.objects.filter(family=OuterRef("pk"), lead_professional=professional, ended_on__isnull=True)
    condition = Q(overall_lead=professional) | Q(Exists(leads))
    if not professional.is_manager:
        actions = Escalation.objects.filter(family=OuterRef("pk"), owner=professional, state__in=ACTIVE_STATES)
        condition |= Q(Exists(actions))
    return condition


def families_auditable_by(*, professional, scope: str):
    """The families a round may sample: those the planner's agency is actively involved with (single agency), or
    every family an agency of the partnership is involved with (multi-agency, designated auditors only); never the
    planner's own cases."""
    involved = Involvement.objects.filter(ended_on__isnull=True)
    if scope == RoundScope.AGENCY:
        involved = involved.filter(agency_id=professional.agency_id)
    return Family.objects.filter(pk__in=involved.values("family_id")).exclude(own_cases(professional))


def audit_sample_pool(*, pool, method: str, worker, start: date, end: date):
    """The eligible families that match the round's criteria (before the random draw)."""
    if method == SampleMethod.DRIFT:
        drift = DriftSignal.objects.filter(family=OuterRef("pk"))
        discrepancies = VisitDiscrepancy.objects.filter(family=OuterRef("pk"))
        return pool.filter(Q(Exists(drift)) | Q(Exists(discrepancies)))
    if method == SampleMethod.CASELOAD:
        leads = Involvement.objects.filter(family=OuterRef("pk"), lead_professional=worker, ended_on__isnull=True)
        return pool.filter(Q(overall_lead=worker) | Q(Exists(leads)))
    if method == SampleMethod.CONTACTS:
        contacts = Contact.objects.filter(family=OuterRef("pk"), entered_in_error=False,
                                          occurred_at__date__gte=start, occurred_at__date__lte=end)
        return pool.filter(Exists(contacts))
    return pool


def audit_sample(*, ids, size: int, seed: int) -> list[int]:
    """The reproducible sample: the same seed over the same eligible families picks the same families."""
    ordered = sorted(ids)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


@transaction.atomic
def audit_round_plan(*, by, title: str, period_start: date | None, period_end: date | None, scope: str,
                     method: str, sample_size: int | None, seed: int | None = None, worker=None,
                     partnership=None) -> AuditRound:
    """Plan a case-file audit round (OVR-1): its sample drawn now, at random or by criteria, from the families the
    planner may audit, with the seed recorded; the partnership's active questions. Refused with a specific message:
    no families, a period that ends before it starts, a question set with no questions, the planner's own caseload.

    Issue 21: a round is one partnership's: the planner's own (partnerships/selectors.list_partnership_for: their
    agency's, or one they name that their agency works in). It asks that partnership's questions and samples only
    its families, so that every audited family is asked its own partnership's questions."""
    require_auditor(by)
    partnership = list_partnership_for(professional=by, partnership_id=getattr(partnership, "pk", partnership))
    audit_questions_seed(partnership)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Enter a title for the audit round")
    if period_start is None:
        errors["period_start"] = _("Enter the day the period starts")
    if period_end is None:
        errors["period_end"] = _("Enter the day the period ends")
    elif period_start is not None and period_end < period_start:
        errors["period_end"] = _("The period must end on or after the day it starts")
    if scope not in RoundScope.values:
        errors["scope"] = _("Select single agency or multi-agency")
    elif scope == RoundScope.PARTNERSHIP and not by.is_case_file_auditor:
        errors["scope"] = _("Only a designated case-file auditor of the partnership plans a multi-agency round")
    if method not in SampleMethod.values:
        errors["method"] = _("Select how the families are chosen")
    elif method == SampleMethod.CASELOAD:
        if worker is None:
            errors["worker"] = _("Select the worker whose caseload is audited")
        elif worker.pk == by.pk:
            errors["worker"] = _("You cannot audit your own caseload: ask another manager or auditor")
        elif scope == RoundScope.AGENCY and worker.agency_id != by.agency_id:
            errors["worker"] = _("Select a worker of your agency")
    if not sample_size or sample_size < 1:
        errors["sample_size"] = _("Enter a number of families of 1 or more")
    questions = list(AuditQuestion.objects.filter(partnership=partnership, is_active=True))
    if not questions:
        errors["__all__"] = _("The question set has no questions: add a question before planning a round")
    if errors:
        raise ValidationError(errors)
    seed = seed if seed is not None else secrets.randbelow(10 ** 9) + 1
    pool = audit_sample_pool(pool=families_auditable_by(professional=by, scope=scope).filter(partnership=partnership),
                             method=method, worker=worker, start=period_start, end=period_end)
    chosen = audit_sample(ids=pool.values_list("pk", flat=True), size=sample_size, seed=seed)
    if not chosen:
        raise ValidationError({"method": _("No family you may audit matches: choose another way to pick the families "
                                           "(your own cases are never in your sample)")})
    audit_round = AuditRound.objects.create(
        title=title, period_start=period_start, period_end=period_end, scope=scope, agency_id=by.agency_id,
        planned_by=by, method=method, sample_size=sample_size, seed=seed,
        worker=worker if method == SampleMethod.CASELOAD else None)
    audit_round.questions.set(questions)
    AuditedFamily.objects.bulk_create(AuditedFamily(round=audit_round, family_id=pk, position=i)
                                      for i, pk in enumerate(chosen))
    audit_record(actor=by, action=AuditAction.CREATE, obj=audit_round,
                 summary=Text(gettext_noop("Planned the case-file audit round “%(title)s” (seed %(seed)s)"),
                              {"title": title, "seed": seed}))
    audit_record_many(actor=by, action=AuditAction.CREATE, objects=list(Family.objects.filter(pk__in=chosen)),
                      summary=Text(gettext_noop("Chosen for the case-file audit round “%(title)s”"), {"title": title}))
    return audit_round


def _require_planner_of(audit_round: AuditRound, by) -> None:
    if audit_round.planned_by_id != by.pk:
        raise PermissionDenied(_("Only the round's auditor changes it."))


def _round_move(audit_round: AuditRound, *, by, from_state: str, to_state: str, stamp: str, refusal,
                summary: str) -> AuditRound:
    """One step of a round's life (planned -> open -> closed), by its auditor, stamped and audited."""
    _require_planner_of(audit_round, by)
    audit_round = AuditRound.objects.select_for_update().get(pk=audit_round.pk)
    if audit_round.state != from_state:
        raise ValidationError(refusal)
    audit_round.state = to_state
    setattr(audit_round, stamp, timezone.now())
    audit_round.save(update_fields=["state", stamp])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=audit_round,
                 summary=Text(summary, {"title": audit_round.title}))
    return audit_round


@transaction.atomic
def audit_round_open(*, audit_round: AuditRound, by) -> AuditRound:
    """Open the round: its auditor now reads its families under the audit grant (core/access.py)."""
    return _round_move(audit_round, by=by, from_state=RoundState.PLANNED, to_state=RoundState.OPEN,
                       stamp="opened_at", refusal=_("Only a planned round can be opened."),
                       summary=gettext_noop("Opened the case-file audit round “%(title)s”"))


@transaction.atomic
def audit_round_close(*, audit_round: AuditRound, by) -> AuditRound:
    """Close the round: the audit grant ends with it."""
    return _round_move(audit_round, by=by, from_state=RoundState.OPEN, to_state=RoundState.CLOSED,
                       stamp="closed_at", refusal=_("Only an open round can be closed."),
                       summary=gettext_noop("Closed the case-file audit round “%(title)s”"))


def _finding_owner(family: Family, agency_id: int | None):
    """The family's lead professional: the overall lead, else the lead of the auditor's agency, else any agency's."""
    if family.overall_lead_id:
        return family.overall_lead_id
    leads = (Involvement.objects.filter(family=family, ended_on__isnull=True, lead_professional__isnull=False)
             .order_by("id").values_list("agency_id", "lead_professional_id"))
    leads = list(leads)
    return next((lead for agency, lead in leads if agency == agency_id), leads[0][1] if leads else None)


@transaction.atomic
def audit_answer_record(*, audited: AuditedFamily, question: AuditQuestion, by, grade: str, note: str = "",
                        evidence_ids=()) -> AuditAnswer:
    """The auditor answers one question for one family: a grade, evidence (the family's chronology entries) and a
    note, audited. A finding (requires improvement, inadequate) becomes a tracked action of the family's lead
    professional through the rules engine (rule OVR-1A), raised once per answer."""
    from doorstep.agencies.models import Professional
    from doorstep.chronology.models import ChronologyEntry

    audit_round = audited.round
    _require_planner_of(audit_round, by)
    # Read under lock: a round closed meanwhile takes no more answers (its grant has ended).
    if AuditRound.objects.select_for_update().filter(pk=audit_round.pk).values_list("state", flat=True).first() \
            != RoundState.OPEN:
        raise ValidationError(_("The round is not open: answers are recorded while it is open."))
    if Family.objects.filter(pk=audited.family_id).filter(own_cases(by)).exists():
        raise PermissionDenied(_("You cannot audit a family you lead or hold actions on."))
    if not audit_round.questions.filter(pk=question.pk).exists():
        raise ValidationError(_("That question is not one of this round's."))
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = _("Select a grade")
    note = (note or "").strip()
    if grade in FINDING_GRADES and not note:
        errors["note"] = _("Say what must improve: it becomes the lead professional's action")
    ids = {int(i) for i in evidence_ids}
    entries = list(ChronologyEntry.objects.filter(family_id=audited.family_id, pk__in=ids))
    if len(entries) != len(ids):
        errors["evidence"] = _("Select only from the options shown")
    if errors:
        raise ValidationError(errors)
    family = audited.family
    answer, _created = AuditAnswer.objects.update_or_create(
        audited=audited, question=question,
        defaults={"grade": grade, "note": note, "answered_by": by, "answered_at": timezone.now()})
    answer.evidence.set(entries)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=answer, family=family,
                 summary=Text(gettext_noop("Case-file audit: %(question)s – %(grade)s"),
                              {"question": question.wording_text, "grade": Grade(grade).label}))
    if grade in FINDING_GRADES and answer.escalation_id is None:
        lead_id = _finding_owner(family, by.agency_id)
        if lead_id is None:
            raise ValidationError({"grade": _("The family has no lead professional to own the finding: ask the "
                                              "agencies involved to name one first")})
        lead = Professional.objects.filter(pk=lead_id).values("line_manager_id").first()
        applied = rule_apply(rule_id="OVR-1A", family=family, facts=oversight_rules.FindingFacts(
            answer_id=answer.pk, family_id=family.pk, round_title=audit_round.title, question=question.wording_text,
            grade=grade, note=note, lead_id=lead_id, manager_id=lead["line_manager_id"] if lead else None,
            auditor_id=by.pk, today=timezone.localdate(), nation=settings.DOORSTEP_NATION))
        answer.escalation = applied.escalation(oversight_rules.finding_key(answer.pk))
        if answer.escalation is not None:
            answer.save(update_fields=["escalation"])
    answered = AuditAnswer.objects.filter(audited=audited).count()
    complete = answered >= audit_round.questions.count()
    if complete != (audited.completed_at is not None):
        audited.completed_at = timezone.now() if complete else None
        audited.save(update_fields=["completed_at"])
    return answer

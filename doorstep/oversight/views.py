"""Pages of the oversight capability (OVR-1): drift signals for managers, visit records to check for the worker and
their manager, the worker's explanation, and case-file audit rounds (plan, open and close a round, audit each family
one question a page, the round's report as a page, CSV and PDF, and the partnership's questions). Thin: each calls
one selector or service; every page is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.access import NOT_FOUND, family_get_for
from doorstep.core.csv import csv_text
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text

from doorstep.partnerships.selectors import list_partnership_for, list_partnerships_for
from doorstep.partnerships.choice import partnership_param, partnership_url

from . import reports, selectors, services
from .forms import AuditAnswerForm, AuditPlanForm, AuditQuestionForm, ExplainForm
from .models import RoundState

PER_PAGE = 25


@require_safe  # reads only: POST refused (issue 13)
@login_required
def signals(request):
    page = Paginator(selectors.families_with_signals_for(manager=request.user), PER_PAGE).get_page(
        request.GET.get("page"))
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=list(page),
                      summary=Text(gettext_noop("Viewed the family's drift signals (OVR-1)")))
    return render(request, "oversight/signals.html", {"page": page})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def discrepancies(request):
    page = Paginator(selectors.discrepancies_for(professional=request.user), PER_PAGE).get_page(
        request.GET.get("page"))
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=list(page),
                      summary=Text(gettext_noop("Viewed visit records to check (OVR-1)")))
    return render(request, "oversight/discrepancies.html", {"page": page})


@login_required
def discrepancy(request, discrepancy_id: int):
    found = selectors.discrepancy_get_for(professional=request.user, discrepancy_id=discrepancy_id)
    may_explain = found.worker_id == request.user.pk
    if request.method == "POST" and not may_explain:
        raise PermissionDenied(_("Only the worker who recorded the contact explains it."))
    form = ExplainForm(form_data(request) if request.method == "POST" else None,
                       initial={"explanation": found.explanation, "note": found.explanation_note})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.discrepancy_explain(
                discrepancy=found, by=request.user, explanation=form.cleaned_data["explanation"],
                note=form.cleaned_data["note"])):
            messages.success(request, _("Your explanation has been saved. Your manager can read it."))
            return redirect("oversight:discrepancy", discrepancy_id=found.pk)
    if request.method != "POST":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=found, family=found.family,
                     summary=Text(gettext_noop("Viewed a visit record to check (OVR-1)")))
    return render(request, "oversight/discrepancy.html", {"d": found, "form": form, "may_explain": may_explain})


# --- Case-file audit rounds (OVR-1, 004 §4.1; issue 19) ------------------------------------------------------------

@require_safe
@login_required
def audits(request):
    selectors.require_auditor(request.user)
    page = Paginator(selectors.audit_rounds_for(professional=request.user), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "oversight/audits.html", {"page": page})


@login_required
def audit_plan(request):
    selectors.require_auditor(request.user)
    partnership = list_partnership_for(professional=request.user)  # issue 21: the planner's partnership's questions
    services.audit_questions_seed(partnership)
    form = AuditPlanForm(form_data(request), planner=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        planned = run_service(form, lambda: services.audit_round_plan(
            by=request.user, title=data["title"], period_start=data["period_start"], period_end=data["period_end"],
            scope=data["scope"], method=data["method"], sample_size=data["sample_size"], seed=data["seed"],
            worker=data["worker"], partnership=partnership))
        if planned:
            messages.success(request, _("The round is planned. Open it when you are ready to audit."))
            return redirect("oversight:audit_round", round_id=planned.pk)
    questions = selectors.audit_questions(partnership=partnership).filter(is_active=True)
    return render(request, "oversight/audit_plan.html", {"form": form, "questions": questions,
                                                         "partnership": partnership})


@login_required
def audit_round(request, round_id: int):
    found = selectors.audit_round_get_for(professional=request.user, round_id=round_id)
    if request.method == "POST":
        change = {"open": services.audit_round_open, "close": services.audit_round_close}.get(request.POST.get("to"))
        if change is None:
            messages.error(request, _("Choose to open or to close the round."))
        else:
            try:
                change(audit_round=found, by=request.user)
                messages.success(request, _("The round is open: you can read and audit its families until you close "
                                            "it.") if request.POST["to"] == "open" else
                                 _("The round is closed: its audit grant has ended."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("oversight:audit_round", round_id=found.pk)
    families = selectors.audit_round_families(audit_round=found)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=found,
                 summary=Text(gettext_noop("Viewed the case-file audit round “%(title)s”"), {"title": found.title}))
    return render(request, "oversight/audit_round.html", {
        "round": found, "families": families, "question_count": found.questions.count()})


def _audit_family(request, round_id: int, audited_id: int):
    """The round's family, read under the access guard (the audit grant while the round is open), audited."""
    audited = selectors.audited_family_get_for(professional=request.user, round_id=round_id, audited_id=audited_id)
    if audited.round.state != RoundState.OPEN:
        raise PermissionDenied(_("Open the round to audit its families; a closed round's answers stay in its "
                                 "report."))
    family = family_get_for(professional=request.user, family_id=audited.family_id, purpose="case-file audit")
    return audited, family


@require_safe
@login_required
def audit_family(request, round_id: int, audited_id: int):
    audited, family = _audit_family(request, round_id, audited_id)
    answers = selectors.audit_answers_of(audited=audited)
    questions = [(q, answers.get(q.pk)) for q in selectors.audit_round_questions(audit_round=audited.round)]
    return render(request, "oversight/audit_family.html", {
        "round": audited.round, "audited": audited, "family": family, "questions": questions,
        **selectors.family_oversight(family=family, professional=request.user)})


@login_required
def audit_answer(request, round_id: int, audited_id: int, question_id: int):
    audited, family = _audit_family(request, round_id, audited_id)
    question = next((q for q in selectors.audit_round_questions(audit_round=audited.round) if q.pk == question_id),
                    None)
    if question is None:
        raise Http404(NOT_FOUND)
    answer = selectors.audit_answers_of(audited=audited).get(question.pk)
    entries = selectors.evidence_choices(family=family)
    initial = {"grade": answer.grade, "note": answer.note,
               "evidence": [str(e.pk) for e in answer.evidence.all()]} if answer else {}
    form = AuditAnswerForm(form_data(request), entries=entries, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.audit_answer_record(
                audited=audited, question=question, by=request.user, grade=data["grade"], note=data["note"],
                evidence_ids=data["evidence"])):
            messages.success(request, _("Your answer has been saved."))
            return redirect("oversight:audit_family", round_id=round_id, audited_id=audited_id)
    return render(request, "oversight/audit_answer.html", {
        "round": audited.round, "audited": audited, "family": family, "question": question, "answer": answer,
        "form": form, **selectors.family_oversight(family=family, professional=request.user)})


def _report(request, round_id: int, action: str):
    found = selectors.audit_round_get_for(professional=request.user, round_id=round_id)
    audit_record(actor=request.user, action=action, obj=found,
                 summary=Text(gettext_noop("The report of the case-file audit round “%(title)s”"),
                              {"title": found.title}))
    return found, selectors.audit_round_report(audit_round=found)


@require_safe
@login_required
def audit_report(request, round_id: int):
    found, rows = _report(request, round_id, AuditAction.VIEW)
    return render(request, "oversight/audit_report.html", {"round": found, "chart": reports.report_chart(rows),
                                                           "rows": rows})


@require_safe
@login_required
def audit_report_csv(request, round_id: int):
    found, rows = _report(request, round_id, AuditAction.EXPORT)
    response = HttpResponse(csv_text(reports.report_csv_rows(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-file-audit-{found.pk}.csv"'
    return response


@require_safe
@login_required
def audit_report_pdf(request, round_id: int):
    found, rows = _report(request, round_id, AuditAction.EXPORT)
    response = HttpResponse(reports.report_pdf(found, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-file-audit-{found.pk}.pdf"'
    return response


@login_required
def audit_questions(request):
    """The case-file audit's questions of the keeper's own partnership, or of another they keep, named
    `?partnership=<id>` (issue 21: never another partnership's)."""
    selectors.require_audit_question_keeper(request.user)
    partnership = list_partnership_for(professional=request.user, partnership_id=partnership_param(request))
    services.audit_questions_seed(partnership)
    form = AuditQuestionForm(form_data(request) if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.audit_question_add(
                by=request.user, english=form.cleaned_data["english"], welsh=form.cleaned_data["welsh"],
                partnership=partnership)):
            messages.success(request, _("The question is added: new rounds ask it."))
            return redirect(partnership_url("oversight:audit_questions", partnership))
    return render(request, "oversight/audit_questions.html", {
        "form": form, "questions": list(selectors.audit_questions(partnership=partnership)),
        "auditor": selectors.may_audit(request.user), "partnership": partnership,
        "others": [p for p in list_partnerships_for(professional=request.user) if p.pk != partnership.pk]})


@require_POST
@login_required
def audit_question_state(request, question_id: int):
    selectors.require_audit_question_keeper(request.user)
    question = selectors.audit_question_get(professional=request.user, question_id=question_id)
    try:
        services.audit_question_set_active(by=request.user, question=question,
                                           active=request.POST.get("active") == "yes")
        messages.success(request, _("The question set is saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(partnership_url("oversight:audit_questions", question.partnership))

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.models import Family
from doorstep.core.access import family_may_write, family_require_write
from doorstep.recording.wording import wording_check_asked, wording_findings

from . import selectors, services
from .forms import AcknowledgeForm, CancelForm, CaseForm, DecisionForm, PlanForm, RecordForm, WithdrawForm
from .models import SessionState, SupervisionSession


def _supervision_user(request):
    if not selectors.can_use_supervision(request.user):
        raise PermissionDenied(_("Supervision is for practitioners and managers of an agency."))


def _managed_worker(request, worker_id: int):
    """The worker, if the signed-in person is their line manager (ORG-3)."""
    worker = selectors.worker_get_for(professional=request.user, worker_id=worker_id)
    if not selectors.is_manager_of(request.user, worker):
        raise PermissionDenied(_("Only the worker's line manager records their supervision."))
    return worker


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def home(request):
    """Supervision: the manager's oversight of their staff (SUP-4, OVR-3), and everyone's own supervision."""
    _supervision_user(request)
    context = {"mine": selectors.my_supervisions(professional=request.user),
               "plans": list(request.user.supervision_action_plans.filter(withdrawn_at__isnull=True)
                             .select_related("family", "agreed_by").order_by("-agreed_at")[:20])}
    if request.user.is_manager:
        context["oversight"] = selectors.staff_oversight(manager=request.user)
    return render(request, "supervision/home.html", context)


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def worker(request, worker_id: int):
    _supervision_user(request)
    person = selectors.worker_get_for(professional=request.user, worker_id=worker_id)
    page = Paginator(selectors.sessions_of(worker=person), 25).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person,
                 summary=Text(gettext_noop("Supervision history")))
    return render(request, "supervision/worker.html", {
        "person": person, "page": page, "is_manager": selectors.is_manager_of(request.user, person)})


@login_required
def plan(request, worker_id: int):
    _supervision_user(request)
    person = _managed_worker(request, worker_id)
    form = PlanForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.supervision_plan(by=request.user, worker=person, **form.cleaned_data)):
            messages.success(request, _("Supervision planned"))
            return redirect("supervision:worker", worker_id=person.pk)
    return render(request, "supervision/simple_form.html", {
        "form": form, "person": person, "title": _("Plan a supervision with %(name)s") % {"name": person},
        "button": _("Save")})


def _planned_session(request, person) -> SupervisionSession | None:
    value = request.GET.get("session")
    if not value:
        return None
    if not value.isdigit():
        raise Http404("Bad parameter")
    session = SupervisionSession.objects.filter(pk=int(value), supervisee=person, state=SessionState.PLANNED).first()
    if session is None:
        raise Http404("No planned supervision")
    return session


@login_required
def record(request, worker_id: int):
    _supervision_user(request)
    person = _managed_worker(request, worker_id)
    planned = _planned_session(request, person)
    form = RecordForm(form_data(request), initial={"held_on": planned.planned_for} if planned else None)
    if request.method == "POST" and form.is_valid():
        session = run_service(form, lambda: services.supervision_record(by=request.user, worker=person,
                                                                        session=planned, **form.cleaned_data))
        if session:
            messages.success(request, _("Supervision recorded. Now add each case discussed."))
            return redirect("supervision:session", session_id=session.pk)
    return render(request, "supervision/record.html", {"form": form, "person": person, "planned": planned})


@login_required
def cancel(request, worker_id: int):
    _supervision_user(request)
    person = _managed_worker(request, worker_id)
    planned = _planned_session(request, person)
    form = CancelForm(form_data(request), planned=planned is not None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.supervision_cancel(by=request.user, worker=person, session=planned,
                                                                 **form.cleaned_data)):
            messages.success(request, _("Cancelled supervision recorded"))
            return redirect("supervision:worker", worker_id=person.pk)
    title = (_("Cancel the supervision planned for %(date)s") % {"date": date_format(planned.planned_for)}
             if planned else _("Record a cancelled supervision with %(name)s") % {"name": person})
    return render(request, "supervision/simple_form.html", {
        "form": form, "person": person, "title": title, "button": _("Save"),
        "hint": _("Supervisions should not be cancelled: each cancellation is counted in the oversight of "
                  "supervision.")})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def session(request, session_id: int):
    _supervision_user(request)
    record = selectors.session_get_for(professional=request.user, session_id=session_id)
    return render(request, "supervision/session.html", {
        "record": record, "cases": record.case_list,
        "is_manager": request.user.pk in (record.supervisor_id, record.supervisee.line_manager_id),
        "is_worker": request.user.pk == record.supervisee_id, "acknowledge_form": AcknowledgeForm(),
    })


def _family_from_form(request, form, person) -> Family | None:
    family_id = form.cleaned_data.get("family")
    if not family_id:
        reference = form.cleaned_data["reference"].strip().upper()
        family_id = Family.objects.filter(reference__iexact=reference).values_list("pk", flat=True).first()
        # The worker's agency works with the family: involved, not on emergency access alone (issue 13).
        if family_id is None or not family_may_write(professional=person, family_id=family_id):
            form.add_error("reference", _("No family with that reference that the worker's agency works with"))
            return None
    return family_get_for(professional=request.user, family_id=family_id, purpose="supervision case discussion",
                          write=True)


@login_required
def case_add(request, session_id: int):
    _supervision_user(request)
    record = selectors.session_get_for(professional=request.user, session_id=session_id)
    if request.user.pk not in (record.supervisor_id, record.supervisee.line_manager_id):
        raise PermissionDenied(_("Only the worker's manager records the cases discussed."))
    if record.state != SessionState.HELD:
        raise Http404("Not a supervision that was held")
    families = [i.family for i in selectors.families_to_discuss(worker=record.supervisee)]
    form = CaseForm(form_data(request), families=families)
    if request.method == "POST" and form.is_valid():
        family = _family_from_form(request, form, record.supervisee)
        if family is not None:
            case = run_service(form, lambda: services.case_discussion_add(
                session=record, by=request.user, family=family, **form.service_kwargs()))
            if case:
                messages.success(request, _("Case discussion recorded; the decision is on the family's chronology"))
                return redirect("supervision:session", session_id=record.pk)
    return render(request, "supervision/case_form.html", {"form": form, "record": record})


@login_required
def decision_add(request, case_id: int):
    _supervision_user(request)
    case = selectors.case_get_for(professional=request.user, case_id=case_id)
    if request.user.pk not in (case.session.supervisor_id, case.session.supervisee.line_manager_id):
        raise PermissionDenied(_("Only the worker's manager records supervision decisions."))
    # The decision reaches the family's chronology: refused before the form on emergency access alone (issue 13).
    family_require_write(professional=request.user, family=case.family, purpose="record a supervision decision")
    form = DecisionForm(form_data(request))
    checking = wording_check_asked(request)  # RIG-2: "Check wording" shows the form again, saves nothing
    if request.method == "POST" and not checking and form.is_valid():
        if run_service(form, lambda: services.supervision_decision_add(case=case, by=request.user,
                                                                       **form.cleaned_data)):
            messages.success(request, _("Decision recorded; it is on the family's chronology"))
            return redirect("supervision:session", session_id=case.session_id)
    return render(request, "supervision/simple_form.html", {
        "form": form, "person": case.session.supervisee, "session_id": case.session_id,
        "title": _("Add a decision about %(family)s") % {"family": case.family.name}, "button": _("Save decision"),
        "wording": wording_findings(form, checking=checking, family=case.family), "check_wording": True})


@require_POST
@login_required
def acknowledge(request, session_id: int):
    _supervision_user(request)
    record = selectors.session_get_for(professional=request.user, session_id=session_id)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_acknowledge(session=record, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you: you have confirmed you have read the record"))
    return redirect("supervision:session", session_id=record.pk)


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def action_plan(request, plan_id: int):
    _supervision_user(request)
    found = selectors.action_plan_get_for(professional=request.user, plan_id=plan_id)
    return render(request, "supervision/action_plan.html", {
        "plan": found, "withdraw_form": WithdrawForm(),
        "is_manager": request.user.pk in (found.agreed_by_id, found.worker.line_manager_id)})


@login_required
def action_plan_withdraw(request, plan_id: int):
    _supervision_user(request)
    found = selectors.action_plan_get_for(professional=request.user, plan_id=plan_id)
    if request.user.pk not in (found.agreed_by_id, found.worker.line_manager_id):
        raise PermissionDenied(_("Only the worker's manager can withdraw the action plan."))
    form = WithdrawForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.action_plan_withdraw(plan=found, by=request.user,
                                                                   reason=form.cleaned_data["reason"])):
            messages.success(request, _("Action plan withdrawn"))
            return redirect("supervision:action_plan", plan_id=found.pk)
    return render(request, "supervision/simple_form.html", {
        "form": form, "person": found.worker, "title": _("Withdraw the action plan"), "button": _("Withdraw")})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def family_decisions(request, family_id: int):
    """Supervision decisions about a family, for every agency involved (CHR-1); the notes behind them stay private."""
    require_family_worker(request.user)
    family, decisions = selectors.decisions_for_family(professional=request.user, family_id=family_id)
    page = Paginator(decisions, 25).get_page(request.GET.get("page"))
    return render(request, "supervision/family_decisions.html", {"family": family, "page": page})

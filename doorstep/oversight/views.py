"""Pages of the oversight capability (OVR-1): drift signals for managers, visit records to check for the worker and
their manager, and the worker's explanation. Thin: each calls one selector or service; every page is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text

from . import selectors, services
from .forms import ExplainForm

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

"""Pages of the recording capability: the recording check's list for administrators (RIG-2), and requests to correct
a record (UK GDPR Article 16). Thin: each calls one selector or service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.families.models import Person

from doorstep.partnerships.choice import partnership_param, partnership_url
from doorstep.partnerships.selectors import list_partnership_for, list_partnerships_for

from . import selectors, services
from .forms import CorrectionDecideForm, CorrectionRequestForm, TermEditForm, TermForm
from .models import RecordKind


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators change the recording check's list."))


@login_required
def terms(request):
    """RIG-2: the partnership's list of judgemental terms, with their prompts; add one."""
    _require_administrator(request.user)
    # Issue 21: the administrator's own partnership's list, or another they manage named in the address.
    partnership = list_partnership_for(professional=request.user, partnership_id=partnership_param(request))
    form = TermForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.recording_term_add(by=request.user, partnership=partnership,
                                                                 **form.cleaned_data)):
            messages.success(request, _("Added to the recording check's list"))
            return redirect(partnership_url("recording:terms", partnership))
    rows, defaults = selectors.terms_for_administrator(partnership=partnership)
    return render(request, "recording/terms.html", {
        "form": form, "rows": rows, "defaults": defaults, "partnership": partnership,
        "others": [p for p in list_partnerships_for(professional=request.user) if p.pk != partnership.pk]})


@login_required
def term(request, term_id: int):
    row = selectors.term_get_for(professional=request.user, term_id=term_id)
    form = TermEditForm(form_data(request), initial={"term": row.term, "language": row.language,
                                                     "suggestion": row.suggestion, "active": row.active})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.recording_term_update(by=request.user, term_id=row.pk,
                                                                    **form.cleaned_data)):
            messages.success(request, _("The recording check's list is saved"))
            return redirect(partnership_url("recording:terms", row.partnership))
    return render(request, "recording/term.html", {"form": form, "row": row})


@login_required
def correction_new(request, kind: str, record_id: int):
    """Log a person's request to correct a record (Article 16): any worker of an involved agency."""
    record = selectors.record_get_for(professional=request.user, kind=kind, record_id=record_id, write=True)
    family = record.family
    people = list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))
    form = CorrectionRequestForm(form_data(request), people=people)
    if request.method == "POST" and form.is_valid():
        logged = run_service(form, lambda: services.correction_request_log(
            record=record, by=request.user, **form.service_kwargs()))
        if logged:
            messages.success(request, _("Request logged. The record's agency has been asked to decide."))
            return redirect("recording:correction", request_id=logged.pk)
    return render(request, "recording/correction_new.html", {
        "form": form, "family": family, "record": record, "kind_label": RecordKind(kind).label,
        "agency": selectors.record_agency(record),
        "record_text": services.record_text(record) if selectors.record_text_visible(
            record=record, professional=request.user) else ""})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def correction(request, request_id: int):
    found = selectors.correction_get_for(professional=request.user, request_id=request_id)
    return render(request, "recording/correction.html", {
        "c": found, "family": found.family, "record_url": selectors.record_url(found),
        "may_decide": found.awaiting and selectors.may_decide(request=found, professional=request.user),
        "show_text": selectors.correction_text_visible(request=found, professional=request.user)})


@login_required
def correction_decide(request, request_id: int):
    found = selectors.correction_get_for(professional=request.user, request_id=request_id,
                                         purpose="decide a request to correct a record", write=True)
    if not selectors.may_decide(request=found, professional=request.user):
        raise PermissionDenied(_("Only whoever recorded it, or a manager of the record's agency, decides."))
    if not found.awaiting:
        messages.warning(request, _("This request has already been decided."))
        return redirect("recording:correction", request_id=found.pk)
    record = selectors.correction_record(found)
    current = services.record_text(record)
    form = CorrectionDecideForm(form_data(request), initial={"corrected_text": current},
                                text_required=not found.person_details_id)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.correction_decide(request=found, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Decision recorded"))
            return redirect("recording:correction", request_id=found.pk)
    return render(request, "recording/correction_decide.html", {
        "form": form, "c": found, "family": found.family, "current": current,
        "record_url": selectors.record_url(found)})

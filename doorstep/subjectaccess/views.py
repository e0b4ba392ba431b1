"""Pages of the subject access request (RIG-1): the list, recording a request, the request's task list, the
extension, the redaction review of each record, the consulted agency's answer, approval, release and the bundle.
Thin: each validates input and calls one selector or service; the access rule is in the selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service

from . import selectors, services
from .bundle import item_lines
from .forms import ConsultationForm, ExtendForm, RedactionAddForm, RedactionDecideForm, RequestForm, ReturnForm
from .models import Redaction, RequestState


def _require_sees(user) -> None:
    require_family_worker(user)
    if not selectors.sees_requests(user):
        raise PermissionDenied(_("Only disclosure officers and managers see subject access requests."))


@require_safe
@login_required
def request_list(request):
    _require_sees(request.user)
    return render(request, "subjectaccess/list.html", {
        "requests": list(selectors.requests_for(professional=request.user)[:200]),
        "consultations": list(selectors.consultations_for(professional=request.user)[:200]),
        "is_officer": request.user.is_disclosure_officer,
    })


@login_required
def request_new(request, family_id: int):
    require_family_worker(request.user)
    if not services.is_officer_for(request.user, request.user.agency_id):
        raise PermissionDenied(services.NOT_AN_OFFICER)
    family = family_get_for(professional=request.user, family_id=family_id, purpose="subject access request",
                            write=True)
    form = RequestForm(form_data(request), family=family)
    if request.method == "POST" and form.is_valid():
        created = run_service(form, lambda: services.request_record(family=family, by=request.user,
                                                                    **form.cleaned_data))
        if created:
            messages.success(request, _("Request %(reference)s recorded: answer it by %(date)s.") % {
                "reference": created.reference, "date": created.due_on})
            return redirect("subjectaccess:detail", request_id=created.pk)
    return render(request, "subjectaccess/new.html", {"form": form, "family": family})


@require_safe
@login_required
def request_detail(request, request_id: int):
    found = selectors.request_get_for(professional=request.user, request_id=request_id)
    items = selectors.request_items(request=found)
    return render(request, "subjectaccess/detail.html", {
        "sar": found, "items": items, **selectors.request_progress(request=found),
        "is_officer": services.is_officer_for(request.user, found.agency_id),
        "may_approve": services.may_approve(request.user, found), "return_form": ReturnForm(),
        "States": RequestState,
    })


def _act(request, request_id: int, call, done: str):
    found = selectors.request_get_for(professional=request.user, request_id=request_id)
    try:
        call(found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("subjectaccess:detail", request_id=found.pk)


@require_POST
@login_required
def request_gather(request, request_id: int):
    return _act(request, request_id, lambda r: services.request_gather(request=r, by=request.user),
                _("The records have been gathered. Review each one."))


@require_POST
@login_required
def request_submit(request, request_id: int):
    return _act(request, request_id, lambda r: services.request_submit(request=r, by=request.user),
                _("The bundle has been sent to your manager for approval."))


@require_POST
@login_required
def request_approve(request, request_id: int):
    return _act(request, request_id, lambda r: services.request_approve(request=r, by=request.user),
                _("The bundle is approved for release."))


@require_POST
@login_required
def request_return(request, request_id: int):
    reason = request.POST.get("reason", "")
    return _act(request, request_id, lambda r: services.request_return(request=r, by=request.user, reason=reason),
                _("The bundle has been sent back to the disclosure officer."))


@require_POST
@login_required
def request_release(request, request_id: int):
    return _act(request, request_id, lambda r: services.request_release(request=r, by=request.user),
                _("The release has been recorded. Send the bundle to the requester."))


@login_required
def request_extend(request, request_id: int):
    found = selectors.request_get_for(professional=request.user, request_id=request_id)
    if not services.is_officer_for(request.user, found.agency_id):
        raise PermissionDenied(services.NOT_AN_OFFICER)
    form = ExtendForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.request_extend(request=found, by=request.user,
                                                             **form.cleaned_data)):
            messages.success(request, _("The deadline is now %(date)s. Send the requester the letter below.") % {
                "date": found.due_on})
            return redirect("subjectaccess:detail", request_id=found.pk)
    return render(request, "subjectaccess/extend.html", {"sar": found, "form": form})


@login_required
def item_review(request, request_id: int, item_id: int):
    item = selectors.item_get_for(professional=request.user, request_id=request_id, item_id=item_id)
    found = item.request
    is_officer = services.is_officer_for(request.user, found.agency_id)
    if request.method == "POST" and not is_officer:
        raise PermissionDenied(services.NOT_AN_OFFICER)
    form = RedactionAddForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.redaction_add(item=item, by=request.user, **form.cleaned_data)):
            messages.success(request, _("The words are withheld."))
            return redirect("subjectaccess:item", request_id=found.pk, item_id=item.pk)
    return render(request, "subjectaccess/item.html", {
        "sar": found, "item": item, "lines": item_lines(item), "form": form, "is_officer": is_officer,
        "reviewing": found.state == RequestState.GATHERED,
        "decide_form": RedactionDecideForm(),
    })


@require_POST
@login_required
def redaction_decide(request, request_id: int, redaction_id: int):
    found = selectors.request_get_for(professional=request.user, request_id=request_id)
    if not services.is_officer_for(request.user, found.agency_id):
        raise PermissionDenied(services.NOT_AN_OFFICER)
    redaction = get_object_or_404(Redaction.objects.select_related("item"), pk=redaction_id, item__request=found)
    form = RedactionDecideForm(request.POST)
    if form.is_valid():
        try:
            services.redaction_decide(redaction=redaction, by=request.user,
                                      withhold=form.cleaned_data["decision"] == "withhold",
                                      ground=form.cleaned_data["ground"],
                                      other_reason=form.cleaned_data["other_reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose whether to withhold or release the words"))
    return redirect("subjectaccess:item", request_id=found.pk, item_id=redaction.item_id)


@require_safe
@login_required
def bundle(request, request_id: int):
    found = selectors.request_get_for(professional=request.user, request_id=request_id)
    try:
        content = services.bundle_download(request=found, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("subjectaccess:detail", request_id=found.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.pdf"'
    return response


@login_required
def consultation(request, request_id: int):
    found = selectors.consultation_get_for(professional=request.user, request_id=request_id)
    form = ConsultationForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.consultation_answer(
                consultation=found, by=request.user, objection=form.cleaned_data["answer"] == "objection",
                response=form.cleaned_data["response"])):
            messages.success(request, _("Your answer has been sent to the disclosure officer."))
            return redirect("subjectaccess:consultation", request_id=found.request_id)
    items = selectors.request_items(request=found.request, agency_id=found.agency_id)
    return render(request, "subjectaccess/consultation.html", {
        "consultation": found, "sar": found.request, "form": form,
        "items": [(i, item_lines(i)) for i in items],
    })

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.selectors import family_case_file

from . import selectors, services
from .document import agreement_document
from .forms import AgreementForm, BreachForm, RespondForm, ReviewForm
from .models import AgreementBreach, SignedCopy, VersionState


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise Http404("Bad parameter")
    return int(value)


def _literacy_notes(version_or_people) -> list:
    """FAM-4 (001 §5.1.9.19): who needs the agreement read or explained to them, shown to the professional."""
    return [p for p in version_or_people if p.literacy != "reads" or p.interpreter_needed]


@login_required
def create(request, family_id: int):
    require_family_worker(request.user)
    family = family_get_for(professional=request.user, write=True, family_id=family_id,
                            purpose="draft a written agreement")
    existing = selectors.agreement_open_for_family(family=family)
    if existing is not None:
        messages.info(request, _("This family already has a written agreement. Revise it to change it."))
        return redirect("agreements:detail", agreement_id=existing.pk)
    case = family_case_file(family=family)
    parents = [p for p in case["adults"] if p.role in ("parent", "carer") and not p.lives_elsewhere]
    initial = {
        "language": services.family_default_language(family=family),
        "people": [p.pk for p in parents],
        "commitments": ["respect", "honest", "notice", "language", "explain", "complain"],
        "consequences": ["meeting", "conference", "legal"],
    }
    form = AgreementForm(form_data(request), family=family, user=request.user, initial=initial)
    form.fields["professionals"].initial = list(form.professionals_by_pk)
    if request.method == "POST" and form.is_valid():
        version = run_service(form, lambda: services.agreement_draft(family=family, by=request.user,
                                                                     **form.service_kwargs()))
        if version:
            messages.success(request, _("Draft saved. Check it, then give it to the family."))
            return redirect("agreements:version", version_id=version.pk)
    return render(request, "agreements/form.html", {
        "form": form, "family": family, "title": _("Draft a written agreement"),
        "literacy": _literacy_notes(case["adults"])})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def detail(request, agreement_id: int):
    require_family_worker(request.user)
    agreement = selectors.agreement_get_for(professional=request.user, agreement_id=agreement_id)
    context = selectors.agreement_detail(agreement=agreement)
    context.update(agreement=agreement, family=agreement.family)
    return render(request, "agreements/detail.html", context)


@require_POST
@login_required
def revise(request, agreement_id: int):
    require_family_worker(request.user)
    agreement = selectors.agreement_get_for(professional=request.user, write=True, agreement_id=agreement_id)
    try:
        version = services.agreement_revise(agreement=agreement, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("agreements:detail", agreement_id=agreement.pk)
    messages.success(request, _("Version %(n)s started as a draft. Change it, then give it to the family.") % {
        "n": version.number})
    return redirect("agreements:version_edit", version_id=version.pk)


@login_required
def review(request, agreement_id: int):
    require_family_worker(request.user)
    agreement = selectors.agreement_get_for(professional=request.user, write=True, agreement_id=agreement_id)
    form = ReviewForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.agreement_review_record(agreement=agreement, by=request.user,
                                                                          **form.cleaned_data))
        if done:
            messages.success(request, _("Review recorded"))
            return redirect("agreements:detail", agreement_id=agreement.pk)
    return render(request, "agreements/simple_form.html", {
        "form": form, "family": agreement.family, "agreement": agreement,
        "title": _("Record the review of the written agreement"), "button": _("Save review")})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def version(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, version_id=version_id)
    people = list(version.people.all())
    return render(request, "agreements/version.html", {
        "version": version, "agreement": version.agreement, "family": version.agreement.family,
        "document": agreement_document(version), "literacy": _literacy_notes(people),
        "signed_copy": SignedCopy.objects.filter(version=version).defer("data").first()
        if version.state == VersionState.SIGNED else None,
    })


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def version_pdf(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, version_id=version_id, purpose="agreement PDF")
    from .pdf import agreement_pdf

    content = agreement_pdf(agreement_document(version))
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=version, family=version.agreement.family,
                 summary=Text(gettext_noop("Downloaded written agreement version %(n)s as PDF")) % {"n": version.number})
    name = "cytundeb-ysgrifenedig" if version.language == "cy" else "written-agreement"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{version.agreement.family.reference}-v{version.number}.pdf"')
    return response


@login_required
def version_edit(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, write=True, version_id=version_id)
    family = version.agreement.family
    if not version.is_draft:
        messages.info(request, _("This version has been given to the family and cannot be changed. Revise the "
                                 "agreement instead."))
        return redirect("agreements:version", version_id=version.pk)
    form = AgreementForm(form_data(request), family=family, user=request.user,
                         initial=AgreementForm.initial_from_version(version))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.agreement_version_update(version=version, by=request.user,
                                                                       **form.service_kwargs())):
            messages.success(request, _("Draft saved"))
            return redirect("agreements:version", version_id=version.pk)
    return render(request, "agreements/form.html", {
        "form": form, "family": family, "version": version,
        "title": _("Change the draft written agreement (version %(n)s)") % {"n": version.number},
        "literacy": _literacy_notes(family_case_file(family=family)["adults"])})


@require_POST
@login_required
def version_issue(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, write=True, version_id=version_id)
    try:
        services.agreement_version_issue(version=version, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Version %(n)s is now the agreement in force. Print it or download the PDF for "
                                    "the family to sign, then record their answer.") % {"n": version.number})
    return redirect("agreements:version", version_id=version.pk)


@login_required
def version_respond(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, write=True, version_id=version_id)
    if version.state != VersionState.ISSUED:
        messages.info(request, _("This version is not waiting for the family's answer."))
        return redirect("agreements:version", version_id=version.pk)
    form = RespondForm(form_data(request), request.FILES or None, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(form, lambda: services.agreement_version_respond(
            version=version, by=request.user, signed=data["signed"], on=data["on"],
            people=[form.people_by_pk[pk] for pk in data["people"]], note=data["note"],
            signed_copy=data["signed_copy"]))
        if done:
            messages.success(request, _("The family's answer is recorded"))
            return redirect("agreements:detail", agreement_id=version.agreement_id)
    return render(request, "agreements/respond.html", {
        "form": form, "version": version, "family": version.agreement.family, "agreement": version.agreement})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def signed_copy(request, version_id: int):
    require_family_worker(request.user)
    version = selectors.version_get_for(professional=request.user, version_id=version_id, purpose="signed copy")
    copy = SignedCopy.objects.filter(version=version).first()
    if copy is None:
        raise Http404("No signed copy")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=version, family=version.agreement.family,
                 summary=Text(gettext_noop("Downloaded the signed copy of written agreement version %(n)s")) % {
                     "n": version.number})
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[copy.content_type]
    response = HttpResponse(bytes(copy.data), content_type=copy.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="signed-{version.agreement.family.reference}-v{version.number}.{extension}"')
    return response


@login_required
def breach_create(request):
    """AGR-2: record a breach from a contact (?contact=), an incident (?incident=) or the agreement (?agreement=)."""
    require_family_worker(request.user)
    agreement_id = _int_param(request, "agreement")
    contact = incident = None
    if agreement_id is not None:
        agreement = selectors.agreement_get_for(professional=request.user, write=True, agreement_id=agreement_id,
                                                purpose="record a breach")
        family = agreement.family
        if not agreement.is_open:
            agreement = None
    else:
        family, contact, incident = selectors.breach_source_for(
            professional=request.user, contact_id=_int_param(request, "contact"),
            incident_id=_int_param(request, "incident"))
        agreement = selectors.agreement_open_for_family(family=family)
    in_force = services.agreement_in_force(agreement) if agreement else None
    if in_force is None:
        return render(request, "agreements/no_agreement.html", {"family": family, "agreement": agreement})
    source = contact or incident
    form = BreachForm(form_data(request), terms=selectors.breachable_terms(version=in_force),
                      needs_time=source is None)
    if request.method == "POST" and form.is_valid():
        breach = run_service(form, lambda: services.agreement_breach_record(
            agreement=agreement, by=request.user, term=form.terms_by_pk[form.cleaned_data["term"]],
            description=form.cleaned_data["description"], occurred_at=form.occurred_at(), contact=contact,
            incident_id=incident.pk if incident is not None else None))
        if isinstance(breach, AgreementBreach):
            messages.success(request, _("Breach recorded on the written agreement"))
            return redirect("agreements:detail", agreement_id=agreement.pk)
    return render(request, "agreements/breach_form.html", {
        "form": form, "family": family, "agreement": agreement, "version": in_force, "contact": contact,
        "incident": incident})

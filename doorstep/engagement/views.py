"""Pages of the engagement record: thin views over the selectors (access, audit) and services (writes)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import family_get_for
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.casefile import export_sections
from doorstep.families.models import Person
from doorstep.families.selectors import family_page_members
from doorstep.recording.wording import wording_check_asked, wording_findings

from . import selectors, services
from .forms import ContactCorrectForm, ContactForm, EngagementSettingsForm, FollowUpForm, LetterForm, ReasonForm
from .letters import letter_content, letter_pdf
from .models import EngagementSettings
from .pictures import engagement_heatmaps


def _members(family) -> list[Person]:
    return list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))


def _on_form(form, call):
    """Run a service whose errors name the service's fields, moving each onto the form field it belongs to."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        mapped: dict[str, list] = {}
        for field, errors in exc.message_dict.items():
            mapped.setdefault(form.service_field(field) or NON_FIELD_ERRORS, []).extend(errors)
        raise ValidationError(mapped) from exc


def _optional_url(name: str, contact_id: int) -> str | None:
    """A link to another capability's page, only if that capability is installed."""
    try:
        return f"{reverse(name)}?contact={contact_id}"
    except NoReverseMatch:
        return None


@login_required
def record(request, family_id: int):
    family = family_get_for(professional=request.user, family_id=family_id, purpose="record a contact",
                            write=True)
    form = ContactForm(form_data(request), family_members=_members(family))
    checking = wording_check_asked(request)  # RIG-2: "Check wording" shows the form again, saves nothing
    if request.method == "POST" and not checking and form.is_valid():
        contact = run_service(form, lambda: _on_form(form, lambda: services.contact_record(
            family=family, by=request.user, **form.service_kwargs())))
        if contact:
            messages.success(request, _("Contact recorded"))
            return redirect("engagement:detail", contact_id=contact.pk)
    return render(request, "engagement/contact_form.html", {
        "form": form, "family": family, "title": _("Record a contact"), "button": _("Save contact"),
        "wording": wording_findings(form, checking=checking, family=family)})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def detail(request, contact_id: int):
    contact = selectors.contact_get_for(professional=request.user, contact_id=contact_id)
    context = selectors.contact_detail(contact=contact)
    context.update(
        contact=contact,
        family=contact.family,
        may_amend=selectors.contact_may_amend(contact=contact, professional=request.user),
        may_follow_up=contact.defaulted and not contact.entered_in_error and request.user.agency_id == contact.agency_id,
        incident_url=_optional_url("incidents:create", contact.pk),
        breach_url=_optional_url("agreements:breach_create", contact.pk),
    )
    return render(request, "engagement/contact_detail.html", context)


def _amendable(request, contact_id: int, purpose: str):
    # write=True: emergency access is refused the form itself, not only its valid submission (issue 13).
    contact = selectors.contact_get_for(professional=request.user, contact_id=contact_id, purpose=purpose, write=True)
    if not selectors.contact_may_amend(contact=contact, professional=request.user):
        raise PermissionDenied(_("Only the person who recorded a contact, or a manager in their agency, can change "
                                 "it."))
    return contact


@login_required
def correct(request, contact_id: int):
    contact = _amendable(request, contact_id, "correct a contact")
    if contact.entered_in_error:
        messages.warning(request, _("This contact was marked as entered in error and cannot be corrected."))
        return redirect("engagement:detail", contact_id=contact.pk)
    current = selectors.contact_detail(contact=contact)
    form = ContactCorrectForm(form_data(request), family_members=_members(contact.family),
                              initial=ContactCorrectForm.initial_from(contact, current["children"], current["adults"]))
    checking = wording_check_asked(request)  # RIG-2
    if request.method == "POST" and not checking and form.is_valid():
        corrected = run_service(form, lambda: _on_form(form, lambda: services.contact_correct(
            contact=contact, by=request.user, reason=form.cleaned_data["reason"], **form.service_kwargs())))
        if corrected:
            messages.success(request, _("Contact corrected. The earlier version is kept."))
            return redirect("engagement:detail", contact_id=contact.pk)
    return render(request, "engagement/contact_form.html", {
        "form": form, "family": contact.family, "contact": contact, "title": _("Correct a contact"),
        "button": _("Save correction"), "wording": wording_findings(form, checking=checking, family=contact.family)})


@login_required
def entered_in_error(request, contact_id: int):
    contact = _amendable(request, contact_id, "mark a contact as entered in error")
    form = ReasonForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.contact_enter_in_error(contact=contact, by=request.user,
                                                                     reason=form.cleaned_data["reason"])):
            messages.success(request, _("The contact is marked as entered in error. It no longer counts."))
            return redirect("engagement:detail", contact_id=contact.pk)
    return render(request, "engagement/simple_form.html", {
        "form": form, "family": contact.family, "contact": contact, "title": _("Mark as entered in error"),
        "button": _("Mark as entered in error"), "warning": True})


@login_required
def follow_up(request, contact_id: int):
    contact = selectors.contact_get_for(professional=request.user, contact_id=contact_id,
                                        purpose="follow up a contact", write=True)
    if request.user.agency_id != contact.agency_id:
        raise PermissionDenied(_("Only staff of the agency that recorded the contact can record its follow-up."))
    form = FollowUpForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.contact_follow_up_record(contact=contact, by=request.user,
                                                                       text=form.cleaned_data["text"])):
            messages.success(request, _("Follow-up recorded"))
            return redirect("engagement:detail", contact_id=contact.pk)
    return render(request, "engagement/simple_form.html", {
        "form": form, "family": contact.family, "contact": contact, "title": _("Record the follow-up"),
        "button": _("Save follow-up")})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def defaulted(request, family_id: int):
    family = family_get_for(professional=request.user, family_id=family_id, purpose="defaulted contacts")
    page = Paginator(selectors.defaulted_contacts(family=family), 25).get_page(request.GET.get("page"))
    return render(request, "engagement/defaulted.html", {
        "family": family, "page": page, "summary": selectors.defaulted_summary(family=family, recent=0)})


def _month_param(value: str | None) -> date | None:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def picture(request, family_id: int):
    """The engagement picture (CHR-2, FAM-3): agencies and adults, attempted, achieved, refused, by month."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="engagement picture")
    family_page_members(family=family)  # read once: the grid's adults and the banners' markers (issue 15)
    this_month = timezone.localdate().replace(day=1)
    end = min(_month_param(request.GET.get("end")) or this_month, this_month)
    grid = selectors.engagement_grid(family=family, end_month=end, months=12)
    return render(request, "engagement/picture.html", {
        "family": family, "grid": grid, "heatmaps": engagement_heatmaps(grid=grid),
        "earlier": selectors.month_add(end, -12).strftime("%Y-%m"),
        "later": selectors.month_add(end, 12).strftime("%Y-%m") if end < this_month else None,
    })


@login_required
def letter_create(request, contact_id: int):
    contact = selectors.contact_get_for(professional=request.user, contact_id=contact_id,
                                        purpose="write a summary for a parent", write=True)
    if contact.entered_in_error:
        messages.warning(request, _("This contact was marked as entered in error: no summary can be written from it."))
        return redirect("engagement:detail", contact_id=contact.pk)
    adults = [p for p in _members(contact.family) if not p.is_child]
    present = list(contact.adults_present.values_list("pk", flat=True))
    initial = {"purpose": contact.purpose, "addressee": str(present[0] if present else adults[0].pk) if adults else None}
    form = LetterForm(form_data(request), adults=adults, initial=initial)
    if request.method == "POST" and form.is_valid():
        letter = run_service(form, lambda: services.parent_letter_create(
            contact=contact, by=request.user, **form.service_kwargs()))
        if letter:
            messages.success(request, _("Summary ready to print or download"))
            return redirect("engagement:letter_detail", letter_id=letter.pk)
    return render(request, "engagement/letter_form.html", {"form": form, "family": contact.family,
                                                           "contact": contact, "adults": adults})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def letter_detail(request, letter_id: int):
    letter = selectors.letter_get_for(professional=request.user, letter_id=letter_id)
    # The export sections (warning markers, incidents: INC-2) are shown to the worker before the letter is given,
    # never printed on it: a letter to a parent must not carry third parties' or workers' safety information.
    return render(request, "engagement/letter_detail.html", {
        "letter": letter, "family": letter.family, "content": letter_content(letter),
        "sections": export_sections(family=letter.family)})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def letter_download(request, letter_id: int):
    letter = selectors.letter_get_for(professional=request.user, letter_id=letter_id, purpose="download a letter")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=letter, family=letter.family,
                 summary=Text(gettext_noop("Downloaded an end-of-contact summary as PDF")))
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="summary-{letter.family.reference}-{letter.pk}.pdf"'
    return response


@login_required
def settings_page(request):
    """ENG-6: administrators choose which outcomes count as defaulted, and the P-1 periods (audited)."""
    if not request.user.is_administrator:
        raise PermissionDenied(_("Only administrators change the engagement settings."))
    config = EngagementSettings.current()
    form = EngagementSettingsForm(form_data(request), initial={
        "defaulted_outcomes": config.defaulted_outcomes, "late_entry_hours": config.late_entry_hours})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.engagement_settings_update(by=request.user, **form.cleaned_data)):
            messages.success(request, _("Engagement settings saved. They apply to contacts recorded from now on."))
            return redirect("engagement:settings")
    history = config.history.select_related("history_user").order_by("-history_date")[:10] if config.pk else []
    return render(request, "engagement/settings.html", {"form": form, "config": config, "history": history})

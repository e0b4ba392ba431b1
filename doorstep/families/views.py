from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.access import require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text

from . import casefile, selectors, services
from .forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    FamilyCreateForm,
    FamilyMoveForm,
    FamilySearchForm,
    InvolvementEndForm,
    InvolvementEndProposeForm,
    InvolvementStartForm,
    OverallLeadForm,
    PersonForm,
)
from .models import BreakGlassAccess, Person


@require_safe  # reads only: POST refused (issue 13)
@login_required
def search(request):
    require_family_worker(request.user)
    form = FamilySearchForm(request.GET or None)
    page, more = None, False
    if form.is_bound and form.is_valid():
        results = selectors.family_search_page(professional=request.user, page_number=request.GET.get("page"),
                                               **form.cleaned_data)
        page, more = results.page, results.more
        audit_record(
            actor=request.user, action=AuditAction.SEARCH, object_type="families.Family",
            summary=Text(gettext_noop("Searched families: %(search)s")) % {"search": (
                f"{form.cleaned_data.get('name') or ''} {form.cleaned_data.get('address') or ''}"
                f" {form.cleaned_data.get('date_of_birth') or ''}").strip()},
        )
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page.object_list,
                          summary=Text(gettext_noop("Shown in search results")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "families/search.html", {"form": form, "page": page, "more": more,
                                                    "limit": selectors.SEARCH_LIMIT, "query": query.urlencode()})


@login_required
def create(request):
    require_family_worker(request.user)
    from doorstep.partnerships.selectors import partnerships_of_agency

    form = FamilyCreateForm(form_data(request), partnerships=partnerships_of_agency(request.user.agency_id))
    if request.method == "POST" and form.is_valid():
        family = run_service(form, lambda: services.family_create(by=request.user, **form.cleaned_data))
        if family:
            messages.success(request, _("Family record %(ref)s opened. Add the people in the household.") % {
                "ref": family.reference})
            return redirect("families:detail", family_id=family.pk)
    return render(request, "families/create.html", {"form": form})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, family_id: int, section: str = "overview"):
    """A sub page of the case file (issue 18): the Overview at the family's own address, each other sub page under
    it; every one audited as a read of the family (P-3), with the banners and the sub navigation."""
    part = casefile.SECTION_BY_SLUG[section]
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose=part.purpose)
    context = selectors.family_case_file(family=family)
    panels, side = casefile.section_panels(part, family=family, professional=request.user)
    context.update(
        family=family,
        section=part,
        sub_navigation=casefile.sub_navigation(family=family, current=part),
        break_glass=family.read_by_break_glass,
        banners=casefile.render_panels(casefile.BANNERS, family=family, professional=request.user),
        panels=panels,
        side=side,
    )
    return render(request, f"families/casefile/{part.slug}.html", context)


def _person_form_page(request, family, form, person=None):
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_not_duplicate")
        if person is None and not confirmed:
            duplicates = selectors.possible_duplicates_for(
                professional=request.user, given_name=data["given_name"], family_name=data["family_name"],
                date_of_birth=data["date_of_birth"])
        if not duplicates:
            if person is None:
                saved = run_service(form, lambda: services.person_add(family=family, by=request.user, **data))
            else:
                saved = run_service(form, lambda: services.person_update(person=person, by=request.user, **data))
            if saved:
                messages.success(request, _("%(name)s saved") % {"name": saved})
                return redirect("families:detail", family_id=family.pk)
    history = selectors.person_history(person=person) if person is not None else []
    return render(request, "families/person_form.html",
                  {"form": form, "family": family, "person": person, "duplicates": duplicates, "history": history})


@login_required
def person_add(request, family_id: int):
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose="add a person",
                                     write=True)
    return _person_form_page(request, family, PersonForm(form_data(request)))


@login_required
def person_edit(request, person_id: int):
    person = selectors.person_get_for(professional=request.user, person_id=person_id, write=True)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = PersonForm(form_data(request), initial=initial)
    return _person_form_page(request, person.family, form, person=person)


@login_required
def move(request, family_id: int):
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose="change of address",
                                     write=True)
    form = FamilyMoveForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.family_move(family=family, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Address changed"))
            return redirect("families:detail", family_id=family.pk)
    return render(request, "families/simple_form.html", {
        "form": form, "family": family, "title": _("Record a change of address"), "button": _("Save address")})


@login_required
def involvement_add(request, family_id: int):
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose="add an involvement",
                                      write=True)
    if not selectors.involvement_may_add(family=family, professional=request.user):
        raise PermissionDenied(services.involvement_add_refusal())
    form = InvolvementStartForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.involvement_start(family=family, by=request.user, **form.cleaned_data)):
            messages.success(request, _("%(agency)s is now involved") % {"agency": form.cleaned_data["agency"]})
            return redirect("families:detail", family_id=family.pk)
    return render(request, "families/simple_form.html", {
        "form": form, "family": family, "title": _("Record that an agency is involved"),
        "button": _("Save involvement"),
        "hint": _("The agency's staff will be able to see this family's record while the involvement lasts."),
    })


@login_required
def involvement_end(request, involvement_id: int):
    involvement = selectors.involvement_get_for(professional=request.user, involvement_id=involvement_id, write=True)
    family = involvement.family
    if not selectors.involvement_may_end(involvement=involvement, professional=request.user):
        return _involvement_end_propose(request, involvement)
    form = InvolvementEndForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.involvement_end(involvement=involvement, by=request.user,
                                                              reason=form.cleaned_data["reason"])):
            messages.success(request, _("The involvement of %(agency)s has ended") % {"agency": involvement.agency})
            if selectors.family_is_visible_to(professional=request.user, family_id=family.pk):
                return redirect("families:detail", family_id=family.pk)
            return redirect("home")
    return render(request, "families/simple_form.html", {
        "form": form, "family": family, "title": _("End the involvement of %(agency)s") % {"agency": involvement.agency},
        "button": _("End involvement"),
        "hint": _("Access difficulties never close a case on their own: other agencies must be consulted first."),
    })


def _involvement_end_propose(request, involvement):
    """Issue 13 finding 4: staff of another agency propose the ending; the agency's lead decides."""
    if involvement.ended_on is not None:
        raise Http404(selectors.NOT_FOUND)
    family = involvement.family
    form = InvolvementEndProposeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.involvement_end_propose(involvement=involvement, by=request.user,
                                                                      reason=form.cleaned_data["reason"])):
            messages.success(request, _("Your proposal has been sent to %(agency)s. Its lead professional for the "
                                        "family decides whether the involvement ends.") % {
                "agency": involvement.agency})
            return redirect("families:detail", family_id=family.pk)
    return render(request, "families/simple_form.html", {
        "form": form, "family": family,
        "title": _("Propose that %(agency)s ends its involvement") % {"agency": involvement.agency},
        "button": _("Send the proposal"),
        "hint": _("Only %(agency)s's lead professional for this family or a manager of %(agency)s can end its "
                  "involvement. They will see your proposal as an action.") % {"agency": involvement.agency},
    })


@login_required
def overall_lead(request, family_id: int):
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose="overall lead",
                                      write=True)
    form = OverallLeadForm(form_data(request), family=family)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.family_set_overall_lead(family=family, by=request.user,
                                                                      lead=form.cleaned_data["lead"])):
            messages.success(request, _("Overall lead professional changed"))
            return redirect("families:detail", family_id=family.pk)
    return render(request, "families/simple_form.html", {
        "form": form, "family": family, "title": _("Change the overall lead professional"), "button": _("Save")})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def seen_by(request, family_id: int):
    """Who has seen this record (P-3): for the family's lead professionals and managers of involved agencies."""
    family = selectors.family_get_for(professional=request.user, family_id=family_id, purpose="who has seen this record")
    context = selectors.family_case_file(family=family)
    leads = {i.lead_professional_id for i in context["active_involvements"]} | {family.overall_lead_id}
    if request.user.pk not in leads and not request.user.is_manager:
        raise PermissionDenied(_("Only the family's lead professionals and managers can see who has read the record."))
    events = AuditEvent.objects.filter(family=family).select_related("actor", "actor_agency")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "families/seen_by.html", {"family": family, "page": page})


@login_required
def break_glass(request):
    require_family_worker(request.user)
    form = BreakGlassForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        grant = run_service(form, lambda: services.break_glass_open(
            professional=request.user, family_reference=form.cleaned_data["reference"],
            ground=form.cleaned_data["ground"], reason=form.cleaned_data["reason"]))
        if grant:
            messages.warning(request, _("Emergency access granted until %(until)s. Your manager will review it.") % {
                "until": grant.expires_at.strftime("%d/%m/%Y %H:%M")})
            return redirect("families:detail", family_id=grant.family_id)
    return render(request, "families/break_glass.html", {"form": form})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def break_glass_review(request):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers review emergency access."))
    grants = selectors.break_glass_for_review(manager=request.user)
    page = Paginator(grants, 25).get_page(request.GET.get("page"))
    return render(request, "families/break_glass_review.html", {"page": page, "form": BreakGlassReviewForm()})


@login_required
def break_glass_review_one(request, grant_id: int):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers review emergency access."))
    grant = get_object_or_404(selectors.break_glass_for_review(manager=request.user), pk=grant_id)
    form = BreakGlassReviewForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        services.break_glass_review(grant=grant, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Review recorded"))
        return redirect("families:break_glass_review")
    return render(request, "families/simple_form.html", {
        "form": form, "title": _("Review emergency access by %(name)s") % {"name": grant.professional},
        "hint": f"{grant.get_ground_display()}: {grant.reason}", "button": _("Record review")})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.families.models import Person
from doorstep.families.selectors import family_addresses
from doorstep.incidents.selectors import incident_get_for

from . import selectors, services
from .forms import AddressCheckForm, DeclineForm, EndForm, MarkerForm, ReviewForm, initial_from_incident


@require_safe  # reads only: POST refused (issue 13)
@login_required
def family_markers(request, family_id: int):
    family = family_get_for(professional=request.user, family_id=family_id, purpose="warning markers")
    context = selectors.markers_for_family_page(family=family, professional=request.user)
    return render(request, "markers/family.html", {"family": family, **context})


@login_required
def create(request, family_id: int):
    """Raise a marker by hand, or from an incident in one step (?incident=<id>)."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="raise a warning marker",
                            write=True)
    incident = None
    incident_id = request.GET.get("incident", "")
    if incident_id.isdigit():
        incident = incident_get_for(professional=request.user, incident_id=int(incident_id),
                                    purpose="raise a warning marker from an incident")
        if incident.family_id != family.pk:
            # Issue 13, finding 10: an incident of another family is refused, not silently left off the marker.
            raise Http404("Not found")
    people = list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))
    addresses = [fa.address for fa in family_addresses(family=family) if fa.moved_out is None]
    if incident is not None and incident.address_id and incident.address not in addresses:
        addresses.append(incident.address)
    initial = initial_from_incident(incident) if incident else {}
    person_id = request.GET.get("person", "")
    if person_id.isdigit() and any(p.pk == int(person_id) for p in people):
        initial["subject"] = f"person:{person_id}"
    form = MarkerForm(form_data(request), initial=initial, family=family, people=people, addresses=addresses)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "subject"}
        marker = run_service(form, lambda: services.marker_raise(
            family=family, by=request.user, incident=incident, **form.subject_kwargs(), **data))
        if marker:
            if marker.status == "active":
                messages.success(request, _("Warning marker raised and authorised. Every agency involved has been "
                                            "told."))
            elif marker.urgent:
                messages.success(request, _("Urgent warning marker raised: it shows at once as awaiting "
                                            "authorisation, and your manager has been asked to authorise it."))
            else:
                messages.success(request, _("Warning marker raised. It will show once a manager of your agency "
                                            "authorises it."))
            return redirect("markers:detail", marker_id=marker.pk)
    return render(request, "markers/form.html", {"form": form, "family": family, "incident": incident})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, marker_id: int):
    marker = selectors.marker_get_for(professional=request.user, marker_id=marker_id)
    return render(request, "markers/detail.html", {
        "marker": marker, "family": marker.family,
        "events": marker.events.select_related("by", "by__agency"),
        "may_authorise": selectors.may_authorise(marker=marker, professional=request.user),
        "may_review": selectors.may_review(marker=marker, professional=request.user),
        "may_end": selectors.may_end(marker=marker, professional=request.user),
    })


@login_required
def authorise(request, marker_id: int):
    marker = selectors.marker_get_for(professional=request.user, marker_id=marker_id, purpose="authorise a marker",
                                       write=True)
    if not selectors.may_authorise(marker=marker, professional=request.user):
        raise PermissionDenied(_("Only a manager of the raising agency can authorise this marker."))
    decline = DeclineForm(form_data(request) if request.POST.get("decision") == "decline" else None)
    if request.method == "POST":
        if request.POST.get("decision") == "authorise":
            services.marker_authorise(marker=marker, by=request.user)
            messages.success(request, _("Warning marker authorised. Every agency involved has been told."))
            return redirect("markers:detail", marker_id=marker.pk)
        if request.POST.get("decision") == "decline" and decline.is_valid():
            if run_service(decline, lambda: services.marker_decline(marker=marker, by=request.user,
                                                                    reason=decline.cleaned_data["reason"])):
                messages.success(request, _("The marker was not authorised"))
                return redirect("markers:detail", marker_id=marker.pk)
    return render(request, "markers/authorise.html", {"marker": marker, "family": marker.family, "form": decline})


@login_required
def review(request, marker_id: int):
    marker = selectors.marker_get_for(professional=request.user, marker_id=marker_id, purpose="review a marker",
                                       write=True)
    if not selectors.may_review(marker=marker, professional=request.user):
        raise PermissionDenied(_("Only the person who raised the marker or a manager of their agency can review it."))
    form = ReviewForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.marker_review(marker=marker, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Marker reviewed"))
            return redirect("markers:detail", marker_id=marker.pk)
    return render(request, "markers/simple_form.html", {
        "form": form, "marker": marker, "family": marker.family, "title": _("Review the warning marker"),
        "button": _("Save the review")})


@login_required
def end(request, marker_id: int):
    marker = selectors.marker_get_for(professional=request.user, marker_id=marker_id, purpose="end a marker",
                                       write=True)
    if not selectors.may_end(marker=marker, professional=request.user):
        raise PermissionDenied(_("Only a manager of the raising agency can end this marker."))
    form = EndForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.marker_end(marker=marker, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Marker ended. It stays in the family's history."))
            return redirect("markers:family", family_id=marker.family_id)
    return render(request, "markers/simple_form.html", {
        "form": form, "marker": marker, "family": marker.family, "title": _("End the warning marker"),
        "button": _("End the marker")})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def awaiting(request):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers authorise warning markers."))
    page = Paginator(selectors.markers_awaiting_for(manager=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "markers/awaiting.html", {"page": page, "today": timezone.localdate()})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def address_check(request):
    """Before a visit: does this address carry a warning? Any professional, whatever their agency; audited."""
    require_family_worker(request.user)
    form = AddressCheckForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.address_check(professional=request.user, **form.cleaned_data)
    return render(request, "markers/address_check.html", {"form": form, "results": results})

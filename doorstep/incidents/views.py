from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from doorstep.core.access import family_get_for
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.engagement.models import ContactKind, ThreatKind
from doorstep.markers.selectors import markers_from_incident
from doorstep.recording.wording import wording_check_asked, wording_findings

from . import selectors, services
from .forms import FollowUpForm, IncidentForm, OwnImpactForm, PoliceForm, ShareAccountForm, combine


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _initial_from_contact(contact, professional) -> dict:
    """Start an incident from a contact in one step (ENG-1 -> INC-1): what the contact already says."""
    when = timezone.localtime(contact.occurred_at)
    return {
        "occurred_on": when.date(), "occurred_time": when.strftime("%H:%M"),
        "at_home": "yes" if contact.kind == ContactKind.HOME_VISIT else None,
        "threats": [t for t in contact.threats if t != ThreatKind.THREAT_TO_KILL],
        "threat_to_kill": "yes" if ThreatKind.THREAT_TO_KILL in contact.threats else None,
        "people": [p.pk for p in contact.adults_present.all()],
        "affected": [professional.pk, *([contact.recorded_by_id] if contact.recorded_by_id != professional.pk else [])],
    }


@login_required
def create(request, family_id: int | None = None):
    """Record an incident: /incidents/families/<id>/new/, or /incidents/new/?contact=<id> (or ?family=<id>)."""
    contact = None
    if family_id is None:
        contact_id = _int_param(request, "contact")
        if contact_id is not None:
            contact = selectors.contact_get_for(professional=request.user, contact_id=contact_id)
            family = contact.family
        elif _int_param(request, "family") is not None:
            family = family_get_for(professional=request.user, family_id=_int_param(request, "family"),
                                    purpose="record an incident", write=True)
        else:
            raise Http404("Say which family or contact the incident belongs to")
    else:
        family = family_get_for(professional=request.user, family_id=family_id, purpose="record an incident",
                                write=True)
    initial = _initial_from_contact(contact, request.user) if contact else {"affected": [request.user.pk]}
    form = IncidentForm(form_data(request), initial=initial, family=family, professional=request.user)
    checking = wording_check_asked(request)  # RIG-2: "Check wording" shows the form again, saves nothing
    if request.method == "POST" and not checking and form.is_valid():
        incident = run_service(form, lambda: services.incident_record(
            family=family, by=request.user, contact=contact, **form.service_kwargs()))
        if incident:
            messages.success(request, _("Incident recorded. Your manager has been alerted, and every other agency "
                                        "involved has been told about the risk."))
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(request, "incidents/form.html", {"form": form, "family": family, "contact": contact,
                                                   "wording": wording_findings(form, checking=checking, family=family)})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def family_incidents(request, family_id: int):
    family = family_get_for(professional=request.user, family_id=family_id, purpose="incidents")
    page = Paginator(selectors.incidents_for_family(family=family), 25).get_page(request.GET.get("page"))
    return render(request, "incidents/family.html", {"family": family, "page": page})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, incident_id: int):
    incident = selectors.incident_get_for(professional=request.user, incident_id=incident_id)
    user = request.user
    affected = list(incident.affected.all())
    return render(request, "incidents/detail.html", {
        "incident": incident, "family": incident.family,
        "show_account": selectors.account_visible_to(incident=incident, professional=user),
        "own": selectors.affected_for_professional(professional=user, incident=incident),
        "managed": [a for a in affected if selectors.may_follow_up(affected=a, professional=user)],
        "affected": affected,
        "may_share": selectors.may_share_account(incident=incident, professional=user),
        "may_record_police": selectors.may_record_police(incident=incident, professional=user),
        "markers": markers_from_incident(incident=incident, professional=user),
    })


@login_required
def police(request, incident_id: int):
    incident = selectors.incident_get_for(professional=request.user, incident_id=incident_id,
                                          purpose="police informed", write=True)
    if not selectors.may_record_police(incident=incident, professional=request.user):
        raise PermissionDenied(_("Only the recording agency or the police can record this."))
    form = PoliceForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(form, lambda: services.incident_record_police(
                incident=incident, by=request.user, informed_at=combine(d["informed_on"], d["informed_time"]),
                reference=d["reference"])):
            messages.success(request, _("Recorded that the police were informed"))
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(request, "incidents/simple_form.html", {
        "form": form, "incident": incident, "family": incident.family,
        "title": _("Record that the police were informed"), "button": _("Save"),
    })


@login_required
def share(request, incident_id: int):
    incident = selectors.incident_get_for(professional=request.user, incident_id=incident_id,
                                          purpose="share the worker's account", write=True)
    if not selectors.may_share_account(incident=incident, professional=request.user):
        raise PermissionDenied(_("Only a manager of the recording agency can decide to share the worker's account."))
    form = ShareAccountForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.incident_share_account(
                incident=incident, by=request.user, reason=form.cleaned_data["reason"])):
            messages.success(request, _("The worker's account is now shared with every agency involved"))
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(request, "incidents/simple_form.html", {
        "form": form, "incident": incident, "family": incident.family,
        "title": _("Share the worker's account with the other agencies"), "button": _("Share the account"),
        "hint": _("The facts of the incident are already shared with every agency involved. The worker's own "
                  "account leaves your agency only by your decision, which is recorded."),
    })


@login_required
def worker(request, affected_id: int):
    """One affected professional's support and impact: only they and their manager (004 §5.3)."""
    affected = selectors.affected_worker_get_for(professional=request.user, affected_id=affected_id)
    is_worker = affected.professional_id == request.user.pk
    is_manager = selectors.may_follow_up(affected=affected, professional=request.user)
    posted = request.POST.get("form") if request.method == "POST" else None
    own_form = OwnImpactForm(request.POST if posted == "own" else None, initial={
        "support_taken_up": affected.support_taken_up, "impact": affected.impact}) if is_worker else None
    follow_form = FollowUpForm(request.POST if posted == "follow_up" else None, initial={
        "support_offered": affected.support_offered, "note": affected.follow_up_note}) if is_manager else None
    if posted == "own" and own_form is not None and own_form.is_valid():
        if run_service(own_form, lambda: services.affected_worker_update_own(
                affected=affected, by=request.user, **own_form.cleaned_data)):
            messages.success(request, _("Saved. Only you and your manager can see this."))
            return redirect("incidents:worker", affected_id=affected.pk)
    if posted == "follow_up" and follow_form is not None and follow_form.is_valid():
        if run_service(follow_form, lambda: services.affected_worker_follow_up(
                affected=affected, by=request.user, **follow_form.cleaned_data)):
            messages.success(request, _("Follow-up recorded"))
            return redirect("incidents:worker", affected_id=affected.pk)
    if posted and not ((posted == "own" and is_worker) or (posted == "follow_up" and is_manager)):
        raise PermissionDenied
    return render(request, "incidents/worker.html", {
        "affected": affected, "incident": affected.incident, "is_worker": is_worker, "is_manager": is_manager,
        "own_form": own_form, "follow_form": follow_form,
    })

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.agencies.models import Agency, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.selectors import involvement_get_for

from doorstep.partnerships.services import partnership_default

from . import selectors, services
from .engine import involvement_closure_missing
from .forms import CancelForm, ClosureStepForm, CompleteForm, NonComplianceForm, RuleSettingsForm, TeamFilterForm
from .models import ClosureStep, NonComplianceFinding, RuleSetting, RuleSettingChange
from .rules import RULES, rule_sort_key
from .texts import text_render


def _administrator(request):
    if not request.user.is_administrator:
        raise PermissionDenied(_("Only administrators change the rules' settings."))


def _audit_listed(request, page) -> None:
    families = {e.family for e in page.object_list if e.family_id}
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=families,
                      summary=Text(gettext_noop("Listed in actions")))


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def mine(request):
    """My actions: the landing page's list in full (everyone's tracked actions, ESC-1..12)."""
    require_family_worker(request.user)
    closed = request.GET.get("show") == "closed"
    page = Paginator(selectors.actions_for(professional=request.user, closed=closed), 25).get_page(
        request.GET.get("page"))
    _audit_listed(request, page)
    return render(request, "escalations/mine.html", {
        "page": page, "closed": closed, "query": "show=closed" if closed else "", "now": timezone.now()})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def team(request):
    """A manager's queue: their team's actions, and those escalated to them (ORG-3)."""
    require_family_worker(request.user)
    if not request.user.is_manager:
        raise PermissionDenied(_("Only managers have a team queue."))
    owners = Professional.objects.filter(line_manager=request.user, is_active=True).order_by("last_name", "first_name")
    if request.user.team_id:
        owners = (owners | Professional.objects.filter(team_id=request.user.team_id, is_active=True)).distinct()
    form = TeamFilterForm(request.GET or None, rules=selectors.rules_listed(), owners=owners)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "open"
    qs = selectors.team_actions_for(
        manager=request.user, closed=show == "closed", overdue_only=show == "overdue", rule_id=data.get("rule") or "",
        owner_id=int(data["owner"]) if data.get("owner") else None,
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    _audit_listed(request, page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "escalations/team.html", {"page": page, "form": form, "query": query.urlencode(),
                                                     "closed": show == "closed"})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def detail(request, escalation_id: int):
    escalation = selectors.escalation_get_for(professional=request.user, escalation_id=escalation_id)
    return render(request, "escalations/detail.html", {
        "escalation": escalation, "family": escalation.family,
        "events": escalation.events.select_related("by").order_by("-at", "-id"),  # issue 18: a timeline, newest first
        "can_act": services.escalation_can_act(escalation, request.user),
        "definition": RULES.get(escalation.rule_id),
    })


@require_POST
@login_required
def acknowledge(request, escalation_id: int):
    escalation = selectors.escalation_get_for(professional=request.user, escalation_id=escalation_id)
    services.escalation_require_act(escalation, request.user)
    if escalation.is_active:
        services.escalation_acknowledge(escalation=escalation, by=request.user)
        messages.success(request, _("Action acknowledged"))
    return redirect("escalations:detail", escalation_id=escalation.pk)


def _close_page(request, escalation_id: int, *, form_class, field: str, service, title: str, button: str, done: str):
    escalation = selectors.escalation_get_for(professional=request.user, escalation_id=escalation_id)
    services.escalation_require_act(escalation, request.user)
    if not escalation.is_active:
        messages.info(request, _("This action is already closed"))
        return redirect("escalations:detail", escalation_id=escalation.pk)
    form = form_class(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: service(escalation=escalation, by=request.user,
                                             **{field: form.cleaned_data[field]})):
            messages.success(request, done)
            return redirect("escalations:detail", escalation_id=escalation.pk)
    return render(request, "escalations/close.html", {
        "form": form, "escalation": escalation, "family": escalation.family, "title": title, "button": button})


@login_required
def complete(request, escalation_id: int):
    return _close_page(request, escalation_id, form_class=CompleteForm, field="outcome",
                       service=services.escalation_complete, title=_("Mark the action as done"),
                       button=_("Mark as done"), done=_("Action marked as done"))


@login_required
def cancel(request, escalation_id: int):
    return _close_page(request, escalation_id, form_class=CancelForm, field="reason",
                       service=services.escalation_cancel, title=_("Cancel the action"),
                       button=_("Cancel the action"), done=_("Action cancelled"))


@login_required
def non_compliance(request, family_id: int):
    """ESC-2 (003 §7.9): record evidence of non-compliance while concerns remain."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="evidence of non-compliance",
                            write=True)
    form = NonComplianceForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        finding = run_service(form, lambda: services.non_compliance_record(family=family, by=request.user,
                                                                           **form.cleaned_data))
        if finding:
            messages.success(request, _("Evidence of non-compliance recorded. The action it requires is on the case "
                                        "file and with the manager."))
            return redirect("families:detail", family_id=family.pk)
    findings = NonComplianceFinding.objects.filter(family=family).select_related("recorded_by")[:20]
    return render(request, "escalations/non_compliance.html", {"form": form, "family": family, "findings": findings})


@login_required
def ending(request, involvement_id: int):
    """ESC-6 (001 §5.1.19): what must happen before an agency ends its involvement while access is difficult."""
    involvement = involvement_get_for(professional=request.user, involvement_id=involvement_id, write=True)
    family = involvement.family
    if involvement.ended_on is not None:
        raise Http404("This involvement has ended")
    others = Agency.objects.filter(
        involvements__family=family, involvements__ended_on__isnull=True).exclude(pk=involvement.agency_id).distinct()
    form = ClosureStepForm(form_data(request), agencies=others)
    if request.method == "POST" and form.is_valid():
        step = run_service(form, lambda: services.closure_step_record(involvement=involvement, by=request.user,
                                                                     **form.cleaned_data))
        if step:
            messages.success(request, _("Recorded"))
            return redirect("escalations:ending", involvement_id=involvement.pk)
    missing = [text_render(t) for t in involvement_closure_missing(involvement=involvement)]
    steps = ClosureStep.objects.filter(involvement=involvement).select_related("agency", "recorded_by")
    return render(request, "escalations/ending.html", {
        "form": form, "family": family, "involvement": involvement, "missing": missing, "steps": steps})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def rules(request):
    """ESC-12: the rules, their clauses and their current settings, for administrators. Issue 21: a partnership's
    administrator is sent to their own partnership's rules; a deployment administrator sees the default
    partnership's, with a link to every partnership."""
    _administrator(request)
    own = _own_partnership(request)
    if own is not None:
        return own
    partnership = partnership_default()
    settings = services.rule_settings_all(partnership)
    rows = [{"definition": RULES[r], "enabled": settings[r][0], "values": [
        (p, settings[r][1].get(p.name)) for p in RULES[r].parameters]} for r in sorted(RULES, key=rule_sort_key)]
    changes = RuleSettingChange.objects.filter(partnership=partnership).select_related("changed_by")[:20]
    return render(request, "escalations/rules.html", {"rows": rows, "changes": changes, "partnership": partnership})


def _own_partnership(request, rule_id: str | None = None):
    """Issue 21: a partnership's administrator manages their own partnership's rules only: the redirect to them (to
    the list when they administer several); None for a deployment administrator."""
    administered = list(request.user.administered_partnerships.values_list("pk", flat=True)[:2])
    if not administered:
        return None
    if len(administered) > 1:
        return redirect("partnerships:list")
    if rule_id is not None:
        return redirect("partnerships:rule_edit", partnership_id=administered[0], rule_id=rule_id)
    return redirect("partnerships:detail", partnership_id=administered[0])


@login_required
def rule_edit(request, rule_id: str):
    _administrator(request)
    definition = RULES.get(rule_id)
    if definition is None:
        raise Http404("No such rule")
    own = _own_partnership(request, rule_id)
    if own is not None:
        return own
    partnership = partnership_default()  # a deployment administrator's page: the default partnership (issue 21)
    enabled, values = services.rule_settings(rule_id, partnership)
    form = RuleSettingsForm(form_data(request), definition=definition, initial={"enabled": enabled, **values})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.rule_settings_update(
                rule_id=rule_id, by=request.user, enabled=form.cleaned_data.get("enabled", True),
                parameters=form.parameters(), reason=form.cleaned_data["reason"], partnership=partnership)):
            messages.success(request, _("Settings for %(rule)s saved. They apply to actions raised from now on.") % {
                "rule": rule_id})
            return redirect("escalations:rules")
    changes = RuleSettingChange.objects.filter(rule_id=rule_id, partnership=partnership).select_related(
        "changed_by")[:20]
    stored = RuleSetting.objects.filter(rule_id=rule_id, partnership=partnership).select_related(
        "updated_by").first()
    return render(request, "escalations/rule_edit.html", {
        "form": form, "definition": definition, "changes": changes, "stored": stored, "partnership": partnership})


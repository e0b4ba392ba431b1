"""Pages of the partnerships (issue 21), for administrators: the partnerships they manage, creating one (a
deployment administrator), a partnership's protocol with its rules as its preset and settings have them, changing
its protocol (with a reason, audited, ESC-12) and a rule's settings in it. Thin: each calls one selector or service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from doorstep.core.access import family_get_for
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.escalations import services as rule_services
from doorstep.escalations.forms import RuleSettingsForm
from doorstep.escalations.models import ACTIVE_STATES, Escalation, RuleSettingChange
from doorstep.escalations.rules import RULES, rule_sort_key

from . import selectors, services
from .forms import FamilyTransferForm, PartnershipCreateForm, PresetChangeForm
from .models import PresetChange


@require_safe  # reads only: POST refused (issue 13)
@login_required
def partnerships(request):
    listed = selectors.partnerships_for(professional=request.user)
    return render(request, "partnerships/list.html", {
        "partnerships": listed, "may_create": selectors.is_deployment_administrator(request.user)})


@login_required
def create(request):
    if not selectors.is_deployment_administrator(request.user):
        raise PermissionDenied(_("Only the deployment's administrators create partnerships."))
    form = PartnershipCreateForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        partnership = run_service(form, lambda: services.partnership_create(by=request.user, **form.cleaned_data))
        if partnership:
            messages.success(request, _("Partnership %(name)s created.") % {"name": partnership.display_name})
            return redirect("partnerships:detail", partnership_id=partnership.pk)
    return render(request, "partnerships/create.html", {"form": form})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, partnership_id: int):
    partnership = selectors.partnership_get_for(professional=request.user, partnership_id=partnership_id)
    preset = partnership.protocol
    settings = rule_services.rule_settings_all(partnership)
    rows = []
    for rule_id in sorted(RULES, key=rule_sort_key):
        state = preset.rule_state(rule_id)
        enabled, values = settings[rule_id]
        rows.append({"definition": RULES[rule_id], "enabled": enabled, "state": state,
                     "clause": preset.cite(rule_id, RULES[rule_id].clause),
                     "changed": enabled != state.enabled or values != dict(state.parameters),
                     "values": [(p, values.get(p.name)) for p in RULES[rule_id].parameters]})
    return render(request, "partnerships/detail.html", {
        "partnership": partnership, "preset": preset, "rows": rows,
        # OVR-2 (issue 21): who reads the partnership's Board's report.
        "board_chairs": list(partnership.board_chairs.order_by("last_name", "first_name")),
        "analysts": list(partnership.analysts.order_by("last_name", "first_name")),
        "meeting_kinds": sorted(preset.meeting_kinds.items()),
        "preset_changes": PresetChange.objects.filter(partnership=partnership).select_related("changed_by")[:20],
        "changes": RuleSettingChange.objects.filter(partnership=partnership).select_related("changed_by")[:20],
    })


@login_required
def preset(request, partnership_id: int):
    partnership = selectors.partnership_get_for(professional=request.user, partnership_id=partnership_id)
    form = PresetChangeForm(form_data(request), initial={"preset": partnership.preset})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.partnership_preset_change(
                partnership=partnership, by=request.user, preset=form.cleaned_data["preset"],
                reason=form.cleaned_data["reason"])):
            messages.success(request, _("The partnership's protocol has changed. It applies to actions raised from "
                                        "now on."))
            return redirect("partnerships:detail", partnership_id=partnership.pk)
    return render(request, "partnerships/preset.html", {"form": form, "partnership": partnership})


@login_required
def rule_edit(request, partnership_id: int, rule_id: str):
    """ESC-12: one rule's settings in the partnership."""
    partnership = selectors.partnership_get_for(professional=request.user, partnership_id=partnership_id)
    definition = RULES.get(rule_id)
    if definition is None:
        raise Http404("No such rule")
    enabled, values = rule_services.rule_settings(rule_id, partnership)
    form = RuleSettingsForm(form_data(request), definition=definition, initial={"enabled": enabled, **values})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: rule_services.rule_settings_update(
                rule_id=rule_id, by=request.user, enabled=form.cleaned_data.get("enabled", True),
                parameters=form.parameters(), reason=form.cleaned_data["reason"], partnership=partnership)):
            messages.success(request, _("Settings for %(rule)s saved. They apply to actions raised from now on.") % {
                "rule": rule_id})
            return redirect("partnerships:detail", partnership_id=partnership.pk)
    changes = RuleSettingChange.objects.filter(partnership=partnership, rule_id=rule_id).select_related(
        "changed_by")[:20]
    return render(request, "partnerships/rule_edit.html", {
        "form": form, "definition": definition, "changes": changes, "partnership": partnership,
        "clause": partnership.protocol.cite(rule_id, definition.clause)})


@login_required
def transfer(request, family_id: int):
    """Issue 21: transfer a family to another partnership (GET the form, POST it). A manager of an involved agency
    (or an administrator of the partnership, through the API) sees it; the destination is checked by the service."""
    family = family_get_for(professional=request.user, family_id=family_id,
                            purpose="transfer to another partnership", write=True)
    if not selectors.family_transfer_may_open(professional=request.user, family=family):
        raise PermissionDenied(services.TRANSFER_REFUSED)
    form = FamilyTransferForm(form_data(request), destinations=selectors.transfer_destinations(family=family,
                                                                                        professional=request.user))
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.family_transfer(
            family=family, to_partnership=form.cleaned_data["to_partnership"], by=request.user,
            reason=form.cleaned_data["reason"]))
        if done:
            messages.success(request, _("The family now belongs to %(name)s. Its open actions moved with it.") % {
                "name": done.to_partnership.display_name})
            return redirect("families:detail", family_id=family.pk)
    open_actions = Escalation.objects.filter(family=family, state__in=ACTIVE_STATES).count()
    return render(request, "partnerships/transfer.html", {
        "form": form, "family": family, "partnership": family.partnership, "open_actions": open_actions})

"""Pages of retention and erasure (issue 20): the families past retention for records managers, a family's
retention with its holds and erasure, a hold placed and lifted, erasure proposed and decided, and the schedule for
administrators. Thin: each calls one selector or service; every page that shows a family is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text

from . import selectors, services
from .forms import DecideForm, HoldForm, LiftForm, ProposeForm, ScheduleForm
from .models import ErasureState, RetentionPeriod
from .schedule import ORDER

LIST_LIMIT = 100


@require_safe  # reads only: POST refused (issue 13)
@login_required
def review(request):
    today = timezone.localdate()
    past = list(selectors.families_past_retention_for(officer=request.user, today=today)[:LIST_LIMIT])
    held = list(selectors.families_on_hold_for(officer=request.user)[:LIST_LIMIT])
    awaiting = list(selectors.requests_awaiting_for(officer=request.user)[:LIST_LIMIT])
    shown = {f.pk: f for f in [*past, *held, *(r.family for r in awaiting)]}
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=list(shown.values()),
                      summary=Text(gettext_noop("Viewed the families past retention (issue 20)")))
    return render(request, "retention/review.html", {"past": past, "held": held, "awaiting": awaiting,
                                                     "limit": LIST_LIMIT, "today": today})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def family(request, family_id: int):
    found = selectors.retained_family_get(officer=request.user, family_id=family_id)
    refusal, decision = services.erasure_refusal(family=found, today=timezone.localdate())
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=found, family=found,
                 summary=Text(gettext_noop("Viewed the family's retention (issue 20)")))
    return render(request, "retention/family.html", {
        "family": found, "decision": decision, "refusal": refusal, "reasons": [str(r) for r in decision.reasons()],
        "history": selectors.family_history(family=found),
        "may_act": request.user.is_records_manager})


@login_required
def hold_place(request, family_id: int):
    selectors.require_records_manager(request.user)
    found = selectors.retained_family_get(officer=request.user, family_id=family_id)
    form = HoldForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.legal_hold_place(family=found, by=request.user, **form.cleaned_data)):
            messages.success(request, _("The legal hold is placed: the family's records will not be erased while it "
                                        "lasts."))
            return redirect("retention:family", family_id=found.pk)
    return render(request, "retention/hold.html", {"family": found, "form": form})


@login_required
def hold_lift(request, hold_id: int):
    selectors.require_records_manager(request.user)
    hold = selectors.hold_get_for(officer=request.user, hold_id=hold_id)
    form = LiftForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.legal_hold_lift(hold=hold, by=request.user,
                                                              note=form.cleaned_data["note"])):
            messages.success(request, _("The legal hold is lifted."))
            return redirect("retention:family", family_id=hold.family_id)
    return render(request, "retention/lift.html", {"hold": hold, "family": hold.family, "form": form})


@login_required
def propose(request, family_id: int):
    selectors.require_records_manager(request.user)
    found = selectors.retained_family_get(officer=request.user, family_id=family_id)
    refusal, decision = services.erasure_refusal(family=found, today=timezone.localdate())
    form = ProposeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        proposal = run_service(form, lambda: services.erasure_propose(family=found, by=request.user,
                                                                      note=form.cleaned_data["note"]))
        if proposal:
            messages.success(request, _("Erasure is proposed. A second person (another records manager or your "
                                        "manager) decides it."))
            return redirect("retention:family", family_id=found.pk)
    return render(request, "retention/propose.html", {"family": found, "form": form, "refusal": refusal,
                                                      "decision": decision})


@login_required
def decide(request, request_id: int):
    proposal = selectors.request_get_for(officer=request.user, request_id=request_id)
    is_proposer = proposal.proposed_by_id == request.user.pk
    if request.method == "POST" and is_proposer:
        raise PermissionDenied(_("You proposed this erasure: a second person must decide it."))
    form = DecideForm(form_data(request))
    if request.method == "POST" and proposal.state == ErasureState.PROPOSED and form.is_valid():
        decided = run_service(form, lambda: services.erasure_decide(
            request=proposal, by=request.user, approve=form.approve(), note=form.cleaned_data["note"]))
        if decided:
            messages.success(request, _("The family's records are erased. The audit log keeps a record of the "
                                        "erasure without personal data.") if decided.state == ErasureState.ERASED
                             else _("The erasure is refused: the records are kept."))
            return redirect("retention:review")
    if request.method != "POST":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=proposal, family=proposal.family,
                     summary=Text(gettext_noop("Viewed a proposal to erase a family (issue 20)")))
    return render(request, "retention/decide.html", {"proposal": proposal, "family": proposal.family, "form": form,
                                                     "is_proposer": is_proposer})


@login_required
def schedule(request):
    selectors.require_administrator(request.user)
    current = selectors.schedule_current()
    current = {kind: current[kind] for kind in ORDER}
    form = ScheduleForm(form_data(request), schedule=current)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.retention_schedule_update(
                by=request.user, periods=form.periods(), reason=form.cleaned_data["reason"])) is not None:
            messages.success(request, _("The retention schedule is saved. It applies from the next nightly review."))
            return redirect("retention:schedule")
    changes = (AuditEvent.objects.filter(object_type=RetentionPeriod._meta.label).select_related("actor")
               .order_by("-at", "-id")[:20])
    return render(request, "retention/schedule.html", {"form": form, "schedule": current, "changes": changes})

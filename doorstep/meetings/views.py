from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.models import Involvement
from doorstep.partnerships.selectors import no_partnership_message, partnerships_reporting_to
from doorstep.recording.wording import wording_check_asked, wording_findings

from . import rules, selectors, services
from .forms import (
    CallForm,
    CancelForm,
    ConfidentialityForm,
    HeldForm,
    InviteForm,
    MinutesForm,
    PlanActionForm,
    ProgressForm,
    RescheduleForm,
    RespondForm,
)
from .models import Invitation, Meeting, MeetingState, Minutes, MinutesState, PlanAction, Response, Urgency
from .pdf import minutes_pdf as render_minutes_pdf


def _service(form, call, rename: dict | None = None):
    """run_service, with the service's field names mapped onto the form's (a date and a time make `starts_at`)."""
    def wrapped():
        try:
            return call()
        except ValidationError as exc:
            if rename and hasattr(exc, "error_dict"):
                raise ValidationError({rename.get(k, k): v for k, v in exc.error_dict.items()}) from exc
            raise
    return run_service(form, wrapped)


def _meeting_or_confidentiality(request, meeting_id: int, purpose: str):
    """The meeting, or a redirect to the confidentiality terms for an invited specialist who has not accepted them."""
    try:
        return selectors.meeting_get_for(professional=request.user, meeting_id=meeting_id, purpose=purpose), None
    except selectors.ConfidentialityRequired as required:
        return None, redirect("meetings:confidentiality", invitation_id=required.invitation.pk)


def _managed(request, meeting_id: int, purpose: str) -> Meeting:
    try:
        return selectors.meeting_manage_for(professional=request.user, meeting_id=meeting_id, purpose=purpose)
    except selectors.ConfidentialityRequired:
        raise Http404("Not found") from None


@require_safe  # reads only: POST refused (issue 13)
@login_required
def mine(request):
    require_family_worker(request.user)
    context = selectors.my_meetings(professional=request.user)
    return render(request, "meetings/mine.html", {**context, "now": timezone.now()})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def board(request):
    if not request.user.is_board_chair:
        raise PermissionDenied(_("Only the Board chair sees the minutes sent to the Board."))
    # Issue 21: the partnerships they chair, and only theirs; a Board chair of none is told why.
    chaired = partnerships_reporting_to(request.user)
    if not chaired.exists():
        raise PermissionDenied(no_partnership_message(request.user))
    today = timezone.localdate()
    page = Paginator(selectors.minutes_sent_to(professional=request.user), 25).get_page(request.GET.get("page"))
    figures = selectors.board_figures(since=today - timedelta(days=365), until=today, partnerships=chaired)
    return render(request, "meetings/board.html", {"page": page, "figures": figures})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def family_meetings(request, family_id: int):
    require_family_worker(request.user)
    family = family_get_for(professional=request.user, family_id=family_id, purpose="meetings of the family")
    page = Paginator(selectors.meetings_for_family(family=family), 25).get_page(request.GET.get("page"))
    return render(request, "meetings/family.html", {"family": family, "page": page})


def _call_refusals(request, family) -> dict:
    facts = selectors.caller_facts(professional=request.user, family=family)
    return {kind: rules.refusal(kind, facts) for kind in rules.DEFAULT_RULES}


@login_required
def call(request, family_id: int):
    """Call a meeting (MTG-2), from the case file, from an escalation (`?escalation=<id>`) or to review the plan of
    an earlier meeting (`?review_of=<id>`, MTG-5)."""
    require_family_worker(request.user)
    family = family_get_for(professional=request.user, family_id=family_id, purpose="call a meeting")
    refusals = _call_refusals(request, family)
    if all(refusals.values()):
        raise PermissionDenied(next(iter(refusals.values())))
    escalation = review_of = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("escalation"):
        escalation = selectors.escalation_for_meeting(professional=request.user,
                                                      escalation_id=_int(source.get("escalation")))
        if escalation.family_id != family.pk:
            raise Http404("Not found")
    if source.get("review_of"):
        review_of = get_object_or_404(Meeting, pk=_int(source.get("review_of")), family=family,
                                      state=MeetingState.CLOSED)
    kind = source.get("kind") or (
        rules.kind_for_escalation(escalation.rule_id, child_on_plan=selectors.child_on_plan(family=family))
        if escalation else review_of.kind if review_of else None)
    if kind not in rules.DEFAULT_RULES:
        kind = None
    timescales = selectors.meeting_timescales(family=family)
    initial = {"chair": request.user.pk, "minute_taker": request.user.pk, "urgency": Urgency.WORKING_DAYS,
               "duration_minutes": 60, "start_time": "10:00"}
    if kind:
        initial.update(kind=kind, parents=rules.default_parents(kind), within_working_days=timescales[kind])
    if escalation:
        initial["reason"] = "\n".join(f.get("text", "") for f in escalation.facts) or escalation.title
    if review_of:
        initial["reason"] = _("Review of the plan agreed at the %(meeting)s held on %(day)s.") % {
            "meeting": review_of.short_name, "day": formats.date_format(review_of.held_on)}
        review_date = getattr(getattr(review_of, "minutes", None), "review_date", None)
        if review_date and review_date > timezone.localdate():
            initial["starts_on"] = review_date
    form = CallForm(form_data(request), initial=initial, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if refusals.get(data["kind"]):
            form.add_error("kind", refusals[data["kind"]])
        else:
            meeting = _service(form, lambda: services.meeting_call(
                family=family, by=request.user, kind=data["kind"], reason=data["reason"],
                starts_at=form.starts_at(), duration_minutes=data["duration_minutes"], location=data["location"],
                urgency=data["urgency"], within_working_days=data["within_working_days"],
                parents=data["parents"] or None, parents_excluded_reason=data["parents_excluded_reason"],
                chair=data["chair"], minute_taker=data["minute_taker"], escalation=escalation, review_of=review_of,
            ), rename={"starts_at": "starts_on"})
            if meeting:
                messages.success(request, _("%(meeting)s called. Now invite the agencies.") % {
                    "meeting": meeting.short_name})
                url = reverse("meetings:invite", kwargs={"meeting_id": meeting.pk})
                return redirect(f"{url}?review_of={review_of.pk}" if review_of else url)
    return render(request, "meetings/call.html", {
        "form": form, "family": family, "escalation": escalation, "review_of": review_of,
        "refusals": [(label, refusals[k]) for k, label in CallForm.base_fields["kind"].choices if refusals.get(k)],
        "chosen_refusal": refusals.get(kind) if kind else None,
        "kind_rules": [(label, rules.rule_for(k), timescales[k]) for k, label in CallForm.base_fields["kind"].choices],
    })


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found") from None


@require_safe  # reads only: POST refused (issue 13)
@login_required
def call_from_escalation(request, escalation_id: int):
    """One step from an escalation that asks for a meeting (ESC-1, ESC-2, ESC-3, ESC-7, ESC-11) to the call page."""
    require_family_worker(request.user)
    escalation = selectors.escalation_for_meeting(professional=request.user, escalation_id=escalation_id)
    family = family_get_for(professional=request.user, family_id=escalation.family_id, purpose="call a meeting")
    refusals = _call_refusals(request, family)
    if all(refusals.values()):
        raise PermissionDenied(next(iter(refusals.values())))
    return redirect(f"{reverse('meetings:call', kwargs={'family_id': family.pk})}?escalation={escalation.pk}")


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, meeting_id: int):
    meeting, redirect_to = _meeting_or_confidentiality(request, meeting_id, "meeting")
    if redirect_to:
        return redirect_to
    context = selectors.meeting_page(meeting=meeting)
    mine = next((i for i in context["invitations"] if i.invitee_id == request.user.pk), None)
    context.update(
        family=meeting.family, may_manage=selectors.may_manage(request.user, meeting), my_invitation=mine,
        is_chair=request.user.pk == meeting.chair_id, now=timezone.now(),
    )
    return render(request, "meetings/detail.html", context)


@login_required
def invite(request, meeting_id: int):
    meeting = _managed(request, meeting_id, "invite to a meeting")
    if meeting.state != MeetingState.SCHEDULED:
        messages.warning(request, _("Only a meeting that has not yet been held can have invitations."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    involvements = list(Involvement.objects.filter(family=meeting.family, ended_on__isnull=True))
    involved = {i.agency_id for i in involvements}
    already = set(meeting.invitations.values_list("invitee_id", flat=True))
    leads = [i.lead_professional_id for i in involvements
             if i.lead_professional_id and i.lead_professional_id not in already]
    review_of = request.GET.get("review_of")
    if review_of:
        # MTG-5: the review meeting invites the people who attended the meeting whose plan it reviews.
        leads += list(Invitation.objects.filter(meeting_id=_int(review_of), meeting__family=meeting.family,
                                                attended=True).values_list("invitee_id", flat=True))
    form = InviteForm(form_data(request), initial={"invitees": [p for p in leads if p not in already]},
                      involved_agency_ids=involved, already=already)
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data["invitees"]) + ([form.cleaned_data["specialist"]]
                                                        if form.cleaned_data["specialist"] else [])
        created = _service(form, lambda: services.meeting_invite(
            meeting=meeting, by=request.user, invitees=people,
            specialist_reason=form.cleaned_data["specialist_reason"]))
        if created:
            messages.success(request, _("Invitations are being e-mailed to %(names)s") % {
                "names": ", ".join(str(i.invitee) for i in created)})
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/invite.html", {
        "form": form, "meeting": meeting, "family": meeting.family,
        "invitations": meeting.invitations.select_related("invitee", "agency")})


@login_required
def confidentiality(request, invitation_id: int):
    """MTG-6: the invited specialist accepts absolute confidentiality before seeing anything, or declines."""
    invitation = selectors.invitation_for_invitee(professional=request.user, invitation_id=invitation_id,
                                                  purpose="meeting confidentiality terms")
    meeting = invitation.meeting
    if not invitation.needs_confidentiality:
        return redirect("meetings:detail", meeting_id=meeting.pk)
    form = ConfidentialityForm(form_data(request))
    if request.method == "POST":
        if request.POST.get("decline"):
            if run_service(form, lambda: services.invitation_respond(invitation=invitation, by=request.user,
                                                                     response=Response.DECLINED)):
                messages.success(request, _("You have declined the invitation."))
                return redirect("meetings:mine")
        elif form.is_valid() and run_service(form, lambda: services.invitation_accept_confidentiality(
                invitation=invitation, by=request.user)):
            messages.success(request, _("Thank you. You can now read about the meeting and reply."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/confidentiality.html", {"form": form, "invitation": invitation,
                                                             "meeting": meeting})


@login_required
def respond(request, invitation_id: int):
    invitation = selectors.invitation_for_invitee(professional=request.user, invitation_id=invitation_id,
                                                  purpose="reply to a meeting invitation")
    if invitation.needs_confidentiality:
        return redirect("meetings:confidentiality", invitation_id=invitation.pk)
    form = RespondForm(form_data(request), initial={"response": invitation.response
                                                    if invitation.response != Response.PENDING else None,
                                                    "note": invitation.response_note})
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.invitation_respond(invitation=invitation, by=request.user,
                                                                 **form.cleaned_data)):
            messages.success(request, _("Your reply is recorded"))
            return redirect("meetings:detail", meeting_id=invitation.meeting_id)
    return render(request, "meetings/simple_form.html", {
        "form": form, "meeting": invitation.meeting, "family": invitation.meeting.family,
        "title": _("Reply to the invitation"), "button": _("Send reply")})


@login_required
def reschedule(request, meeting_id: int):
    meeting = _managed(request, meeting_id, "move a meeting")
    local = timezone.localtime(meeting.starts_at)
    form = RescheduleForm(form_data(request), initial={
        "starts_on": local.date(), "start_time": local.strftime("%H:%M"), "duration_minutes": meeting.duration_minutes,
        "location": meeting.location})
    if request.method == "POST" and form.is_valid():
        if _service(form, lambda: services.meeting_reschedule(
                meeting=meeting, by=request.user, starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"], location=form.cleaned_data["location"],
                reason=form.cleaned_data["reason"]), rename={"starts_at": "starts_on"}):
            messages.success(request, _("The meeting is moved; everyone invited is sent the new time"))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/simple_form.html", {
        "form": form, "meeting": meeting, "family": meeting.family, "title": _("Move the meeting"),
        "hint": _("It must still be held by %(when)s.") % {
            "when": formats.date_format(timezone.localtime(meeting.hold_by), "DATETIME_FORMAT")},
        "button": _("Move the meeting")})


@login_required
def cancel(request, meeting_id: int):
    meeting = _managed(request, meeting_id, "cancel a meeting")
    form = CancelForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.meeting_cancel(meeting=meeting, by=request.user,
                                                             reason=form.cleaned_data["reason"])):
            messages.success(request, _("The meeting is cancelled; everyone invited is told"))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/simple_form.html", {
        "form": form, "meeting": meeting, "family": meeting.family, "title": _("Cancel the meeting"),
        "button": _("Cancel the meeting"), "warning": True})


@login_required
def held(request, meeting_id: int):
    meeting = _managed(request, meeting_id, "record a meeting as held")
    invitations = list(meeting.invitations.select_related("invitee", "agency"))
    form = HeldForm(form_data(request), invitations=invitations,
                    parents_invited=meeting.parents == "invited",
                    initial={"held_on": timezone.localtime(meeting.starts_at).date()
                             if meeting.starts_at <= timezone.now() else None,
                             "attended": [str(i.pk) for i in invitations if i.response == Response.ACCEPTED]})
    if request.method == "POST" and form.is_valid():
        parents = form.cleaned_data.get("parents_attended")
        if run_service(form, lambda: services.meeting_record_held(
                meeting=meeting, by=request.user, held_on=form.cleaned_data["held_on"],
                attended=form.cleaned_data["attended"],
                parents_attended={"yes": True, "no": False}.get(parents))):
            messages.success(request, _("Recorded as held. The minutes must be circulated within seven days."))
            return redirect("meetings:minutes_edit", meeting_id=meeting.pk)
    return render(request, "meetings/simple_form.html", {
        "form": form, "meeting": meeting, "family": meeting.family, "title": _("Record the meeting as held"),
        "button": _("Record as held")})


def _minutes_for_manager(request, meeting_id: int, purpose: str) -> Minutes:
    meeting = _managed(request, meeting_id, purpose)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404("Not found")
    minutes.meeting = meeting
    return minutes


@login_required
def minutes_edit(request, meeting_id: int):
    """Draft the minutes (MTG-3, MTG-7, MTG-8, MTG-9); the chair approves them from here."""
    minutes = _minutes_for_manager(request, meeting_id, "draft minutes")
    meeting = minutes.meeting
    if minutes.state == MinutesState.CIRCULATED:
        return redirect("meetings:minutes", meeting_id=meeting.pk)
    agencies = selectors.attending_agencies(meeting=meeting)
    roles = {r.agency_id: r.role for r in minutes.agency_roles.all()}
    initial = {
        "concerns": minutes.concerns, "no_plan_reason": minutes.no_plan_reason,
        "plan_agreed": {True: "yes", False: "no"}.get(minutes.plan_agreed),
        "sharing_with_family": minutes.sharing_with_family, "dissent": minutes.dissent,
        "no_dissent": minutes.no_dissent, "outcome": minutes.outcome, "outcome_detail": minutes.outcome_detail,
        "review_date": minutes.review_date, **{f"role_{a}": text for a, text in roles.items()},
    }
    form = MinutesForm(form_data(request), initial=initial, agencies=agencies)
    is_chair = request.user.pk == meeting.chair_id
    checking = wording_check_asked(request)  # RIG-2: "Check wording" shows the form again, saves nothing
    if request.method == "POST" and not checking and form.is_valid():
        d = form.cleaned_data
        saved = run_service(form, lambda: services.minutes_save(
            minutes=minutes, by=request.user, concerns=d["concerns"], roles=form.roles(), plan_agreed=form.plan_value(),
            no_plan_reason=d["no_plan_reason"], sharing_with_family=d["sharing_with_family"], dissent=d["dissent"],
            no_dissent=d["no_dissent"], outcome=d["outcome"], outcome_detail=d["outcome_detail"],
            review_date=d["review_date"]))
        if saved and "add_action" in request.POST:
            return redirect("meetings:action_add", meeting_id=meeting.pk)
        if saved and "approve" in request.POST and is_chair:
            if run_service(form, lambda: services.minutes_approve(minutes=saved, by=request.user)):
                messages.success(request, _("Minutes approved. Check them, then circulate them."))
                return redirect("meetings:minutes", meeting_id=meeting.pk)
        elif saved:
            messages.success(request, _("Draft minutes saved"))
            return redirect("meetings:minutes_edit", meeting_id=meeting.pk)
    actions = list(minutes.actions.select_related("agency", "owner"))
    return render(request, "meetings/minutes_edit.html", {
        "form": form, "meeting": meeting, "family": meeting.family, "minutes": minutes, "actions": actions,
        "is_chair": is_chair, "role_fields": [form[name] for name in form.role_fields],
        "wording": wording_findings(form, checking=checking, family=meeting.family),
    })


@login_required
def action_add(request, meeting_id: int):
    minutes = _minutes_for_manager(request, meeting_id, "add a plan action")
    meeting = minutes.meeting
    if minutes.state == MinutesState.CIRCULATED:
        return redirect("meetings:minutes", meeting_id=meeting.pk)
    agency_ids = set(Involvement.objects.filter(family=meeting.family, ended_on__isnull=True).values_list(
        "agency_id", flat=True)) | set(meeting.invitations.values_list("agency_id", flat=True))
    form = PlanActionForm(form_data(request), agency_ids=agency_ids)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.plan_action_add(minutes=minutes, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Action added to the plan"))
            if "another" in request.POST:
                return redirect("meetings:action_add", meeting_id=meeting.pk)
            return redirect("meetings:minutes_edit", meeting_id=meeting.pk)
    return render(request, "meetings/action_form.html", {"form": form, "meeting": meeting, "family": meeting.family})


@require_POST
@login_required
def action_remove(request, action_id: int):
    action = get_object_or_404(PlanAction.objects.select_related("minutes"), pk=action_id)
    minutes = _minutes_for_manager(request, action.minutes.meeting_id, "remove a plan action")
    try:
        services.plan_action_remove(action=action, by=request.user)
        messages.success(request, _("Action removed from the draft plan"))
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    return redirect("meetings:minutes_edit", meeting_id=minutes.meeting_id)


@require_safe  # reads only: POST refused (issue 13)
@login_required
def minutes(request, meeting_id: int):
    access = selectors.minutes_get_for(professional=request.user, meeting_id=meeting_id, purpose="minutes")
    context = selectors.minutes_detail(minutes=access.minutes)
    meeting = access.meeting
    context.update(
        access=access.reason, family=meeting.family,
        may_manage=request.user.works_with_families and selectors.may_manage(request.user, meeting),
        may_circulate=request.user.pk in (meeting.chair_id, meeting.minute_taker_id),
        is_chair=request.user.pk == meeting.chair_id,
        review_meeting=meeting.reviews.exclude(state=MeetingState.CANCELLED).order_by("-starts_at").first(),
    )
    return render(request, "meetings/minutes.html", context)


@require_safe  # reads only: POST refused (issue 13)
@login_required
def minutes_pdf(request, meeting_id: int):
    access = selectors.minutes_get_for(professional=request.user, meeting_id=meeting_id, purpose="minutes PDF")
    context = selectors.minutes_detail(minutes=access.minutes)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=access.minutes, family=access.meeting.family,
                 summary=Text(gettext_noop("Minutes as PDF")))
    response = FileResponse(render_minutes_pdf(context, generated_by=request.user), content_type="application/pdf",
                            filename=f"minutes-{access.meeting.family.reference}-{access.meeting.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def minutes_circulate(request, meeting_id: int):
    minutes = _minutes_for_manager(request, meeting_id, "circulate minutes")
    try:
        services.minutes_circulate(minutes=minutes, by=request.user)
        messages.success(request, _("Minutes circulated to every attending agency, with a copy to the Board chair"))
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    return redirect("meetings:minutes", meeting_id=minutes.meeting_id)


@require_safe  # reads only: POST refused (issue 13)
@login_required
def action(request, action_id: int):
    plan_action = selectors.plan_action_get_for(professional=request.user, action_id=action_id)
    return render(request, "meetings/action.html", {
        "action": plan_action, "family": plan_action.family, "updates": plan_action.updates.select_related("by"),
        "may_update": selectors.may_update_action(request.user, plan_action),
        "form": ProgressForm(), "now": timezone.now(),
    })


@require_POST
@login_required
def action_progress(request, action_id: int):
    plan_action = selectors.plan_action_get_for(professional=request.user, action_id=action_id,
                                                purpose="plan action progress")
    if not selectors.may_update_action(request.user, plan_action):
        raise PermissionDenied(_("Only the person responsible, their manager or the chair updates this action."))
    form = ProgressForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.plan_action_progress(
            action=plan_action, by=request.user, **form.cleaned_data)):
        messages.success(request, _("Action done") if form.cleaned_data["completed"] else _("Progress recorded"))
        return redirect("meetings:action", action_id=plan_action.pk)
    return render(request, "meetings/action.html", {
        "action": plan_action, "family": plan_action.family, "updates": plan_action.updates.select_related("by"),
        "may_update": True, "form": form, "now": timezone.now(),
    })

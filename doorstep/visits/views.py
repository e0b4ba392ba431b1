import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.templatetags.static import static
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.core.monitoring import monitoring_down
from doorstep.markers.selectors import current_address_of, markers_shown_for_family

from . import rules, selectors, services
from .chain import emergency_procedure_for
from .forms import (ArrangementForm, AssessmentForm, CheckOutForm, DecideForm, FalseAlarmForm, ReasonForm, ResolveForm,
                    StartForm)
from .models import ChainStep, Question, RiskFactor, VisitAlert, VisitStatus

STEP_ONE_EXCLUDE = {"csrfmiddlewaretoken", "stage", "arrangements", "companions"}


def _manager(request):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers see this page."))


def _initial_from(visit) -> dict:
    """"Plan again" from an earlier plan (e.g. one the manager refused): what it said."""
    start = timezone.localtime(visit.planned_start)
    initial = {
        "planned_on": start.date(), "planned_time": start.strftime("%H:%M"),
        "planned_minutes": str(visit.planned_minutes), "where": "home" if visit.at_home else "venue",
        "venue": visit.venue, "purpose": visit.purpose, "contingency": visit.contingency, "factors": visit.factors,
        "assessment_notes": visit.assessment_notes,
    }
    initial.update({f"q_{q}": "yes" if a else "no" for q, a in visit.answers.items()})
    return initial


def _factor_rows(form, suggestions: dict) -> list[dict]:
    """Each risk factor as a checkbox with what the record says about it (SAF-1: pre-filled from the record)."""
    value = form["factors"].value() or []
    return [{"value": v, "label": label, "checked": v in value, "why": suggestions.get(v, []),
             "id": f"id_factors_{i}"} for i, (v, label) in enumerate(RiskFactor.choices)]


@login_required
def plan(request, family_id: int):
    """Plan a visit (SAF-1, SAF-2): step 1 the visit and the risk assessment, step 2 the arrangement the rules
    propose. Works without JavaScript: step 2 carries step 1's answers as hidden fields."""
    require_family_worker(request.user)
    family = family_get_for(professional=request.user, family_id=family_id, purpose="plan a visit", write=True)
    address = current_address_of(family=family)
    known = selectors.risk_suggestions(family=family, professional=request.user)
    replaces = None
    source = request.GET.get("from", "")
    if source.isdigit():
        replaces = selectors.own_visit_get(professional=request.user, visit_id=int(source), purpose="plan again")
        if replaces.family_id != family.pk:
            # Issue 13, finding 10: a visit of another family is refused, not silently left unreplaced.
            raise Http404("Not found")
    initial = _initial_from(replaces) if replaces else {
        "factors": list(known["factors"]), "where": "home" if address else "venue", "planned_minutes": "60"}
    stage = request.POST.get("stage", "") if request.method == "POST" else ""
    assess = AssessmentForm(form_data(request), initial=initial, address=address)
    context = {"family": family, "address": address, "known": known, "replaces": replaces,
               "markers": markers_shown_for_family(family=family, professional=request.user),
               "incidents": selectors.recent_incidents(family=family)}
    if stage in ("assess", "save") and assess.is_valid():
        kwargs = assess.service_kwargs()
        proposal = rules.propose(factors=kwargs["factors"], answers=kwargs["answers"], at_home=kwargs["at_home"])
        arrange = ArrangementForm(request.POST if stage == "save" else None, sole_allowed=proposal.sole_allowed,
                                  initial={"arrangements": proposal.ticked})
        if stage == "save" and arrange.is_valid():
            visit = _save_plan(request, family, assess, arrange, kwargs, replaces)
            if visit is not None:
                if visit.status == VisitStatus.AWAITING_AGREEMENT:
                    messages.success(request, _("Visit planned and sent to your manager: it needs their agreement "
                                                "before you go."))
                else:
                    messages.success(request, _("Visit planned. On the day, open it from My visits and say when "
                                                "you have arrived."))
                return redirect("visits:detail", visit_id=visit.pk)
        if not assess.errors:
            carried = [(k, v) for k in request.POST if k not in STEP_ONE_EXCLUDE for v in request.POST.getlist(k)]
            answers = kwargs["answers"]
            return render(request, "visits/plan_arrangement.html", {
                **context, "form": arrange, "assess": assess, "proposal": proposal, "carried": carried,
                "summary": kwargs, "factor_labels": [RiskFactor(f).label for f in kwargs["factors"]],
                "answer_rows": [(label, answers.get(v)) for v, label in Question.choices],
                "proposed": proposal.proposed, "managers": services.managers_of(request.user),
            })
    return render(request, "visits/plan.html", {**context, "form": assess,
                                                "factor_rows": _factor_rows(assess, known["factors"])})


def _save_plan(request, family, assess, arrange, kwargs, replaces):
    try:
        return services.visit_plan(family=family, by=request.user, replaces=replaces, **kwargs,
                                   arrangements=arrange.cleaned_data["arrangements"],
                                   companions=arrange.cleaned_data["companions"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = arrange if field in arrange.fields else assess
            target.add_error(field if field in target.fields else None, errors)
        return None


@require_safe  # reads only: POST refused (issue 13)
@login_required
def detail(request, visit_id: int):
    visit = selectors.visit_get_for(professional=request.user, visit_id=visit_id)
    user = request.user
    return render(request, "visits/detail.html", {
        "visit": visit, "family": visit.family,
        "state": selectors.visit_state(visit, for_worker=visit.worker_id == user.pk),
        "is_worker": visit.worker_id == user.pk,
        "may_decide": selectors.may_decide(visit=visit, professional=user),
        "may_cancel": visit.status in (VisitStatus.AWAITING_AGREEMENT, VisitStatus.READY) and (
            visit.worker_id == user.pk or selectors.may_manage(visit=visit, professional=user)),
        "on_chain": selectors.on_chain(visit=visit, professional=user, current_round=False),
        "proposed": _proposed(visit), **selectors.visit_record(visit=visit),
        "phone_in": (visit.worker_id == user.pk and visit.status in (VisitStatus.READY, VisitStatus.IN_PROGRESS)
                     and monitoring_down()),
    })


def _proposed(visit) -> list[dict]:
    rows = []
    for p in visit.proposal:
        clause, why = rules.step_text(p["rule"])
        rows.append({**p, "label": dict(rules.Arrangement.choices).get(p["arrangement"], p["arrangement"]),
                     "reason": why, "clause": clause})
    return rows


@login_required
def out(request, visit_id: int):
    """Out on a visit (SAF-3): the worker's mobile page. Big buttons; every one is a plain form."""
    visit = selectors.own_visit_get(professional=request.user, visit_id=visit_id)
    start = StartForm(form_data(request) if request.method == "POST" else None, initial={
        "contact_number": visit.contact_number or request.user.phone, "vehicle": visit.vehicle,
        "minutes": str(visit.planned_minutes)})
    if request.method == "POST":
        if start.is_valid():
            d = start.cleaned_data
            # Issue 18: "I've arrived on my own" where the plan says someone goes with the worker (SAF-2).
            accompanied = request.POST.get("together") != "no"
            if run_service(start, lambda: services.visit_start(visit=visit, by=request.user,
                                                               contact_number=d["contact_number"],
                                                               vehicle=d["vehicle"], minutes=int(d["minutes"]),
                                                               accompanied=accompanied, elsewhere=d["elsewhere"],
                                                               share_location=d["share_location"],
                                                               location=_location(request),
                                                               key=_press_key(request))):
                # Issue 18: no banner: the page itself says so ("On the visit", "Back by"), and on a phone a banner
                # would push "I'm safe, leaving" behind the "I need help now" bar.
                return redirect("visits:out", visit_id=visit.pk)
    _keep_signed_in(request, visit)
    now = timezone.now()
    # Issue 18 (BS 8484): after the discreet alarm the page is an ordinary check-out's, while the chain has the alarm.
    discreet = visit.shows_as_checked_out
    helping = visit.is_live and visit.alarm_step == ChainStep.HELP and not discreet
    help_alarm = selectors.help_alarm(visit=visit) if helping else None
    return render(request, "visits/out.html", {
        "visit": visit, "family": visit.family, "form": start,
        "state": selectors.visit_state(visit, now=now, for_worker=True), "discreet": discreet,
        # Issue 18: after "I need help now" the page is the alarm (who was alerted, who has it, whom to phone).
        "help": help_alarm,
        # Issue 18, poor signal: whom to phone while a press waits for signal (visits/_not_sent.html).
        "call": help_alarm["call"] if help_alarm else selectors.managers_to_call(visit=visit), "sw_scope": _scope(),
        # "I need help now" is on every step of the visit, from the doorstep on (SAF-4).
        "may_ask_help": visit.status in (VisitStatus.READY, VisitStatus.IN_PROGRESS) and not discreet,
        "open_details": bool(start.errors) or not (visit.contact_number or request.user.phone),
        "overdue": visit.is_live and visit.expected_back <= now,
        "minutes_left": max(0, int((visit.expected_back - now).total_seconds() // 60)) if visit.is_live else None,
        "markers": markers_shown_for_family(family=visit.family, professional=request.user),
        "checkout_form": CheckOutForm(),
        # Issue 16: with no worker process running, nothing would raise this visit's alarm (SAF-3).
        "phone_in": visit.status in (VisitStatus.READY, VisitStatus.IN_PROGRESS) and monitoring_down(),
    })


# How long after the expected return a worker on a live visit stays signed in (SAF-3, SAF-4). The idle timeout
# (SESSION_COOKIE_AGE) would otherwise sign out a worker whose phone sat unused through a long visit, and their
# "I need help now" would land on the sign-in page.
VISIT_SIGNED_IN_AFTER = timedelta(hours=2)


def _keep_signed_in(request, visit) -> None:
    """While the visit is live the session lasts until its expected return plus VISIT_SIGNED_IN_AFTER (and never less
    than the ordinary idle timeout); once it is over, the ordinary idle timeout applies again."""
    if visit.is_live and visit.expected_back:
        until = visit.expected_back + VISIT_SIGNED_IN_AFTER
        if until > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE):
            request.session.set_expiry(until)
            return
    if "_session_expiry" in request.session:
        request.session.set_expiry(None)


def _location(request) -> dict | None:
    """Issue 18: the location the visit page's script adds to a press, with the worker's consent (or nothing)."""
    if not request.POST.get("latitude"):
        return None
    return {k: request.POST.get(k, "") for k in ("latitude", "longitude", "accuracy")}


def _press_key(request) -> str:
    """Issue 18, poor signal: the key each form of the visit page carries, so that a press sent again (queued on a
    phone without signal, or pressed twice) is done once (`services._pressed`)."""
    return request.POST.get("press_key", "")


def _worker_action(request, visit_id: int, call, success: str):
    visit = selectors.own_visit_get(professional=request.user, visit_id=visit_id, purpose="check-in")
    try:
        call(visit)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("visits:out", visit_id=visit.pk), visit, False
    visit.refresh_from_db()
    _keep_signed_in(request, visit)
    if success:
        messages.success(request, success)
    return redirect("visits:out", visit_id=visit.pk), visit, True


@require_POST
@login_required
def extend(request, visit_id: int):
    minutes = request.POST.get("minutes", "")
    minutes = int(minutes) if minutes.isdigit() else 0
    response, _visit, _ok = _worker_action(
        request, visit_id, lambda v: services.visit_extend(visit=v, by=request.user, minutes=minutes,
                                                           location=_location(request), key=_press_key(request)),
        _("Visit extended by %(minutes)s minutes.") % {"minutes": minutes})
    return response


@require_POST
@login_required
def check_out(request, visit_id: int):
    """"I'm safe, leaving" in one tap; "I've left, and something happened" tells the manager at once and goes on
    to the incident form (SAF-4)."""
    form = CheckOutForm(request.POST)
    happened = form.is_valid() and form.cleaned_data["something_happened"]
    if request.POST.get("leaving") == "now":
        # Issue 18 (BS 8484): the discreet alarm. Everything the worker sees is an ordinary check-out's.
        response, _visit, _ok = _worker_action(
            request, visit_id, lambda v: services.visit_duress(visit=v, by=request.user, key=_press_key(request)),
            _("You have reported back safe."))
        return response
    response, visit, ok = _worker_action(
        request, visit_id, lambda v: services.visit_check_out(visit=v, by=request.user, something_happened=happened,
                                                   key=_press_key(request)),
        _("You have reported back safe."))
    if ok and happened:
        return _to_incident(request, visit)
    return response


def _to_incident(request, visit):
    messages.success(request, _("Your manager has been told that something happened. Record the incident now."))
    return redirect(f"{reverse('incidents:create', args=[visit.family_id])}?visit={visit.pk}")


@require_POST
@login_required
def something_happened(request, visit_id: int):
    response, visit, ok = _worker_action(
        request, visit_id, lambda v: services.visit_something_happened(visit=v, by=request.user,
                                                                     key=_press_key(request)), "")
    return _to_incident(request, visit) if ok else response


@require_POST
@login_required
def help_now(request, visit_id: int):
    visit = selectors.own_visit_get(professional=request.user, visit_id=visit_id, purpose="help requested")
    try:
        alert = services.visit_help(visit=visit, by=request.user, location=_location(request),
                                    key=_press_key(request))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("visits:out", visit_id=visit.pk)
    if alert is None:
        messages.error(request, _("Help was already requested: everyone on the chain has the alarm."))
    # Otherwise the page itself is the alarm now: who was alerted, and when (issue 18).
    return redirect("visits:out", visit_id=visit.pk)


@login_required
def help_cancel(request, visit_id: int):
    """"Cancel: false alarm", with the reason everyone alerted is told (issue 18)."""
    visit = selectors.own_visit_get(professional=request.user, visit_id=visit_id, purpose="cancel a false alarm")
    if not (visit.is_live and visit.alarm_step == ChainStep.HELP):
        messages.success(request, _("There is no request for help to cancel."))
        return redirect("visits:out", visit_id=visit.pk)
    form = FalseAlarmForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.visit_help_cancel(visit=visit, by=request.user, **form.cleaned_data)):
            messages.success(request, _("False alarm cancelled. Everyone who was alerted has been told why."))
            return redirect("visits:out", visit_id=visit.pk)
    return render(request, "visits/help_cancel.html", {"visit": visit, "family": visit.family, "form": form})


@login_required
def decide(request, visit_id: int):
    """The manager agrees the plan, changes it or refuses it with a reason (003 §5.3, 002 §9.5)."""
    visit = selectors.visit_get_for(professional=request.user, visit_id=visit_id, purpose="agree a visit plan")
    if not selectors.may_decide(visit=visit, professional=request.user):
        raise PermissionDenied(_("Only a manager of the worker's agency can agree this plan, while it waits."))
    sole_allowed = not visit.factors
    form = DecideForm(form_data(request), sole_allowed=sole_allowed,
                      initial={"arrangements": visit.arrangements, "companions": visit.companions})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = run_service(form, lambda: services.visit_decide(
            visit=visit, by=request.user, decision=d["decision"], reason=d["reason"],
            arrangements=d["arrangements"], companions=d["companions"],
            supervision_reference=d["supervision_reference"]))
        if result:
            messages.success(request, {"agreed": _("Plan agreed. The worker has been told."),
                                       "changed": _("Plan agreed with your changes. The worker has been told."),
                                       "refused": _("Plan refused. The worker has been told why.")}[d["decision"]])
            return redirect("visits:to_agree")
    return render(request, "visits/decide.html", {
        "visit": visit, "family": visit.family, "form": form, "proposed": _proposed(visit),
        "markers": markers_shown_for_family(family=visit.family, professional=request.user),
        "incidents": selectors.recent_incidents(family=visit.family),
    })


@login_required
def cancel(request, visit_id: int):
    visit = selectors.visit_get_for(professional=request.user, visit_id=visit_id, purpose="cancel a visit")
    if visit.worker_id != request.user.pk and not selectors.may_manage(visit=visit, professional=request.user):
        raise PermissionDenied(_("Only the worker or a manager of their agency can cancel this visit."))
    form = ReasonForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.visit_cancel(visit=visit, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Visit cancelled"))
            return redirect("visits:detail", visit_id=visit.pk)
    return render(request, "visits/cancel.html", {"visit": visit, "family": visit.family, "form": form})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def alarm(request, visit_id: int):
    """The emergency card (SAF-3): who, where, expected back when, contact number, vehicle, the family's markers and
    every check-in. Only the people on the chain, only while the escalation runs; every opening audited."""
    visit, live = selectors.emergency_card_get_for(professional=request.user, visit_id=visit_id)
    pending = live and VisitAlert.objects.filter(visit=visit, round=visit.alarm_round, recipients=request.user,
                                                 acknowledged_at__isnull=True).exclude(step=ChainStep.REMINDER).exists()
    fired = {a.step for a in VisitAlert.objects.filter(visit=visit, round=visit.alarm_round)}
    return render(request, "visits/alarm.html", {
        "visit": visit, "family": visit.family, "live": live, "pending": pending,
        "state": selectors.visit_state(visit), "emergency_fired": ChainStep.EMERGENCY in fired,
        "procedure": emergency_procedure_for(visit.agency),
        "location_at": parse_datetime(visit.location["at"]) if visit.location else None,
        "card": selectors.emergency_card(visit=visit, professional=request.user) if live else
        selectors.visit_record(visit=visit),
        "now": timezone.now(),
    })


@require_POST
@login_required
def acknowledge(request, visit_id: int):
    visit, live = selectors.emergency_card_get_for(professional=request.user, visit_id=visit_id)
    if not live:
        messages.success(request, _("The alarm is already over."))
        return redirect("visits:alarm", visit_id=visit.pk)
    services.visit_acknowledge(visit=visit, by=request.user)
    messages.success(request, _("Acknowledged: you are dealing with it. If the worker is not found safe within "
                                "%(minutes)s minutes, the next step of the chain fires.") % {
        "minutes": visit.hold_minutes})
    return redirect("visits:alarm", visit_id=visit.pk)


@login_required
def resolve(request, visit_id: int):
    visit, live = selectors.emergency_card_get_for(professional=request.user, visit_id=visit_id)
    if not live:
        messages.success(request, _("The alarm is already over."))
        return redirect("visits:alarm", visit_id=visit.pk)
    form = ResolveForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.visit_resolve(visit=visit, by=request.user, **form.cleaned_data)):
            messages.success(request, _("Recorded. Everyone the alarm reached has been told to stand down."))
            return redirect("visits:alarm", visit_id=visit.pk)
    return render(request, "visits/resolve.html", {"visit": visit, "family": visit.family, "form": form})


@require_POST
@login_required
def emergency(request, visit_id: int):
    visit, live = selectors.emergency_card_get_for(professional=request.user, visit_id=visit_id)
    if live:
        services.visit_escalate_now(visit=visit, by=request.user)
        messages.success(request, _("Emergency procedure started: everyone on the chain has been alerted."))
    return redirect("visits:alarm", visit_id=visit.pk)


@require_safe  # reads only: POST refused (issue 13)
@login_required
def to_agree(request):
    _manager(request)
    page = Paginator(selectors.visits_awaiting_agreement(manager=request.user), 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page.object_list,
                      summary=Text(gettext_noop("Visit plans to agree")))
    return render(request, "visits/to_agree.html", {"page": page})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def board(request):
    """"Out on visits now" (SAF-3, 004 §6.2): the agency's live visits and their states."""
    _manager(request)
    visits = selectors.visits_board(manager=request.user)
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=visits,
                      summary=Text(gettext_noop("Out on visits now")))
    return render(request, "visits/board.html", {"visits": visits, "now": timezone.now(),
                                                 "awaiting": selectors.visits_awaiting_agreement(
                                                     manager=request.user).count()})


@require_safe  # reads only: POST refused (issue 13)
@login_required
def mine(request):
    require_family_worker(request.user)
    visits = selectors.visits_for_worker(professional=request.user)
    now = timezone.now()
    for v in visits:
        v.state = selectors.visit_state(v, now=now, for_worker=True)
    return render(request, "visits/mine.html", {"visits": visits})


# Issue 18, poor signal: the visit page as an installable web app. The manifest and the service worker are served by
# Django at fixed URLs (a service worker's URL must not change, and its scope is the folder it is served from:
# /visits/), naming the static files by the names the static storage gives them (hashed in production), so they work
# under whitenoise and collectstatic. The page shell is served to anyone and holds nobody's data.

def _shell_assets() -> list[str]:
    """The visit page's own static files: all the service worker ever caches, beside the shell."""
    return [static(name) for name in (
        "govuk/govuk-frontend.min.css", "moj/moj-frontend.min.css", "doorstep.css", "govuk/govuk-frontend.min.js",
        "doorstep.js", "visits/visits.js", "icons/doorstep.svg", "icons/doorstep-192.png", "icons/doorstep-512.png",
        "govuk/assets/images/favicon.ico")]


def _scope() -> str:
    """The folder the service worker is served from: the most it may control (/visits/)."""
    return reverse("visits:service_worker").rsplit("/", 1)[0] + "/"


@require_safe
def offline(request):
    """The page shell the service worker shows when a visit page cannot be reached: no family's data, nobody's name
    (rendered as for nobody signed in, as it is kept on the phone); it sends what was pressed when signal returns."""
    return render(request, "visits/offline.html", {"user": AnonymousUser(), "navigation": None,
                                                   "session_timeout": None})


@require_safe
def service_worker(request):
    assets = _shell_assets()
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    return render(request, "visits/service-worker.js", {"assets": assets, "version": version,
                                                        "shell": reverse("visits:offline"), "scope": _scope()},
                  content_type="text/javascript; charset=utf-8")


@require_safe
def manifest(request):
    return JsonResponse({
        "name": _("Doorstep: out on a visit"), "short_name": "Doorstep", "lang": request.LANGUAGE_CODE,
        "start_url": reverse("visits:mine"), "scope": _scope(),
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b0c0c",
        "icons": [
            {"src": static("icons/doorstep-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/doorstep-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/doorstep.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})

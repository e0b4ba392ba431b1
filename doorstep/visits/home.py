from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import VisitStatus
from .selectors import alarms_for, visits_awaiting_agreement, visits_for_worker, visits_out_now_count


def visits_section(request):
    """Home page, first of all: live alarms the person is on the chain of (SAF-3); the worker's live visit or today's
    visits. (A manager's plans to agree are a counter: plans_to_agree_counter.)"""
    user = request.user
    if not user.works_with_families:
        return None
    today = timezone.localdate()
    mine = visits_for_worker(professional=user, days=0)
    live = next((v for v in mine if v.status == VisitStatus.IN_PROGRESS), None)
    section = {
        "template": "visits/_home.html",
        "alarms": alarms_for(professional=user),
        "live": live,
        "today": [v for v in mine if v.status == VisitStatus.READY and timezone.localdate(v.planned_start) == today],
    }
    if not (section["alarms"] or section["live"] or section["today"]):
        return None
    return section


def _is_manager(user) -> bool:
    return user.works_with_families and user.is_manager


def plans_to_agree_counter(request) -> dict | None:
    """A manager's counter (issue 18): visit plans of their agency waiting for a manager's agreement (003 §5.3)."""
    if not _is_manager(request.user):
        return None
    return {"label": _("Visit plans to agree"), "count": visits_awaiting_agreement(manager=request.user).count(),
            "href": reverse("visits:to_agree")}


def out_on_visits_counter(request) -> dict | None:
    """A manager's counter (issue 18): their agency's staff out on a visit now (SAF-3, 004 §6.2)."""
    if not _is_manager(request.user):
        return None
    return {"label": _("Out on a visit now"), "count": visits_out_now_count(manager=request.user),
            "href": reverse("visits:board")}

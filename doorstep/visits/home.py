from django.utils import timezone

from .models import VisitStatus
from .selectors import alarms_for, visits_awaiting_agreement, visits_for_worker


def visits_section(request):
    """Home page, first of all: live alarms the person is on the chain of (SAF-3); the worker's live visit or today's
    visits; a manager's plans to agree."""
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
        "to_agree": visits_awaiting_agreement(manager=user).count() if user.is_manager else 0,
    }
    if not (section["alarms"] or section["live"] or section["today"] or section["to_agree"]):
        return None
    return section

from datetime import timedelta

from django.utils import timezone

from . import selectors

RECENT_DAYS = 90


def incidents_section(request):
    """Home page: incidents a manager must follow up (ESC-4), and the worker's own recent ones."""
    user = request.user
    if not user.works_with_families:
        return None
    follow_up = selectors.incidents_to_follow_up(manager=user)
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    mine = [a for a in selectors.incidents_affecting(professional=user, limit=5) if a.incident.occurred_at >= since]
    if not follow_up and not mine:
        return None
    return {"template": "incidents/_home.html", "follow_up": follow_up, "mine": mine}

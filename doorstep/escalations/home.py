"""The escalation engine's pieces of other pages: the first section of the landing page ("My actions"), the case
file's one-line banner of open actions and the Overview's list of them, and the side panel of protocol steps."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core import charts
from doorstep.core.extensions import casefile_panel
from doorstep.core.texts import Text
from doorstep.families.selectors import family_active_involvements

from .selectors import (actions_for, family_open_escalations, family_open_escalations_count, team_actions_for,
                        team_overdue_by_owner)

HOME_LIMIT = 10


def my_actions_section(request):
    """The landing page after login starts with the person's own actions, soonest deadline first."""
    if not request.user.works_with_families:
        return None
    qs = actions_for(professional=request.user)
    actions = list(qs[:HOME_LIMIT + 1])
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects={e.family for e in actions if e.family_id},
                      summary=Text(gettext_noop("Listed in my actions")))
    return {"template": "escalations/_home_actions.html", "actions": actions[:HOME_LIMIT],
            "more": len(actions) > HOME_LIMIT, "overdue": sum(1 for e in actions if e.is_overdue)}


def _is_manager(user) -> bool:
    return user.works_with_families and user.is_manager


def team_overdue_counter(request) -> dict | None:
    """A manager's counter (issue 18): overdue actions in their team queue (ORG-3), linking to that queue."""
    if not _is_manager(request.user):
        return None
    count = team_actions_for(manager=request.user, overdue_only=True).count()
    return {"label": _("Overdue team actions"), "count": count,
            "href": f"{reverse('escalations:team')}?{urlencode({'show': 'overdue'})}"}


def overdue_by_worker_section(request) -> dict | None:
    """A manager's home page (issue 18): overdue actions by worker as a bar chart with its table, each worker linking
    to their overdue actions in the team queue. One query; nothing when nothing is overdue."""
    if not _is_manager(request.user):
        return None
    rows = team_overdue_by_owner(manager=request.user)
    if not rows:
        return None
    team = reverse("escalations:team")
    chart = charts.bar_chart(
        title=_("Overdue actions by worker"), label_heading=_("Worker"), value_heading=_("Overdue actions"),
        description=_("Actions past their deadline in your team queue, by the person who owns each."),
        rows=[charts.Row(label=r["name"], values=(r["count"],),
                         href=f"{team}?{urlencode({'show': 'overdue', 'owner': r['owner_id']})}" if r["in_team"] else "")
              for r in rows])
    return {"template": "escalations/_home_overdue_chart.html", "chart": chart}


def open_escalations_banner(*, family, professional):
    """Every page about the family says, in one line, how many actions are open and how many overdue, linking to
    them on the case file's Overview (issue 18). One query, shared with the Overview's list."""
    counts = family_open_escalations_count(family=family)
    if not counts["open"]:
        return None
    return {"template": "escalations/_banner.html", "family": family, **counts}


@casefile_panel(section="overview")
def open_actions_panel(*, family, professional):
    """The Overview: the family's open actions, soonest deadline first, each with its owner and deadline (the
    banner's line links here). No query of its own: the banner's list."""
    escalations = family_open_escalations(family=family)
    if not escalations:
        return None
    counts = family_open_escalations_count(family=family)
    return {"template": "escalations/_casefile_actions.html", "family": family, "escalations": escalations,
            **counts}


@casefile_panel(section="overview")
def protocol_steps_panel(*, family, professional):
    """Side panel: record evidence of non-compliance (ESC-2) and the steps before ending an involvement (ESC-6)."""
    if not getattr(professional, "works_with_families", False):
        return None
    involvements = family_active_involvements(family=family)
    return {"template": "escalations/_side.html", "family": family, "involvements": involvements}

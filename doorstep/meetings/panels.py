"""What meetings add to other pages: the case file's plan panel (MTG-5) and the home page's sections."""

from django.utils import timezone

from doorstep.core.extensions import casefile_panel

from . import selectors


@casefile_panel(section="meetings")
def plan_panel(*, family, professional) -> dict | None:
    """Case file: the current plan and who owns what, open meetings, and escalations that ask for a meeting.
    Four queries, whatever the family's size."""
    if not professional.works_with_families:
        return None
    return {"template": "meetings/_casefile_panel.html", "family": family, "now": timezone.now(),
            **selectors.family_plan_panel(family=family)}


def board_section(request) -> dict | None:
    """The Board chair's home page: the minutes sent to them (MTG-4); the figures are the Board's report's."""
    if not request.user.is_board_chair:
        return None
    sent = list(selectors.minutes_sent_to(professional=request.user)[:5])
    return {"template": "meetings/_home_board.html", "sent": sent}


def worker_section(request) -> dict | None:
    """A practitioner's or manager's home page: invitations to reply to, meetings to run, plan actions owned."""
    if not request.user.works_with_families:
        return None
    mine = selectors.my_meetings(professional=request.user)
    if not (mine["invitations"] or mine["running"] or mine["actions"]):
        return None
    return {"template": "meetings/_home_worker.html", "now": timezone.now(), **mine}

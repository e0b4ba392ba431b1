"""The Board's report (OVR-2, MTG-4, MTG-9): multi-agency meetings in a period, counted in the database. Five
queries, whatever the number of families; the partnership's families' meetings only (issue 21)."""

from datetime import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from doorstep.agencies.models import AgencyKind
from doorstep.core.board import Figure, Table
from doorstep.partnerships.models import Partnership

from .models import Meeting, MeetingKind, Minutes, MinutesState, Outcome


def meetings_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    meetings = Meeting.objects.filter(family__partnership=partnership)
    called = meetings.filter(called_at__gte=start, called_at__lt=end).order_by()
    by_kind = dict(called.values_list("kind").annotate(n=Count("id")))
    by_agency = dict(called.values_list("calling_agency__kind").annotate(n=Count("id")))
    total = Figure("meetings_called", _("Meetings called"), sum(by_kind.values()))
    # MTG-2: held by the date the urgency (or the escalation that asked for it) set.
    held = meetings.filter(held_on__gte=start.date(), held_on__lt=end.date()).aggregate(
        held=Count("id"), in_time=Count("id", filter=Q(hold_by__date__gte=F("held_on"))))
    # MTG-4: minutes circulated within seven days of the meeting (the deadline set on the minutes).
    circulated = Minutes.objects.filter(meeting__family__partnership=partnership, state=MinutesState.CIRCULATED,
                                        circulated_at__gte=start, circulated_at__lt=end).order_by()
    minutes = circulated.aggregate(n=Count("id"), on_time=Count("id", filter=Q(circulated_at__lte=F("circulate_by"))))
    outcomes = dict(circulated.values_list("outcome").annotate(n=Count("id")))
    minutes_total = Figure("minutes_circulated", _("Minutes circulated"), minutes["n"])
    return [
        Table("meetings_by_kind", _("Multi-agency meetings called, by kind"),
              [Figure(f"meetings_kind_{k}", label, by_kind.get(k, 0)) for k, label in MeetingKind.choices], total),
        Table("meetings_by_agency", _("Multi-agency meetings called, by calling agency"),
              [Figure(f"meetings_agency_{k}", label, by_agency.get(k, 0)) for k, label in AgencyKind.choices], total),
        Table("meetings_held", _("Meetings held within their timescale"), [
            Figure("meetings_held_in_time", _("Held within the timescale"), held["in_time"]),
            Figure("meetings_held_late", _("Held later than the timescale"), held["held"] - held["in_time"]),
        ], Figure("meetings_held", _("Meetings held"), held["held"])),
        Table("minutes_circulated", _("Minutes circulated within seven days (MTG-4)"), [
            Figure("minutes_on_time", _("Within seven days"), minutes["on_time"]),
            Figure("minutes_late", _("Later than seven days"), minutes["n"] - minutes["on_time"]),
        ], minutes_total),
        Table("meeting_outcomes", _("Outcomes of the meetings (MTG-9)"), [
            *(Figure(f"outcome_{k}", label, outcomes.get(k, 0)) for k, label in Outcome.choices),
            Figure("outcome_none", _("No outcome recorded"), outcomes.get("", 0)),
        ], minutes_total),
    ]

"""The Board's report (OVR-2, SAF-3): lone-working alarms in a period and how fast they were acknowledged. Two
queries, whatever the number of visits; visits to the partnership's families only (issue 21)."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import MEDIAN_MINUTES, Figure, Table, median
from doorstep.partnerships.models import Partnership

from .models import ChainStep, VisitAlert

# An alarm: the chain reached a person other than the worker, or the worker asked for help (not a reminder).
ALARM_STEPS = (ChainStep.LINE_MANAGER, ChainStep.DUTY_MANAGER, ChainStep.EMERGENCY, ChainStep.HELP)


def visits_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    alarms = VisitAlert.objects.filter(visit__family__partnership=partnership, fired_at__gte=start, fired_at__lt=end,
                                       step__in=ALARM_STEPS).order_by()
    counts = alarms.aggregate(n=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
                              emergency=Count("id", filter=Q(step=ChainStep.EMERGENCY)),
                              help=Count("id", filter=Q(step=ChainStep.HELP)))
    minutes = [(ack - fired).total_seconds() / 60 for fired, ack in
               alarms.filter(acknowledged_at__isnull=False).values_list("fired_at", "acknowledged_at")]
    return [
        Table("alarms", _("Lone-working alarms"), [
            Figure("alarms_acknowledged", _("Acknowledged"), counts["acknowledged"]),
            Figure("alarms_unacknowledged", _("Not acknowledged"), counts["n"] - counts["acknowledged"]),
        ], Figure("alarms", _("Alarms raised"), counts["n"])),
        Table("alarms_kind", _("Lone-working alarms that reached the emergency procedure, or were a call for help"), [
            Figure("alarms_emergency", _("Reached the emergency procedure"), counts["emergency"]),
            Figure("alarms_help", _("The worker asked for help"), counts["help"]),
        ]),
        Table("alarms_speed", _("How fast alarms were acknowledged"), [
            Figure("alarms_median_minutes", _("Median minutes to acknowledge"), median(minutes), MEDIAN_MINUTES,
                   base=len(minutes))]),
    ]

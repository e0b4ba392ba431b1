from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ChainStep, Decision, Visit, VisitAlert, VisitStatus

PERIOD_DAYS = 90


def visits_figures():
    """OVR-2: visit safety across the partnership over the last 90 days (aggregates only)."""
    since = timezone.now() - timedelta(days=PERIOD_DAYS)
    visits = Visit.objects.filter(created_at__gte=since).aggregate(
        planned=Count("id"),
        with_risk=Count("id", filter=Q(agreement_required=True)),
        refused=Count("id", filter=Q(decision=Decision.REFUSED)),
        made=Count("id", filter=Q(status=VisitStatus.COMPLETED)),
        something=Count("id", filter=Q(something_happened=True)),
    )
    alerts = VisitAlert.objects.filter(fired_at__gte=since).aggregate(
        alarms=Count("visit", filter=Q(step=ChainStep.LINE_MANAGER) | Q(step=ChainStep.HELP), distinct=True),
        emergency=Count("id", filter=Q(step=ChainStep.EMERGENCY)),
        help=Count("id", filter=Q(step=ChainStep.HELP)),
    )
    return [{"title": _("Visit safety, last 90 days"), "rows": [
        (_("Visits planned"), visits["planned"]),
        (_("Plans needing a manager's agreement"), visits["with_risk"]),
        (_("Plans refused by a manager"), visits["refused"]),
        (_("Monitored visits completed"), visits["made"]),
        (_("Lone-worker alarms raised"), alerts["alarms"]),
        (_("Alarms that reached the emergency procedure"), alerts["emergency"]),
        (_("Workers who asked for help"), alerts["help"]),
        (_("Visits where something happened"), visits["something"]),
    ]}]

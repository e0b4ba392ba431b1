from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AffectedWorker, Incident


def incidents_figures():
    """OVR-2: incidents towards professionals across the partnership in the last 12 months (aggregates only)."""
    since = timezone.now() - timedelta(days=365)
    incidents = Incident.objects.filter(occurred_at__gte=since).aggregate(
        total=Count("id"), kill=Count("id", filter=Q(threat_to_kill=True)),
        injury=Count("id", filter=Q(injury=True)), police=Count("id", filter=Q(police_informed=True)),
    )
    workers = AffectedWorker.objects.filter(incident__occurred_at__gte=since).aggregate(
        total=Count("id"), followed_up=Count("id", filter=Q(follow_up_at__isnull=False)),
    )
    return [{"title": _("Threats and violence towards professionals, last 12 months"), "rows": [
        (_("Incidents"), incidents["total"]),
        (_("With threats to kill"), incidents["kill"]),
        (_("With an injury"), incidents["injury"]),
        (_("Police informed"), incidents["police"]),
        (_("Professionals affected"), workers["total"]),
        (_("Manager's follow-up recorded"), workers["followed_up"]),
    ]}]

"""The Board's report (OVR-2): incidents against staff in a period, by kind; police informed; threats to kill. Two
queries, whatever the number of families; those about the partnership's families only (issue 21)."""

from collections import Counter
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import Figure, Table
from doorstep.engagement.models import ThreatKind
from doorstep.partnerships.models import Partnership

from .models import Incident


def incidents_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    incidents = Incident.objects.filter(family__partnership=partnership, occurred_at__gte=start,
                                        occurred_at__lt=end).order_by()
    counts = incidents.aggregate(total=Count("id"), kill=Count("id", filter=Q(threat_to_kill=True)),
                                 injury=Count("id", filter=Q(injury=True)),
                                 police=Count("id", filter=Q(police_informed=True)))
    # The kinds are a list on each incident (JSON, not countable the same way on every database): one query for the
    # lists of the period's incidents, counted here.
    kinds = Counter(kind for threats in incidents.values_list("threats", flat=True) for kind in set(threats or ()))
    return [
        Table("incidents", _("Incidents against staff"), [
            Figure("incidents", _("Incidents"), counts["total"]),
            Figure("incidents_police", _("Police informed"), counts["police"]),
            Figure("incidents_kill", _("With threats to kill"), counts["kill"]),
            Figure("incidents_injury", _("With an injury"), counts["injury"]),
        ]),
        Table("incidents_by_kind", _("Incidents against staff, by kind"), [
            Figure("incidents_kill" if k == ThreatKind.THREAT_TO_KILL else f"incidents_kind_{k}", label,
                   counts["kill"] if k == ThreatKind.THREAT_TO_KILL else kinds.get(k, 0))
            for k, label in ThreatKind.choices
        ], note=_("An incident may be of more than one kind.")),
    ]

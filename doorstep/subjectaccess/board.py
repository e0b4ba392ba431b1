"""The Board's report (OVR-2, RIG-1): subject access requests received, answered on time and late, and extended, in
the period (the report puts it beside the previous one and hides small numbers). One query, whatever the number of
requests; requests about the partnership's families only (issue 21)."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import Figure, Table
from doorstep.partnerships.models import Partnership

from .models import SubjectAccessRequest


def subject_access_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    released = Q(released_at__gte=start, released_at__lt=end)
    counts = SubjectAccessRequest.objects.filter(family__partnership=partnership).aggregate(
        received=Count("id", filter=Q(received_on__gte=start.date(), received_on__lt=end.date())),
        on_time=Count("id", filter=released & Q(released_on_time=True)),
        late=Count("id", filter=released & Q(released_on_time=False)),
        extended=Count("id", filter=Q(extended_at__gte=start, extended_at__lt=end)),
    )
    return [
        Table("subject_access", _("Subject access requests (RIG-1)"), [
            Figure("sar_received", _("Requests received"), counts["received"]),
            Figure("sar_on_time", _("Answered on time"), counts["on_time"]),
            Figure("sar_late", _("Answered late"), counts["late"]),
            Figure("sar_extended", _("Deadlines extended"), counts["extended"]),
        ]),
    ]

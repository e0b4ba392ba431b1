"""The Board's report (OVR-2, SUP-4): supervision of staff in a period, how often, and cancellations. Two queries,
whatever the number of staff.

Issue 21: a supervision is of a worker, not of a family, so it counts in a partnership's figures where that worker
works: a partnership their agency works in (Partnership.agencies; an agency in none opens its families in the
deployment's default partnership, partnerships/services.family_partnership_choose), or one of whose families the
supervision discussed. A police officer working in two partnerships is in both; a worker of neither, in neither."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import RATE, Figure, Table
from doorstep.partnerships.models import Partnership
from doorstep.partnerships.selectors import works_in_partnership

from .models import CancelledBy, CaseDiscussion, SessionState, SupervisionSession


def of_partnership(partnership: Partnership) -> Q:
    """The supervisions that count in the partnership's figures (subqueries: no row counted twice, no extra query)."""
    return works_in_partnership(partnership, agency_field="supervisee__agency") | Q(
        pk__in=CaseDiscussion.objects.filter(family__partnership=partnership).values("session"))


def supervision_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    first, after = start.date(), end.date()
    sessions = SupervisionSession.objects.filter(of_partnership(partnership))
    held = sessions.filter(state=SessionState.HELD, held_on__gte=first, held_on__lt=after).aggregate(
        n=Count("pk"), workers=Count("supervisee", distinct=True),
        safety=Count("pk", filter=Q(health_and_safety_discussed=True)))
    cancelled = dict(sessions.filter(
        state=SessionState.CANCELLED, cancelled_on__gte=first, cancelled_on__lt=after).order_by()
        .values_list("cancelled_by_whom").annotate(n=Count("pk")))
    return [
        Table("supervision", _("Supervision of staff"), [
            Figure("supervision_held", _("Supervisions held"), held["n"]),
            Figure("supervision_workers", _("Staff supervised"), held["workers"]),
            Figure("supervision_safety", _("Supervisions where health and safety was discussed"), held["safety"]),
        ]),
        Table("supervision_frequency", _("How often staff were supervised"), [
            Figure("supervision_per_worker", _("Supervisions per member of staff supervised"),
                   round(held["n"] / held["workers"], 1) if held["workers"] else None, RATE, base=held["workers"])]),
        Table("supervision_cancelled", _("Supervisions cancelled, by who cancelled"), [
            *(Figure(f"supervision_cancelled_{k}", label, cancelled.get(k, 0)) for k, label in CancelledBy.choices),
            Figure("supervision_cancelled_unknown", _("Not recorded"), cancelled.get("", 0) + cancelled.get(None, 0)),
        ], Figure("supervision_cancelled", _("Supervisions cancelled"), sum(cancelled.values()))),
    ]
